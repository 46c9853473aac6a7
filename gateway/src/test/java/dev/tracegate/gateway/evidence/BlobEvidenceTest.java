package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command too large for a leaf is kept as a blob the leaf refers to by hash. Exports carry the
 * blob and the verifier checks it; once retention deletes the content, the same events still
 * verify, because the leaf only ever committed to the hash.
 */
class BlobEvidenceTest {

    @Test
    void largeCommandsBecomeBlobsThatSurviveRetentionAsHashes(@TempDir Path dir) throws Exception {
        String longLiteral = "x".repeat(100_000);
        try (TestGateway gateway = TestGateway.start()) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
                 ResultSet rs = sql.executeQuery("SELECT length('" + longLiteral + "')")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(100_000);
            }
            EvidenceExporter exporter = new EvidenceExporter(gateway.gateway().evidence(), gateway.gateway().checkpoints());
            Path withBlob = dir.resolve("with-blob");
            exporter.export(ExportFilter.ALL, withBlob);
            String events = Files.readString(withBlob.resolve("events.jsonl"));
            assertThat(events).contains("\"blob\":\"sha256:").doesNotContain(longLiteral);
            VerificationReport report = BundleVerifier.verify(withBlob, Optional.of(gateway.gateway().checkpoints().verifierKey()));
            assertThat(report.ok()).as(report.summary()).isTrue();
            // The command's text, and its result row kept as evidence.
            assertThat(report.blobsChecked()).isEqualTo(2);

            int deleted = new BlobRetention(gateway.gateway().evidence(), Duration.ZERO).applyNow();
            assertThat(deleted).isEqualTo(2);
            Path afterRetention = dir.resolve("after-retention");
            exporter.export(ExportFilter.ALL, afterRetention);
            VerificationReport later = BundleVerifier.verify(afterRetention, Optional.of(gateway.gateway().checkpoints().verifierKey()));
            assertThat(later.ok()).as(later.summary()).isTrue();
            assertThat(later.blobsChecked()).isZero();
            assertThat(later.blobsAbsent()).isEqualTo(2);
        }
    }
}
