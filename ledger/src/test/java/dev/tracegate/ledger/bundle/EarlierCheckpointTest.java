package dev.tracegate.ledger.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An auditor keeps the checkpoint of each export and hands it to the verifier with the next one:
 * the new bundle must prove that the log only grew since. A rewritten, truncated or unproven
 * history fails, naming why.
 */
class EarlierCheckpointTest {

    private static final List<Integer> SELECTED = List.of(2, 9, 20);

    @TempDir
    Path dir;

    private final LogFixture log = new LogFixture(23);

    @Test
    void aBundleProvingTheEarlierCheckpointAPrefixVerifies() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("next.zip"), SELECTED, List.of(8L));

        VerificationReport report = verify(bundle, log.checkpointNote(8));

        assertThat(report.failure()).isEmpty();
        assertThat(report.results()).anyMatch(line -> line.startsWith("earlier checkpoint: tree size 8 is a prefix"));
    }

    @Test
    void aBundleWithoutTheProofFails() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("next.zip"), SELECTED, List.of(13L));

        VerificationReport report = verify(bundle, log.checkpointNote(8));

        assertThat(report.ok()).isFalse();
        assertThat(report.summary()).contains("proves nothing about the earlier checkpoint given (tree size 8)")
                .contains("--since-checkpoint");
    }

    @Test
    void anEarlierCheckpointOfARewrittenHistoryFails() throws IOException {
        // The gateway once signed size 8 over other events; the log now holds a different history.
        String ofTheOldHistory = log.key.signer().sign(new Checkpoint(LogFixture.ORIGIN, 8,
                MerkleHashes.leafHash("a rewritten event".getBytes(StandardCharsets.UTF_8))));
        Path bundle = log.writeSelective(dir.resolve("next.zip"), SELECTED, List.of(8L));

        VerificationReport report = verify(bundle, ofTheOldHistory);

        assertThat(report.ok()).isFalse();
        assertThat(report.summary()).contains("has another root than this log at that size: the log was rewritten since");
    }

    @Test
    void aLargerEarlierCheckpointMeansTheLogWasTruncated() throws IOException {
        String heldBefore = log.checkpointNote();
        Path truncated = writeFullOfFirst(12, dir.resolve("truncated"));

        VerificationReport report = verify(truncated, heldBefore);

        assertThat(report.ok()).isFalse();
        assertThat(report.summary()).contains("fewer than the 23 of the earlier checkpoint given: the log was truncated");
    }

    @Test
    void theSameSizeNeedsNoProofButTheSameRoot() throws IOException {
        Path bundle = log.writeFull(dir.resolve("full"));

        assertThat(verify(bundle, log.checkpointNote()).ok()).isTrue();
        String otherRoot = log.key.signer().sign(new Checkpoint(LogFixture.ORIGIN, 23,
                MerkleHashes.leafHash("x".getBytes(StandardCharsets.UTF_8))));
        assertThat(verify(bundle, otherRoot).summary()).contains("the log was rewritten since");
    }

    @Test
    void anEarlierCheckpointOfAnotherKeyIsNotEvidence() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("next.zip"), SELECTED, List.of(8L));
        LogKeyPair stranger = LogKeyPair.generate(LogFixture.ORIGIN);
        String forged = stranger.signer().sign(new Checkpoint(LogFixture.ORIGIN, 8, log.tree.rootAt(8)));

        assertThat(verify(bundle, forged).summary()).contains("does not verify with the log key");
    }

    private VerificationReport verify(Path bundle, String earlier) {
        return BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()), Optional.of(earlier));
    }

    /** A full export of only the first {@code size} events, signed with the same key: the log after truncation. */
    private Path writeFullOfFirst(int size, Path target) throws IOException {
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            for (byte[] event : log.events.subList(0, size)) {
                writer.addEvent(event);
            }
            writer.finish(log.checkpointNote(size), log.key.signer());
        }
        return target;
    }
}
