package dev.tracegate.ledger.bundle;

import static dev.tracegate.ledger.bundle.LineEdits.editLine;
import static dev.tracegate.ledger.bundle.LineEdits.insertLine;
import static dev.tracegate.ledger.bundle.LineEdits.removeLine;
import static dev.tracegate.ledger.bundle.LineEdits.replaceInLine;
import static dev.tracegate.ledger.bundle.LineEdits.swapLines;
import static dev.tracegate.ledger.bundle.LineEdits.writeLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampered bundles, each made from a genuine export by someone without the log's private key, and
 * the verdict the verifier must give: FAILED, naming the file and why. Unless a case says
 * otherwise the forger rewrites MANIFEST.sha256 to match, as a careful one would. The cases under
 * "selection" verified before manifests were signed: every remaining event and proof is genuine,
 * only the set of them changed.
 */
class TamperCorpusTest {
    private static final List<Integer> SELECTED = List.of(0, 3, 4, 5, 9, 10, 17, 22);
    private static final String CHANGED_AFTER_EXPORT = "the manifest the log signed at export (MANIFEST.sig)";

    @TempDir
    Path dir;

    private final LogFixture log = new LogFixture(23);
    private int made;

    /** One tampered bundle: how it is made from a genuine one, and the failure it must cause. */
    private record Tamper(String name, Kind kind, Edit edit, String file, String reason) {}

    private enum Kind { FULL, SELECTIVE }

    @FunctionalInterface
    private interface Edit {
        void apply(Path bundle) throws Exception;
    }

