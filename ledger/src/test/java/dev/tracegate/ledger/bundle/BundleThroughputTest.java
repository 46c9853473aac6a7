package dev.tracegate.ledger.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scaled-down check that export and verification stream: 200,000 events are written and
 * verified in one pass. The time it took is printed, not asserted (a loaded machine would fail
 * a bound without anything being wrong); the ledger's speed is measured by {@code bench/run}.
 */
class BundleThroughputTest {
    private static final int EVENTS = 200_000;

    @Test
    void aLargeFullExportStreamsThroughWriterAndVerifier(@TempDir Path dir) throws IOException {
        LogKeyPair key = LogKeyPair.generate("tracegate.example.com/big");
        CompactRange range = CompactRange.empty();
        for (int i = 0; i < EVENTS; i++) {
            range.append(MerkleHashes.leafHash(event(i)));
        }
        String note = key.signer().sign(new Checkpoint("tracegate.example.com/big", EVENTS, range.root()));
        Path bundle = dir.resolve("big");
        long start = System.nanoTime();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(bundle)) {
            for (int i = 0; i < EVENTS; i++) {
                writer.addEvent(event(i));
            }
            writer.finish(note, key.signer());
        }
        long written = System.nanoTime();
        VerificationReport report = BundleVerifier.verify(bundle, Optional.of(key.verifierKey()));
        long verified = System.nanoTime();
        System.out.printf("%d events: write %d ms, verify %d ms%n", EVENTS, (written - start) / 1_000_000, (verified - written) / 1_000_000);
        assertThat(report.failure()).isEmpty();
        assertThat(report.eventsChecked()).isEqualTo(EVENTS);
    }

    private static byte[] event(int index) {
        return ("{\"actor\":{\"iss\":\"https://idp.example.com\",\"sub\":\"ci-bot\"},\"detail\":{\"sql\":\"SELECT 1\"},\"index\":" + index
                + ",\"session\":\"s-1\",\"time\":\"2025-06-01T12:00:00.000000Z\",\"type\":\"command\",\"v\":1}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
