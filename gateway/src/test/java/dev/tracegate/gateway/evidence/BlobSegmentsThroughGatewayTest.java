package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the embedded store, blob content (long command texts, kept result data) lives in segment
 * files in {@code dataDir/evidence-blobs}: it survives restarts into exports, a record the gateway
 * died while writing is cut when it starts again (absent, never garbled), retention deletes it,
 * and blobs an earlier version kept in the database still export.
 */
class BlobSegmentsThroughGatewayTest {

    @TempDir
    Path dir;

    @Test
    void blobsSurviveARestartAndExportAndVerifyAfterIt() throws Exception {
        TestGateway gateway = TestGateway.start();
        try {
            runLongCommand(gateway, 'x');
            gateway = gateway.restarted();
            VerificationReport report = exportAndVerify(gateway, dir.resolve("after-restart"));
            // The command's text, and its result row kept as evidence.
            assertThat(report.blobsChecked()).as(report.summary()).isEqualTo(2);
            assertThat(report.blobsAbsent()).as(report.summary()).isZero();
        } finally {
            gateway.close();
        }
    }

    @Test
    void aTornLastRecordIsCutAtStartAndTheBundleSaysTheBlobIsAbsent() throws Exception {
        TestGateway gateway = TestGateway.start();
        try {
            runLongCommand(gateway, 'x');
            Map<String, byte[]> before = blobsOf(exportAndVerify(gateway, dir.resolve("before")), dir.resolve("before"));
            gateway.close();
            // The gateway died while writing the last record: its last bytes never reached the file.
            Path last = segments(gateway).getLast();
            try (FileChannel segment = FileChannel.open(last, StandardOpenOption.WRITE)) {
                segment.truncate(segment.size() - 5);
            }
            gateway = gateway.restarted();
            VerificationReport afterCrash = exportAndVerify(gateway, dir.resolve("after-crash"));
            assertThat(afterCrash.blobsChecked()).as(afterCrash.summary()).isEqualTo(1);
            assertThat(afterCrash.blobsAbsent()).as("the torn blob is reported absent, not served cut short").isEqualTo(1);
            for (Map.Entry<String, byte[]> blob : before.entrySet()) {
                Optional<byte[]> read = gateway.gateway().evidence().blobs().get(blob.getKey());
                assertThat(read.isEmpty() || Arrays.equals(read.get(), blob.getValue()))
                        .as("nothing garbled is served for %s", blob.getKey()).isTrue();
            }

            // Blobs written after the cut are readable after the next start: the torn bytes were removed, not written
            // after. The new command's result is the torn one's (the same length): it is no longer known, so stored again.
            runLongCommand(gateway, 'y');
            gateway = gateway.restarted();
            VerificationReport later = exportAndVerify(gateway, dir.resolve("later"));
            assertThat(later.blobsChecked()).as(later.summary()).isEqualTo(3);
            assertThat(later.blobsAbsent()).as(later.summary()).isZero();
        } finally {
            gateway.close();
        }
    }

    @Test
    void retentionDeletesOldContentAndARecurringDigestIsStoredAgain() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            runLongCommand(gateway, 'x');
            assertThat(new BlobRetention(gateway.gateway().evidence(), Duration.ZERO).applyNow()).isEqualTo(2);
            assertThat(segments(gateway)).as("the segments holding only content past its retention are deleted").isEmpty();
            VerificationReport afterRetention = exportAndVerify(gateway, dir.resolve("after-retention"));
            assertThat(afterRetention.blobsChecked()).as(afterRetention.summary()).isZero();
            assertThat(afterRetention.blobsAbsent()).as(afterRetention.summary()).isEqualTo(2);

            runLongCommand(gateway, 'x'); // the same text and result: the same two digests
            gateway.gateway().evidence().blobs().writeWaiting();
            VerificationReport recurred = exportAndVerify(gateway, dir.resolve("recurred"));
            assertThat(recurred.blobsChecked()).as("content deleted by retention is stored again when it recurs").isEqualTo(2);
            assertThat(recurred.blobsAbsent()).as(recurred.summary()).isZero();
        }
    }

    /** An earlier version kept blobs in the embedded database's table: they still export, and retention still applies. */
    @Test
    void anEarlierStoresBlobsInTheDatabaseStillExportAndAreRetained() throws Exception {
        TestGateway gateway = TestGateway.start();
        try {
            runLongCommand(gateway, 'x');
            Map<String, byte[]> blobs = blobsOf(exportAndVerify(gateway, dir.resolve("before")), dir.resolve("before"));
            gateway.close();
            deleteSegments(gateway);
            gateway = gateway.restarted();
            BlobStore earlierVersion = new BlobStore(gateway.gateway().store()); // the table, as the earlier version wrote it
            blobs.values().forEach(earlierVersion::put);

            VerificationReport fromTable = exportAndVerify(gateway, dir.resolve("from-table"));
            assertThat(fromTable.blobsChecked()).as(fromTable.summary()).isEqualTo(2);
            assertThat(fromTable.blobsAbsent()).as(fromTable.summary()).isZero();

            assertThat(new BlobRetention(gateway.gateway().evidence(), Duration.ZERO).applyNow()).isEqualTo(2);
            VerificationReport afterRetention = exportAndVerify(gateway, dir.resolve("table-after-retention"));
            assertThat(afterRetention.blobsChecked()).as(afterRetention.summary()).isZero();
            assertThat(afterRetention.blobsAbsent()).as(afterRetention.summary()).isEqualTo(2);
        } finally {
            gateway.close();
        }
    }

    /** A statement too long for a leaf (its text becomes a blob) whose one result row is kept as a blob too. */
    private static void runLongCommand(TestGateway gateway, char filler) throws Exception {
        String literal = String.valueOf(filler).repeat(100_000);
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT length('" + literal + "')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(100_000);
        }
    }

    private static VerificationReport exportAndVerify(TestGateway gateway, Path bundle) throws Exception {
        new EvidenceExporter(gateway.gateway().evidence(), gateway.gateway().checkpoints()).export(ExportFilter.ALL, bundle);
        VerificationReport report = BundleVerifier.verify(bundle, Optional.of(gateway.gateway().checkpoints().verifierKey()));
        assertThat(report.ok()).as(report.summary()).isTrue();
        return report;
    }

    /** The blobs a verified bundle carries, by name. */
    private static Map<String, byte[]> blobsOf(VerificationReport report, Path bundle) throws IOException {
        Map<String, byte[]> blobs = new HashMap<>();
        try (Stream<Path> files = Files.list(bundle.resolve("blobs").resolve("sha256"))) {
            for (Path file : files.toList()) {
                blobs.put("sha256:" + file.getFileName(), Files.readAllBytes(file));
            }
        }
        assertThat((long) blobs.size()).isEqualTo(report.blobsChecked());
        return blobs;
    }

    private static List<Path> segments(TestGateway gateway) throws IOException {
        try (Stream<Path> files = Files.list(gateway.dataDir().resolve("evidence-blobs"))) {
            return files.sorted().toList();
        }
    }

    private static void deleteSegments(TestGateway gateway) throws IOException {
        for (Path segment : segments(gateway)) {
            Files.delete(segment);
        }
    }
}