    @Test
    void genuineBundlesVerify() throws IOException {
        for (Path bundle : List.of(full(), selective(), log.writeSelective(dir.resolve("z.zip"), SELECTED, List.of(8L)))) {
            VerificationReport report = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.results()).anyMatch(line -> line.startsWith("manifest signature: MANIFEST.sig is signed by")
                    && line.endsWith("the selection exported: not stated"));
        }
    }

    @Test
    void theSelectionAskedForIsSignedWithTheManifest() throws IOException {
        Path bundle = dir.resolve("session.zip");
        ObjectNode selection = JsonNodeFactory.instance.objectNode().put("export", "filtered").put("session", "s-1");
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(bundle)) {
            for (int index = 10; index < 20; index++) {
                writer.addEvent(log.events.get(index), log.proof(index));
            }
            writer.finish(log.checkpointNote(), log.key.signer(), selection, staged -> java.util.Map.of());
        }
        VerificationReport report = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.results()).anyMatch(line -> line.endsWith("the selection exported: {\"export\":\"filtered\",\"session\":\"s-1\"}"));
    }

    @Test
    void aLogWhoseKeyIsNamedOtherwiseVerifiesWhenItsOriginIsGiven() throws IOException {
        Path staging = new LogFixture(23, "tracegate.example.com/staging", log.key).writeFull(dir.resolve("staging.zip"));
        VerificationReport report = BundleVerifier.verify(staging, Optional.of(log.key.verifierKey()), Optional.empty(),
                Optional.of("tracegate.example.com/staging"));
        assertThat(report.summary()).startsWith("VERIFIED 23 event(s) of log tracegate.example.com/staging against");
        assertThat(BundleVerifier.verify(full(), Optional.of(log.key.verifierKey()), Optional.empty(),
                Optional.of("tracegate.example.com/staging")).summary()).isEqualTo("FAILED checkpoint: is of log "
                + LogFixture.ORIGIN + ", not of the log tracegate.example.com/staging given with --origin");
    }

    @TestFactory
    Stream<DynamicTest> everyTamperedBundleFailsWithItsReason() {
        return corpus().stream().map(tamper -> DynamicTest.dynamicTest(tamper.name(), () -> {
            Path bundle = tamper.kind() == Kind.FULL ? full() : selective();
            tamper.edit().apply(bundle);
            VerificationReport report = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
            assertThat(report.ok()).as("%s was accepted: %s", tamper.name(), report.summary()).isFalse();
            VerificationFailure failure = report.failure().orElseThrow();
            assertThat(failure.file()).as(failure.describe()).isEqualTo(tamper.file());
            assertThat(failure.reason()).as(failure.describe()).contains(tamper.reason());
        }));
    }

    private List<Tamper> corpus() {
        List<Tamper> corpus = new ArrayList<>();
        // --- selection: every line left is genuine, the set of them is not
        corpus.add(new Tamper("selection: an event and its proof line removed", Kind.SELECTIVE, b -> {
            removeLine(b.resolve(BundleLayout.EVENTS), 4);
            removeLine(b.resolve(BundleLayout.PROOFS), 4);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "lines removed, added or changed"));
        corpus.add(new Tamper("selection: the last event and its proof removed", Kind.SELECTIVE, b -> {
            removeLine(b.resolve(BundleLayout.EVENTS), SELECTED.size());
            removeLine(b.resolve(BundleLayout.PROOFS), SELECTED.size());
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "lines removed, added or changed"));
        corpus.add(new Tamper("selection: every event removed", Kind.SELECTIVE, b -> {
            Files.writeString(b.resolve(BundleLayout.EVENTS), "");
            Files.writeString(b.resolve(BundleLayout.PROOFS), "");
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "lines removed, added or changed"));
        corpus.add(new Tamper("selection: a full export made selective, event 7 removed, proofs computed by the forger", Kind.FULL, b -> {
            List<String> events = new ArrayList<>(Files.readAllLines(b.resolve(BundleLayout.EVENTS)));
            events.remove(7);
            writeLines(b.resolve(BundleLayout.EVENTS), events);
            List<String> proofs = new ArrayList<>();
            for (int index = 0; index < 23; index++) {
                if (index != 7) {
                    proofs.add(new String(log.proof(index).toJson(), StandardCharsets.UTF_8));
                }
            }
            writeLines(b.resolve(BundleLayout.PROOFS), proofs);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "lines removed, added or changed"));
        corpus.add(new Tamper("selection: a full export cut back to an older genuine checkpoint (rollback)", Kind.FULL, b -> {
            List<String> events = Files.readAllLines(b.resolve(BundleLayout.EVENTS));
            writeLines(b.resolve(BundleLayout.EVENTS), events.subList(0, 20));
            Files.writeString(b.resolve(BundleLayout.CHECKPOINT), log.checkpointNote(20));
            for (byte[] blob : log.blobs.subList(4, 5)) { // event 20's blob goes with it
                Files.delete(b.resolve(BundleLayout.blobPath(LogFixture.sha256Hex(blob))));
            }
            LogFixture.remanifest(b);
        }, BundleLayout.CHECKPOINT, "changed after export"));
        corpus.add(new Tamper("selection: an event of the same checkpoint spliced in with its genuine proof", Kind.SELECTIVE, b -> {
            insertLine(b.resolve(BundleLayout.EVENTS), 2, new String(log.events.get(1), StandardCharsets.UTF_8));
            insertLine(b.resolve(BundleLayout.PROOFS), 2, new String(log.proof(1).toJson(), StandardCharsets.UTF_8));
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "lines removed, added or changed"));
        corpus.add(new Tamper("selection: a retained blob removed", Kind.FULL, b -> {
            Files.delete(b.resolve(BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(2)))));
            LogFixture.remanifest(b);
        }, BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(2))), "removed after export"));
        corpus.add(new Tamper("selection: a genuine blob no event of the bundle references added", Kind.SELECTIVE, b -> {
            byte[] blob = log.blobs.get(3);
            Files.write(b.resolve(BundleLayout.blobPath(LogFixture.sha256Hex(blob))), blob);
            LogFixture.remanifest(b);
        }, BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(3))), "added to the bundle after export"));
        corpus.add(new Tamper("selection: consistency.jsonl removed", Kind.SELECTIVE, b -> {
            Files.delete(b.resolve(BundleLayout.CONSISTENCY));
            LogFixture.remanifest(b);
        }, BundleLayout.CONSISTENCY, "removed after export"));
        corpus.add(new Tamper("selection: one consistency line removed", Kind.SELECTIVE, b -> {
            removeLine(b.resolve(BundleLayout.CONSISTENCY), 1);
            LogFixture.remanifest(b);
        }, BundleLayout.CONSISTENCY, "changed after export"));
        corpus.add(new Tamper("checkpoint: a second, foreign signature appended to the genuine note", Kind.FULL, b -> {
            String note = Files.readString(b.resolve(BundleLayout.CHECKPOINT));
            String foreign = LogKeyPair.generate("witness.example.com").signer().signNote(note.substring(0, note.indexOf("\n\n") + 1));
            Files.writeString(b.resolve(BundleLayout.CHECKPOINT), note + foreign.substring(foreign.indexOf("\n\n") + 2));
            LogFixture.remanifest(b);
        }, BundleLayout.CHECKPOINT, "changed after export"));
        corpus.add(new Tamper("checkpoint: a whole genuine bundle of another log signed with the same key", Kind.FULL, b -> {
            LogFixture staging = new LogFixture(23, "tracegate.example.com/staging", log.key);
            replaceWith(b, staging.writeFull(dir.resolve("staging-" + made++)));
        }, BundleLayout.CHECKPOINT, "is of log tracegate.example.com/staging, but the key " + LogFixture.ORIGIN));
        corpus.add(new Tamper("MANIFEST.sig removed", Kind.SELECTIVE, b -> Files.delete(b.resolve(BundleLayout.MANIFEST_SIGNATURE)),
                BundleLayout.MANIFEST_SIGNATURE, "missing"));
        corpus.add(new Tamper("MANIFEST.sig of another bundle of the same log", Kind.SELECTIVE, b -> {
            Path other = log.writeSelective(dir.resolve("other-" + made++), List.of(0, 3), List.of());
            Files.copy(other.resolve(BundleLayout.MANIFEST_SIGNATURE), b.resolve(BundleLayout.MANIFEST_SIGNATURE),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }, BundleLayout.EVENTS, "but " + CHANGED_AFTER_EXPORT + " says"));
        corpus.add(new Tamper("MANIFEST.sig signed by another key of the same name", Kind.SELECTIVE, b -> {
            String text = Files.readString(b.resolve(BundleLayout.MANIFEST_SIGNATURE));
            String forged = LogKeyPair.generate(LogFixture.ORIGIN).signer().signNote(text.substring(0, text.indexOf("\n\n") + 1));
            Files.writeString(b.resolve(BundleLayout.MANIFEST_SIGNATURE), forged);
        }, BundleLayout.MANIFEST_SIGNATURE, "note is not signed by " + LogFixture.ORIGIN));
        corpus.add(new Tamper("MANIFEST.sig's selection changed to claim a full export", Kind.SELECTIVE, b -> {
            Path signature = b.resolve(BundleLayout.MANIFEST_SIGNATURE);
            Files.writeString(signature, Files.readString(signature).replace("\n{}\n", "\n{\"export\":\"all\"}\n"));
        }, BundleLayout.MANIFEST_SIGNATURE, "does not verify"));
        corpus.add(new Tamper("MANIFEST.sig far larger than the manifest it signs", Kind.SELECTIVE, b -> {
            Path signature = b.resolve(BundleLayout.MANIFEST_SIGNATURE);
            Files.writeString(signature, Files.readString(signature) + "x".repeat(2 << 20));
        }, BundleLayout.MANIFEST_SIGNATURE, "larger than"));
        corpus.add(new Tamper("MANIFEST.sig listed in MANIFEST.sha256", Kind.SELECTIVE, b -> {
            Path manifest = b.resolve(BundleLayout.MANIFEST);
            Files.writeString(manifest, Files.readString(manifest) + LogFixture.sha256Hex(Files.readAllBytes(
                    b.resolve(BundleLayout.MANIFEST_SIGNATURE))) + "  " + BundleLayout.MANIFEST_SIGNATURE + "\n");
        }, BundleLayout.MANIFEST, "is not a file inside the bundle"));
        // --- edits: a changed byte or spelling of a line
        corpus.add(new Tamper("edit: one byte of an event, manifest left alone", Kind.SELECTIVE,
                b -> replaceInLine(b.resolve(BundleLayout.EVENTS), 5, "alice", "alicf"), BundleLayout.EVENTS, "not proven"));
        for (String[] spelling : new String[][] {
                {"\\u0041 for A", "\"sub\":\"alice\"", "\"sub\":\"\\u0061lice\""},
                {"1.0 for 1", "\"v\":1", "\"v\":1.0"},
                {"1e0 for 1", "\"v\":1", "\"v\":1e0"},
                {"-0 for 0", "\"index\":0", "\"index\":-0"},
                {"a leading zero", "\"index\":0", "\"index\":00"},
                {"a duplicate key (the first read, the second hashed)", "\"v\":1", "\"v\":2,\"v\":1"},
                {"white space", "\"v\":1", "\"v\": 1"},
                {"a carriage return before the newline", "\"v\":1}", "\"v\":1}\r"},
                {"trailing data", "\"v\":1}", "\"v\":1}{}"},
                {"a NUL byte", "alice", "ali\u0000ce"},
                {"a lone surrogate", "\"sub\":\"alice\"", "\"sub\":\"alice\\ud800\""},
                {"members out of order", "{\"actor\"", "{\"zz\":0,\"actor\""}}) {
            corpus.add(new Tamper("edit: non-canonical event, " + spelling[0], Kind.FULL, b -> {
                replaceInLine(b.resolve(BundleLayout.EVENTS), 1, spelling[1], spelling[2]);
                LogFixture.remanifest(b);
            }, BundleLayout.EVENTS, "not an RFC 8785 (JCS) canonical JSON line"));
        }
        corpus.add(new Tamper("edit: a byte order mark before the first event", Kind.FULL, b -> {
            Path events = b.resolve(BundleLayout.EVENTS);
            Files.write(events, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Files.readAllBytes(events)));
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "not an RFC 8785"));
        corpus.add(new Tamper("edit: invalid UTF-8 in an event", Kind.FULL, b -> {
            Path events = b.resolve(BundleLayout.EVENTS);
            byte[] bytes = Files.readAllBytes(events);
            int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("alice");
            bytes[at] = (byte) 0xC3;
            Files.write(events, bytes);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "not an RFC 8785"));
        corpus.add(new Tamper("edit: a blank line between events", Kind.FULL, b -> {
            insertLine(b.resolve(BundleLayout.EVENTS), 3, "");
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "not an RFC 8785"));
        corpus.add(new Tamper("edit: an event split over two lines", Kind.FULL, b -> {
            replaceInLine(b.resolve(BundleLayout.EVENTS), 2, ",\"detail\"", "\n,\"detail\"");
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "not an RFC 8785"));
        corpus.add(new Tamper("edit: the events file's last newline cut", Kind.FULL, b -> {
            Path events = b.resolve(BundleLayout.EVENTS);
            byte[] bytes = Files.readAllBytes(events);
            Files.write(events, java.util.Arrays.copyOf(bytes, bytes.length - 1));
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "no newline"));
        // --- structure
        corpus.add(new Tamper("structure: two events and their proofs swapped", Kind.SELECTIVE, b -> {
            swapLines(b.resolve(BundleLayout.EVENTS), 3, 4);
            swapLines(b.resolve(BundleLayout.PROOFS), 3, 4);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "events are not in index order"));
        corpus.add(new Tamper("structure: an event and its proof repeated", Kind.SELECTIVE, b -> {
            List<String> events = Files.readAllLines(b.resolve(BundleLayout.EVENTS));
            List<String> proofs = Files.readAllLines(b.resolve(BundleLayout.PROOFS));
            insertLine(b.resolve(BundleLayout.EVENTS), 3, events.get(2));
            insertLine(b.resolve(BundleLayout.PROOFS), 3, proofs.get(2));
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "index 4 follows index 4"));
        corpus.add(new Tamper("structure: two events swapped in a full export", Kind.FULL, b -> {
            swapLines(b.resolve(BundleLayout.EVENTS), 4, 5);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "expected index 3"));
        corpus.add(new Tamper("structure: an event beyond the checkpoint appended to a full export", Kind.FULL, b -> {
            LogFixture longer = new LogFixture(0);
            Files.writeString(b.resolve(BundleLayout.EVENTS), Files.readString(b.resolve(BundleLayout.EVENTS))
                    + new String(eventWithIndex(longer, 23), StandardCharsets.UTF_8) + "\n");
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "beyond the checkpoint's tree size 23"));
        corpus.add(new Tamper("structure: a proof with an extra hash", Kind.SELECTIVE, b -> {
            editLine(b.resolve(BundleLayout.PROOFS), 2, TamperCorpusTest::withExtraHash);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "not proven"));
        corpus.add(new Tamper("structure: a proof missing a hash", Kind.SELECTIVE, b -> {
            editLine(b.resolve(BundleLayout.PROOFS), 2, TamperCorpusTest::withoutFirstHash);
            LogFixture.remanifest(b);
        }, BundleLayout.EVENTS, "not proven"));
        corpus.add(new Tamper("structure: a proof for an index at the tree size", Kind.SELECTIVE, b -> {
            replaceInLine(b.resolve(BundleLayout.PROOFS), 8, "\"index\":22", "\"index\":23");
            LogFixture.remanifest(b);
        }, BundleLayout.PROOFS, "not a valid proof line"));
        corpus.add(new Tamper("structure: proofs against an older genuine checkpoint", Kind.SELECTIVE, b -> {
            Files.writeString(b.resolve(BundleLayout.CHECKPOINT), log.checkpointNote(22));
            LogFixture.remanifest(b);
        }, BundleLayout.PROOFS, "proof is for tree size 23, the checkpoint is at 22"));
        corpus.add(new Tamper("structure: a consistency proof with an extra hash", Kind.SELECTIVE, b -> {
            editLine(b.resolve(BundleLayout.CONSISTENCY), 2, TamperCorpusTest::withExtraHash);
            LogFixture.remanifest(b);
        }, BundleLayout.CONSISTENCY, "more than needed"));
        corpus.add(new Tamper("structure: a consistency proof missing a hash", Kind.SELECTIVE, b -> {
            editLine(b.resolve(BundleLayout.CONSISTENCY), 2, TamperCorpusTest::withoutFirstHash);
            LogFixture.remanifest(b);
        }, BundleLayout.CONSISTENCY, "too few"));
        corpus.add(new Tamper("structure: a consistency line whose earlier checkpoint another key signed", Kind.SELECTIVE, b -> {
            LogFixture other = new LogFixture(8);
            String line = new String(new ConsistencyLine(other.checkpointNote(8), 23, log.tree.consistencyProof(8, 23)).toJson(),
                    StandardCharsets.UTF_8);
            insertLine(b.resolve(BundleLayout.CONSISTENCY), 1, line);
            LogFixture.remanifest(b);
        }, BundleLayout.CONSISTENCY, "not signed by " + LogFixture.ORIGIN));
        corpus.add(new Tamper("structure: a consistency line from an earlier checkpoint of a rewritten log", Kind.SELECTIVE, b -> {
            // As if the log's key had signed another history of 8 events: any other root at that size.
            String forgedOld = log.key.signer().sign(new dev.tracegate.ledger.note.Checkpoint(LogFixture.ORIGIN, 8, log.tree.rootAt(7)));
            String line = new String(new ConsistencyLine(forgedOld, 23, log.tree.consistencyProof(8, 23)).toJson(), StandardCharsets.UTF_8);
            insertLine(b.resolve(BundleLayout.CONSISTENCY), 1, line);
            LogFixture.remanifest(b);
        }, BundleLayout.CONSISTENCY, "is not proven a prefix of this one"));
        // --- blobs
        corpus.add(new Tamper("blob: content replaced under its name", Kind.FULL, b -> {
            Files.write(b.resolve(BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(1)))), log.blobs.get(2));
            LogFixture.remanifest(b);
        }, BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(1))), "not to its name"));
        corpus.add(new Tamper("blob: named in upper case", Kind.FULL, b -> {
            Path blob = b.resolve(BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(1))));
            Files.move(blob, blob.resolveSibling(blob.getFileName().toString().toUpperCase()));
            LogFixture.remanifest(b);
        }, BundleLayout.blobPath(LogFixture.sha256Hex(log.blobs.get(1)).toUpperCase()), "64-hex SHA-256"));
        // --- container
        corpus.add(new Tamper("container: a symbolic link in a directory bundle", Kind.FULL, b -> {
            Files.createSymbolicLink(b.resolve("passwd"), Path.of("/etc/passwd"));
        }, "passwd", "links are not followed"));
        for (String outside : List.of("../../etc/passwd", "/etc/passwd", "blobs/sha256/../../../etc/passwd", "./checkpoint")) {
            corpus.add(new Tamper("container: the manifest lists " + outside, Kind.FULL, b -> {
                Path manifest = b.resolve(BundleLayout.MANIFEST);
                Files.writeString(manifest, Files.readString(manifest) + "0".repeat(64) + "  " + outside + "\n");
            }, BundleLayout.MANIFEST, "is not a file inside the bundle"));
        }
        corpus.add(new Tamper("container: a checkpoint file of more than 1 MiB", Kind.FULL, b -> {
            Path checkpoint = b.resolve(BundleLayout.CHECKPOINT);
            Files.writeString(checkpoint, Files.readString(checkpoint) + "— x ".repeat(300_000));
            LogFixture.remanifest(b);
        }, BundleLayout.CHECKPOINT, "larger than 1048576 bytes"));
        corpus.add(new Tamper("container: a file the manifest does not list", Kind.FULL,
                b -> Files.writeString(b.resolve("notes.txt"), "nothing to see"), "notes.txt", "not listed"));
        return corpus;
    }

    /**
     * The edges of the tree sizes: checkpoints the log's own key signed that no honest log signs
     * (an empty tree with a root other than the empty tree's, a prefix larger than the log, two
     * roots at one size), proofs at sizes 0 and 1, and bundles with nothing in them. Each is a
     * clear failure naming the file, never a prefix proven or a misleading reason.
     */
    @TestFactory
    Stream<DynamicTest> everyTreeSizeEdgeFailsWithItsReason() {
        return sizeEdges().stream().map(edge -> DynamicTest.dynamicTest(edge.name(), () -> {
            VerificationReport report = BundleVerifier.verify(edge.bundle().make(), Optional.of(log.key.verifierKey()), edge.earlier());
            assertThat(report.ok()).as("%s was accepted: %s", edge.name(), report.summary()).isFalse();
            VerificationFailure failure = report.failure().orElseThrow();
            assertThat(failure.file()).as(failure.describe()).isEqualTo(edge.file());
            assertThat(failure.reason()).as(failure.describe()).contains(edge.reason());
        }));
    }

    /** One edge: the bundle, the earlier checkpoint the auditor gives if any, and the failure it must cause. */
    private record SizeEdge(String name, BundleMaker bundle, Optional<String> earlier, String file, String reason) {}

    @FunctionalInterface
    private interface BundleMaker {
        Path make() throws Exception;
    }

    private List<SizeEdge> sizeEdges() {
        String emptyWithARoot = log.key.signer().sign(new Checkpoint(LogFixture.ORIGIN, 0, log.tree.rootAt(8)));
        String emptyTree = "the empty tree's root";
        List<SizeEdge> edges = new ArrayList<>();
        edges.add(new SizeEdge("size 0: an earlier checkpoint with a non-empty root, its consistency line in the bundle",
                () -> selectiveWith(new ConsistencyLine(emptyWithARoot, 23, List.of())), Optional.of(emptyWithARoot),
                BundleLayout.CONSISTENCY, emptyTree));
        edges.add(new SizeEdge("size 0: the earlier checkpoint given has a non-empty root",
                this::selective, Optional.of(emptyWithARoot), "the earlier checkpoint given", emptyTree));
        edges.add(new SizeEdge("size 0: the bundle's checkpoint has a non-empty root, a selective export of nothing",
                () -> bundleOf(emptyWithARoot, true, List.of()), Optional.empty(), BundleLayout.CHECKPOINT, emptyTree));
        edges.add(new SizeEdge("size 0: the bundle's checkpoint has a non-empty root, a full export of nothing",
                () -> withCheckpoint(bundleOf(log.checkpointNote(0), false, List.of()), emptyWithARoot), Optional.empty(),
                BundleLayout.CHECKPOINT, emptyTree));
        edges.add(new SizeEdge("size 0: a consistency proof from the empty tree with a hash in it",
                () -> selectiveWith(new ConsistencyLine(log.checkpointNote(0), 23, List.of(log.tree.rootAt(1)))), Optional.empty(),
                BundleLayout.CONSISTENCY, "must be empty"));
        edges.add(new SizeEdge("size 1: a consistency proof with no hashes",
                () -> selectiveWith(new ConsistencyLine(log.checkpointNote(1), 23, List.of())), Optional.empty(),
                BundleLayout.CONSISTENCY, "is empty"));
        edges.add(new SizeEdge("size 1: a consistency proof from another first event",
                () -> selectiveWith(new ConsistencyLine(log.key.signer().sign(new Checkpoint(LogFixture.ORIGIN, 1, log.tree.rootAt(2))),
                        23, log.tree.consistencyProof(1, 23))), Optional.empty(), BundleLayout.CONSISTENCY, "not proven a prefix"));
        edges.add(new SizeEdge("equal sizes: a consistency line at the checkpoint's size with another root",
                () -> selectiveWith(new ConsistencyLine(log.key.signer().sign(new Checkpoint(LogFixture.ORIGIN, 23, log.tree.rootAt(22))),
                        23, List.of())), Optional.empty(), BundleLayout.CONSISTENCY, "different roots"));
        edges.add(new SizeEdge("larger: a consistency line from a checkpoint larger than the log",
                () -> selectiveWith(new ConsistencyLine(new LogFixture(30, LogFixture.ORIGIN, log.key).checkpointNote(), 23, List.of())),
                Optional.empty(), BundleLayout.CONSISTENCY, "larger than this log's 23"));
        edges.add(new SizeEdge("disagree: two consistency lines for size 8 with different roots",
                () -> selectiveWith(new ConsistencyLine(log.checkpointNote(8), 23, log.tree.consistencyProof(8, 23)),
                        new ConsistencyLine(log.key.signer().sign(new Checkpoint(LogFixture.ORIGIN, 8, log.tree.rootAt(9))), 23,
                                log.tree.consistencyProof(8, 23))), Optional.empty(), BundleLayout.CONSISTENCY, "not proven a prefix"));
        edges.add(new SizeEdge("disagree: a consistency line to another tree size than the checkpoint's",
                () -> selectiveWith(new ConsistencyLine(log.checkpointNote(8), 22, log.tree.consistencyProof(8, 22))), Optional.empty(),
                BundleLayout.CONSISTENCY, "proof is to tree size 22, the checkpoint is at 23"));
        edges.add(new SizeEdge("empty bundle: a directory with nothing in it",
                () -> Files.createDirectories(dir.resolve("empty-" + made++)), Optional.empty(), BundleLayout.MANIFEST, "missing"));
        edges.add(new SizeEdge("empty bundle: a zip file of no bytes",
                () -> Files.write(dir.resolve("nothing.zip"), new byte[0]), Optional.empty(),
                dir.resolve("nothing.zip").toString(), "cannot read the bundle"));
        edges.add(new SizeEdge("empty bundle: a zip with no entries", () -> {
            Path zip = dir.resolve("entries-" + made++ + ".zip");
            new ZipOutputStream(Files.newOutputStream(zip)).close();
            return zip;
        }, Optional.empty(), BundleLayout.MANIFEST, "missing"));
        edges.add(new SizeEdge("empty bundle: a manifest that lists nothing", () -> {
            Path empty = Files.createDirectories(dir.resolve("listing-" + made++));
            Files.writeString(empty.resolve(BundleLayout.MANIFEST), "");
            return empty;
        }, Optional.empty(), BundleLayout.CHECKPOINT, "missing: every bundle needs it"));
        return edges;
    }

    @Test
    void anEmptyLogVerifiesAndItsCheckpointIsAPrefixOfEveryLaterOne() throws Exception {
        String empty = log.checkpointNote(0);
        VerificationReport ofNothing = BundleVerifier.verify(bundleOf(empty, true, List.of()), Optional.of(log.key.verifierKey()));
        assertThat(ofNothing.ok()).as(ofNothing.summary()).isTrue();
        VerificationReport later = BundleVerifier.verify(selective(), Optional.of(log.key.verifierKey()), Optional.of(empty));
        assertThat(later.ok()).as(later.summary()).isTrue();
        assertThat(later.results()).contains("earlier checkpoint: tree size 0 is a prefix of this one; the log only grew since");
    }

    @Test
    void zipEntriesThatLeaveTheBundleOrAppearTwiceAreRefused() throws IOException {
        Path genuine = log.writeFull(dir.resolve("g.zip"));
        Path slip = dir.resolve("slip.zip");
        Path twice = dir.resolve("twice.zip");
        try (var zip = new java.util.zip.ZipFile(genuine.toFile());
                ZipOutputStream slipOut = new ZipOutputStream(Files.newOutputStream(slip));
                ZipOutputStream twiceOut = new ZipOutputStream(Files.newOutputStream(twice))) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                byte[] content = zip.getInputStream(entry).readAllBytes();
                put(slipOut, entry.getName(), content);
                put(twiceOut, entry.getName(), content);
            }
            put(slipOut, "../../tmp/evil", "x".getBytes(StandardCharsets.UTF_8));
            put(twiceOut, "checkpoinX", log.checkpointNote(20).getBytes(StandardCharsets.UTF_8));
        }
        // ZipOutputStream refuses a second entry of one name: rename the extra one in place, local header and directory alike.
        byte[] bytes = Files.readAllBytes(twice);
        String latin = new String(bytes, StandardCharsets.ISO_8859_1).replace("checkpoinX", BundleLayout.CHECKPOINT);
        Files.write(twice, latin.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(BundleVerifier.verify(slip, Optional.of(log.key.verifierKey())).summary())
                .isEqualTo("FAILED ../../tmp/evil: unsafe path in zip");
        assertThat(Files.exists(dir.resolve("../../tmp/evil"))).isFalse();
        assertThat(BundleVerifier.verify(twice, Optional.of(log.key.verifierKey())).summary())
                .isEqualTo("FAILED checkpoint: appears twice in zip");
    }

    /**
     * A zip entry that inflates past the size the zip's directory states is a zip bomb: refused at
     * that size, not inflated to its end (a thousandfold of the zip, hours of hashing), and so for
     * every file of the bundle.
     */
    @Test
    void aZipEntryInflatingPastItsStatedSizeIsRefusedWithoutReadingItAll() throws IOException {
        Path genuine = log.writeFull(dir.resolve("genuine-" + made++ + ".zip"));
        byte[] blob = log.blobs.get(1);
        String blobPath = BundleLayout.blobPath(LogFixture.sha256Hex(blob));
        for (String swollen : List.of(blobPath, BundleLayout.EVENTS, BundleLayout.CHECKPOINT)) {
            Path bomb = dir.resolve("bomb-" + made++ + ".zip");
            long stated;
            try (var zip = new java.util.zip.ZipFile(genuine.toFile());
                    ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
                stated = zip.getEntry(swollen).getSize();
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    byte[] content = zip.getInputStream(entry).readAllBytes();
                    put(out, entry.getName(), entry.getName().equals(swollen) ? concat(content, new byte[64 << 20]) : content);
                }
            }
            statedSize(bomb, swollen, stated);
            long started = System.nanoTime();
            VerificationReport report = BundleVerifier.verify(bomb, Optional.of(log.key.verifierKey()));
            assertThat(report.ok()).isFalse();
            assertThat(report.failure().orElseThrow().describe()).as(swollen).contains(swollen)
                    .contains("inflates to more than the " + stated + " bytes the zip's directory states for it");
            assertThat(System.nanoTime() - started).as("refused at its stated size, not inflated").isLessThan(2_000_000_000L);
        }
    }

    /**
     * An entry written into a genuine zip where its directory does not list it, before the
     * directory or before the first entry: the verifier, which reads by the directory as unzip
     * does, would see the genuine bundle, and a streaming reader the forged events.jsonl after (or
     * before) the genuine one. Such a zip is refused.
     */
    @Test
    void aZipHoldingAnEntryItsDirectoryDoesNotListIsRefused() throws IOException {
        byte[] genuine = Files.readAllBytes(log.writeFull(dir.resolve("listed-" + made++ + ".zip")));
        Path one = dir.resolve("one-" + made++ + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(one))) {
            put(out, BundleLayout.EVENTS, "{\"forged\":true}\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] forgedEntry = java.util.Arrays.copyOf(Files.readAllBytes(one), (int) directoryOffset(Files.readAllBytes(one)));
        int directory = (int) directoryOffset(genuine);
        java.io.ByteArrayOutputStream beforeDirectory = new java.io.ByteArrayOutputStream();
        beforeDirectory.write(genuine, 0, directory);
        beforeDirectory.write(forgedEntry);
        beforeDirectory.write(genuine, directory, genuine.length - directory);
        byte[] inserted = beforeDirectory.toByteArray();
        java.nio.ByteBuffer.wrap(inserted).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(inserted.length - 22 + 16,
                directory + forgedEntry.length);
        Path insertedZip = dir.resolve("inserted-" + made++ + ".zip");
        Files.write(insertedZip, inserted);
        Path prependedZip = dir.resolve("prepended-" + made++ + ".zip");
        Files.write(prependedZip, concat(forgedEntry, genuine)); // the directory's offsets are taken as shifted, as for a self-extracting zip

        assertThat(lastEventsReadByStreaming(insertedZip)).as("a streaming reader's events.jsonl").isEqualTo("{\"forged\":true}\n");
        for (Path forged : List.of(insertedZip, prependedZip)) {
            VerificationReport report = BundleVerifier.verify(forged, Optional.of(log.key.verifierKey()));
            assertThat(report.ok()).as(forged + ": " + report.summary()).isFalse();
            assertThat(report.failure().orElseThrow().file()).isEqualTo(forged.getFileName().toString());
            assertThat(report.failure().orElseThrow().reason()).contains("unzip tools could disagree on what it holds");
        }
        assertThat(BundleVerifier.verify(log.writeFull(dir.resolve("plain-" + made++ + ".zip")), Optional.of(log.key.verifierKey())).ok())
                .isTrue();
    }

    /** Where the central directory of a zip without a comment begins, as its end record states. */
    private static long directoryOffset(byte[] zip) {
        return Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 22 + 16));
    }

    /** The content of the last events.jsonl a streaming reader (local headers, one after the other) finds. */
    private static String lastEventsReadByStreaming(Path zip) throws IOException {
        String last = null;
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals(BundleLayout.EVENTS)) {
                    last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        return last;
    }

    /**
     * Writes {@code size} as the uncompressed size the zip states for {@code name}, in its central
     * directory and in the entry's data descriptor alike: a zip laid out consistently whose entry
     * inflates to more.
     */
    private static void statedSize(Path zip, String name, long size) throws IOException {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(zip)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 46 < bytes.capacity(); at++) {
            if (bytes.getInt(at) == 0x02014b50 && bytes.getShort(at + 28) == wanted.length
                    && java.util.Arrays.equals(bytes.array(), at + 46, at + 46 + wanted.length, wanted, 0, wanted.length)) {
                bytes.putInt(at + 24, (int) size);
                int local = bytes.getInt(at + 42);
                int descriptor = local + 30 + bytes.getShort(local + 26) + bytes.getShort(local + 28) + bytes.getInt(at + 20);
                bytes.putInt(descriptor + 12, (int) size); // signature, CRC, compressed size, then this
            }
        }
        Files.write(zip, bytes.array());
    }

    // --- making and changing bundles

    private Path full() throws IOException {
        return log.writeFull(dir.resolve("full-" + made++));
    }

    private Path selective() throws IOException {
        return log.writeSelective(dir.resolve("selective-" + made++), SELECTED, List.of(1L, 8L, 13L));
    }

    /** The selective export of {@link #selective()}, with {@code lines} as its only consistency proofs. */
    private Path selectiveWith(ConsistencyLine... lines) throws IOException {
        Path target = dir.resolve("edge-" + made++);
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            for (int index : SELECTED) {
                writer.addEvent(log.events.get(index), log.proof(index));
            }
            for (ConsistencyLine line : lines) {
                writer.addConsistencyProof(line);
            }
            writer.finish(log.checkpointNote(), log.key.signer());
        }
        return target;
    }

    /** A bundle of {@code checkpointNote} holding the events at {@code indices}, with proofs when selective. */
    private Path bundleOf(String checkpointNote, boolean selective, List<Integer> indices) throws IOException {
        Path target = dir.resolve("edge-" + made++);
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            if (selective) {
                writer.selective();
            }
            for (int index : indices) {
                writer.addEvent(log.events.get(index), selective ? log.proof(index) : null);
            }
            writer.finish(checkpointNote, log.key.signer());
        }
        return target;
    }

    /** {@code bundle} with another checkpoint, its manifest listed and signed again with the log's key. */
    private Path withCheckpoint(Path bundle, String checkpointNote) throws IOException {
        Files.writeString(bundle.resolve(BundleLayout.CHECKPOINT), checkpointNote);
        LogFixture.remanifest(bundle);
        LogFixture.resignManifest(bundle, log.key);
        return bundle;
    }

    private static byte[] eventWithIndex(LogFixture fresh, int index) {
        while (fresh.events.size() <= index) {
            fresh.append();
        }
        return fresh.events.get(index);
    }

    /** A proof line with the hash of 32 zero bytes in front of its hashes. */
    private static String withExtraHash(String line) {
        return line.replace("\"hashes\":[", "\"hashes\":[\"" + "A".repeat(43) + "=\",");
    }

    private static String withoutFirstHash(String line) {
        return line.replaceFirst("\"hashes\":\\[\"[^\"]*\",", "\"hashes\":[");
    }

    /** Replaces every file of {@code bundle} with those of {@code other}. */
    private static void replaceWith(Path bundle, Path other) throws IOException {
        try (Stream<Path> files = Files.list(bundle)) {
            for (Path file : files.toList()) {
                deleteTree(file);
            }
        }
        try (Stream<Path> walk = Files.walk(other)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path target = bundle.resolve(other.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path file : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static void put(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
