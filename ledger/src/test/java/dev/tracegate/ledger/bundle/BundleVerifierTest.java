package dev.tracegate.ledger.bundle;

import static dev.tracegate.ledger.bundle.LineEdits.removeLine;
import static dev.tracegate.ledger.bundle.LineEdits.replaceInLine;
import static dev.tracegate.ledger.bundle.LineEdits.swapLines;
import static dev.tracegate.ledger.bundle.LineEdits.writeLines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.SignedNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifierTest {
    private static final List<Integer> SELECTED = List.of(0, 3, 4, 5, 9, 10, 17, 22);

    @TempDir
    Path dir;

    private final LogFixture log = new LogFixture(23);

    @Test
    void fullExportVerifiesWithTheBundleKeyAndSaysSo() throws IOException {
        Path bundle = log.writeFull(dir.resolve("full"));
        VerificationReport report = BundleVerifier.verify(bundle, Optional.empty());
        assertThat(report.failure()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.eventsChecked()).isEqualTo(23);
        assertThat(report.treeSize()).isEqualTo(23);
        assertThat(report.blobsChecked()).isEqualTo(5);
        assertThat(report.blobsAbsent()).isZero();
        assertThat(report.keySource()).contains(KeySource.BUNDLE_KEY);
        assertThat(report.results()).hasSize(6).anyMatch(line -> line.contains("not independently trusted"))
                .contains("times: no event is earlier than an event before it; no clock step announced");
        assertThat(report.summary()).startsWith("NOT TRUSTED: 23 event(s)").contains("agree only with the key the bundle carries");

        VerificationReport trusted = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(trusted.ok()).isTrue();
        assertThat(trusted.keySource()).contains(KeySource.TRUSTED_KEY);
    }

    @Test
    void selectiveZipExportWithProofsAndConsistencyVerifies() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("selected.zip"), SELECTED, List.of(1L, 8L, 13L, 23L));
        VerificationReport report = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(report.failure()).isEmpty();
        assertThat(report.eventsChecked()).isEqualTo(SELECTED.size());
        assertThat(report.blobsChecked()).isEqualTo(1);
        assertThat(report.blobsAbsent()).isEqualTo(2); // events 5 and 10 reference blobs left out: allowed
        assertThat(report.consistencyProofsChecked()).isEqualTo(4);
        assertThat(report.results()).hasSize(7);
    }

    @Test
    void sha256sumAcceptsTheManifest() throws Exception {
        Path bundle = log.writeSelective(dir.resolve("b"), SELECTED, List.of(8L));
        Process process = new ProcessBuilder("sha256sum", "--strict", "-c", BundleLayout.MANIFEST).directory(bundle.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("events.jsonl: OK", "proofs.jsonl: OK", "checkpoint: OK", "consistency.jsonl: OK");
    }

    @Test
    void oneChangedByteOfAnEventIsNamedByLineAndIndex() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("b"), SELECTED, List.of());
        replaceInLine(bundle.resolve(BundleLayout.EVENTS), 5, "alice", "alicf");
        assertFailure(bundle, BundleLayout.EVENTS, 5, 9L, "not proven to be in the checkpoint");
        LogFixture.remanifest(bundle);
        assertFailure(bundle, BundleLayout.EVENTS, 5, 9L, "not proven to be in the checkpoint");
    }

    @Test
    void aChangedEventInAFullExportIsDetectedByTheRoot() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        replaceInLine(bundle.resolve(BundleLayout.EVENTS), 7, "alice", "alicf");
        LogFixture.remanifest(bundle);
        VerificationFailure failure = failure(bundle);
        assertThat(failure.file()).isEqualTo(BundleLayout.EVENTS);
        assertThat(failure.reason()).contains("recomputed root").contains("differs from the checkpoint root");
    }

    @Test
    void aNonCanonicalEventIsNamed() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        replaceInLine(bundle.resolve(BundleLayout.EVENTS), 2, "\"v\":1", "\"v\":1.0");
        LogFixture.remanifest(bundle);
        assertFailure(bundle, BundleLayout.EVENTS, 2, null, "not an RFC 8785 (JCS) canonical JSON line");
    }

    @Test
    void aChangedBlobIsNamed() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        String hex = LogFixture.sha256Hex(log.blobs.get(1));
        Path blob = bundle.resolve(BundleLayout.blobPath(hex));
        byte[] content = Files.readAllBytes(blob);
        content[3] ^= 1;
        Files.write(blob, content);
        assertThat(failure(bundle).describe()).startsWith(BundleLayout.blobPath(hex) + ": SHA-256 is ").contains("MANIFEST.sha256 line");
        LogFixture.remanifest(bundle);
        assertThat(failure(bundle).describe()).isEqualTo(BundleLayout.blobPath(hex) + ": content hashes to "
                + LogFixture.sha256Hex(content) + ", not to its name (referenced by events.jsonl line 6, event index 5)");
    }

    @Test
    void aChangedCheckpointIsNamed() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        Path checkpoint = bundle.resolve(BundleLayout.CHECKPOINT);
        Files.writeString(checkpoint, Files.readString(checkpoint).replace("\n23\n", "\n22\n"));
        assertThat(failure(bundle).describe()).startsWith("checkpoint: SHA-256 is");
        LogFixture.remanifest(bundle);
        assertThat(failure(bundle).describe()).startsWith("checkpoint: signature by " + LogFixture.ORIGIN + "+")
                .contains("does not verify");
    }

    @Test
    void aChangedProofIsNamedByLineAndIndex() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("b"), SELECTED, List.of());
        Path proofs = bundle.resolve(BundleLayout.PROOFS);
        List<String> lines = Files.readAllLines(proofs);
        String line = lines.get(6);
        int at = line.indexOf("\"hashes\":[\"") + 12;
        char changed = line.charAt(at) == 'A' ? 'B' : 'A';
        lines.set(6, line.substring(0, at) + changed + line.substring(at + 1));
        writeLines(proofs, lines);
        assertFailure(bundle, BundleLayout.EVENTS, 7, 17L, "proofs.jsonl line 7 was altered");
        LogFixture.remanifest(bundle);
        assertFailure(bundle, BundleLayout.EVENTS, 7, 17L, "proofs.jsonl line 7 was altered");
    }

    @Test
    void aProofForAnotherTreeSizeIsNamed() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("b"), SELECTED, List.of());
        replaceInLine(bundle.resolve(BundleLayout.PROOFS), 2, "\"tree_size\":23", "\"tree_size\":24");
        LogFixture.remanifest(bundle);
        assertFailure(bundle, BundleLayout.PROOFS, 2, 3L, "proof is for tree size 24, the checkpoint is at 23");
    }

    @Test
    void aDeletedEventIsNamed() throws IOException {
        Path full = log.writeFull(dir.resolve("full"));
        removeLine(full.resolve(BundleLayout.EVENTS), 9);
        LogFixture.remanifest(full);
        assertFailure(full, BundleLayout.EVENTS, 9, 9L, "expected index 8");

        Path lastGone = log.writeFull(dir.resolve("last"));
        removeLine(lastGone.resolve(BundleLayout.EVENTS), 23);
        LogFixture.remanifest(lastGone);
        assertThat(failure(lastGone).describe()).isEqualTo("events.jsonl: a full export must hold all 23 events of the checkpoint, found 22");

        Path selective = log.writeSelective(dir.resolve("sel"), SELECTED, List.of());
        removeLine(selective.resolve(BundleLayout.EVENTS), 4);
        LogFixture.remanifest(selective);
        assertFailure(selective, BundleLayout.PROOFS, 4, 9L, "proves index 5, but events.jsonl line 4 is index 9");
    }

    @Test
    void reorderedEventsAreNamed() throws IOException {
        Path full = log.writeFull(dir.resolve("full"));
        swapLines(full.resolve(BundleLayout.EVENTS), 4, 5);
        LogFixture.remanifest(full);
        assertFailure(full, BundleLayout.EVENTS, 4, 4L, "must hold events 0..n-1 in order; expected index 3");

        Path selective = log.writeSelective(dir.resolve("sel"), SELECTED, List.of());
        swapLines(selective.resolve(BundleLayout.EVENTS), 3, 4);
        swapLines(selective.resolve(BundleLayout.PROOFS), 3, 4);
        LogFixture.remanifest(selective);
        assertFailure(selective, BundleLayout.EVENTS, 4, 4L, "index 4 follows index 5: events are not in index order");
    }

    @Test
    void aReplacedKeyFailsAgainstTheTrustedKey() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        LogKeyPair forger = LogKeyPair.generate(LogFixture.ORIGIN);
        Checkpoint forged = new Checkpoint(LogFixture.ORIGIN, 23, log.tree.rootAt(23));
        Files.writeString(bundle.resolve(BundleLayout.CHECKPOINT), forger.signer().sign(forged));
        Files.writeString(bundle.resolve(BundleLayout.LOG_KEY), forger.verifierKey().format() + "\n");
        LogFixture.remanifest(bundle);
        LogFixture.resignManifest(bundle, forger);

        VerificationReport selfChecked = BundleVerifier.verify(bundle, Optional.empty());
        assertThat(selfChecked.ok()).as("a re-signed bundle is self-consistent").isTrue();
        assertThat(selfChecked.keySource()).contains(KeySource.BUNDLE_KEY);
        assertThat(selfChecked.verifierKey()).contains(forger.verifierKey().format());

        VerificationFailure failure = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey())).failure().orElseThrow();
        assertThat(failure.file()).isEqualTo(BundleLayout.CHECKPOINT);
        assertThat(failure.reason()).contains("not signed by " + LogFixture.ORIGIN + "+" + log.key.verifierKey().keyIdHex())
                .contains("signed by: " + LogFixture.ORIGIN + "+" + forger.verifierKey().keyIdHex())
                .contains("checked with the trusted key");
    }

    @Test
    void aSwappedKeyFileIsNamedEvenIfTheCheckpointIsGenuine() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        Files.writeString(bundle.resolve(BundleLayout.LOG_KEY), LogKeyPair.generate("x").verifierKey().format() + "\n");
        LogFixture.remanifest(bundle);
        assertThat(failure(bundle).file()).isEqualTo(BundleLayout.CHECKPOINT); // the bundle's own key did not sign it
        VerificationFailure trusted = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey())).failure().orElseThrow();
        assertThat(trusted.describe()).startsWith("log-key.pub: holds x+").contains("not the trusted key");
    }

    @Test
    void manifestProblemsAreNamed() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("b"), SELECTED, List.of(8L));
        Path manifest = bundle.resolve(BundleLayout.MANIFEST);
        List<String> original = Files.readAllLines(manifest);
        int eventsLine = IntStream.range(0, original.size()).filter(i -> original.get(i).endsWith("  events.jsonl")).findFirst().orElseThrow();
        List<String> changed = new ArrayList<>(original);
        String line = changed.get(eventsLine);
        changed.set(eventsLine, (line.charAt(0) == '0' ? "1" : "0") + line.substring(1));
        writeLines(manifest, changed);
        assertThat(failure(bundle).describe()).startsWith("events.jsonl: SHA-256 is " + line.substring(0, 64))
                .endsWith("MANIFEST.sha256 line " + (eventsLine + 1) + " says " + changed.get(eventsLine).substring(0, 64));

        writeLines(manifest, original);
        Files.writeString(bundle.resolve("extra.txt"), "hello");
        assertThat(failure(bundle).describe()).isEqualTo("extra.txt: present in the bundle but not listed in MANIFEST.sha256");
        Files.delete(bundle.resolve("extra.txt"));

        Files.delete(bundle.resolve(BundleLayout.CONSISTENCY));
        assertThat(failure(bundle).describe()).isEqualTo("MANIFEST.sha256 line " + (original.indexOf(original.stream()
                .filter(l -> l.endsWith("consistency.jsonl")).findFirst().orElseThrow()) + 1)
                + ": lists consistency.jsonl, which is not in the bundle");

        Files.writeString(manifest, "not a manifest\n");
        assertThat(failure(bundle).describe()).isEqualTo("MANIFEST.sha256 line 1: not a sha256sum line \"<64 hex>  <path>\"");
        Files.delete(manifest);
        assertThat(failure(bundle).describe()).isEqualTo("MANIFEST.sha256: missing: the bundle has no manifest");
    }

    @Test
    void aTruncatedEventsFileIsNamed() throws IOException {
        Path bundle = log.writeFull(dir.resolve("b"));
        Path events = bundle.resolve(BundleLayout.EVENTS);
        byte[] bytes = Files.readAllBytes(events);
        Files.write(events, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        LogFixture.remanifest(bundle);
        assertFailure(bundle, BundleLayout.EVENTS, 23, null, "no newline");
    }

    @Test
    void aBrokenConsistencyProofIsNamed() throws IOException {
        Path bundle = log.writeSelective(dir.resolve("b"), SELECTED, List.of(8L, 13L));
        Path consistency = bundle.resolve(BundleLayout.CONSISTENCY);
        List<String> lines = Files.readAllLines(consistency);
        String earlier = log.checkpointNote(12).replace("\n", "\\n");
        lines.set(1, lines.get(1).replaceFirst("\"old_checkpoint\":\"[^\"]*\"", "\"old_checkpoint\":\"" + earlier.replace("\\", "\\\\") + "\""));
        writeLines(consistency, lines);
        LogFixture.remanifest(bundle);
        VerificationFailure failure = failure(bundle);
        assertThat(failure.file()).isEqualTo(BundleLayout.CONSISTENCY);
        assertThat(failure.line()).hasValue(2);
    }

    @Test
    void theWriterRefusesInconsistentBundlesAndLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("partial");
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            writer.addEvent(log.events.get(0));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.finish(log.checkpointNote(), log.key.signer()))
                    .hasMessageContaining("needs all 23 events");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.addEvent(log.events.get(1), log.proof(1)))
                    .hasMessageContaining("every event has an inclusion proof or none");
        }
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            writer.addEvent(log.events.get(3), log.proof(3));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.addEvent(log.events.get(2), log.proof(2)))
                    .hasMessageContaining("index order");
            var otherKey = LogKeyPair.generate(LogFixture.ORIGIN).signer();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.finish(log.checkpointNote(), otherKey))
                    .hasMessageContaining("does not verify with the given key");
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing).isEmpty();
        }
        log.writeFull(target);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EvidenceBundleWriter.open(target)).hasMessageContaining("refusing to overwrite");
    }

    @Test
    void zipAndDirectoryOfTheSameExportAreEquivalent() throws Exception {
        Path zip = log.writeFull(dir.resolve("a.zip"));
        Path zipAgain = log.writeFull(dir.resolve("b.zip"));
        assertThat(Files.readAllBytes(zip)).as("zips are reproducible").isEqualTo(Files.readAllBytes(zipAgain));
        assertThat(BundleVerifier.verify(zip, Optional.of(log.key.verifierKey())).ok()).isTrue();
        assertThat(SignedNote.verify(Files.readString(log.writeFull(dir.resolve("d")).resolve("checkpoint")), log.key.verifierKey()).size())
                .isEqualTo(23);
    }

    // --- helpers

    private VerificationFailure failure(Path bundle) {
        VerificationReport report = BundleVerifier.verify(bundle, Optional.empty());
        assertThat(report.ok()).isFalse();
        assertThat(report.summary()).startsWith("FAILED ");
        return report.failure().orElseThrow();
    }

    private void assertFailure(Path bundle, String file, long line, Long index, String reasonPart) {
        VerificationFailure failure = failure(bundle);
        assertThat(failure.file()).as(failure.describe()).isEqualTo(file);
        assertThat(failure.line()).as(failure.describe()).isEqualTo(OptionalLong.of(line));
        assertThat(failure.eventIndex()).as(failure.describe()).isEqualTo(index == null ? OptionalLong.empty() : OptionalLong.of(index));
        assertThat(failure.reason()).contains(reasonPart);
    }
}
