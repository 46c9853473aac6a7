package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MemoryTree;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A small evidence log in memory: events, blobs every fifth event, a tree, a key. */
final class LogFixture {
    static final String ORIGIN = "tracegate.example.com/test";

    final String origin;
    final LogKeyPair key;
    final List<byte[]> events = new ArrayList<>();
    final List<byte[]> blobs = new ArrayList<>();
    final MemoryTree tree = new MemoryTree();

    LogFixture(int eventCount) {
        this(eventCount, ORIGIN, LogKeyPair.generate(ORIGIN));
    }

    /** Another log, {@code origin}, signed with {@code key}: one key may sign several logs. */
    LogFixture(int eventCount, String origin, LogKeyPair key) {
        this.origin = origin;
        this.key = key;
        for (int i = 0; i < eventCount; i++) {
            append();
        }
    }

    void append() {
        int index = events.size();
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("v", 1).put("index", index).put("time", "2025-06-01T12:00:00." + String.format("%06d", index) + "Z")
                .put("type", index % 2 == 0 ? "command" : "command.result").put("session", "s-" + (index / 10));
        event.putObject("actor").put("sub", "alice").put("iss", "https://idp.example.com").put("kind", "human");
        ObjectNode detail = event.putObject("detail");
        detail.put("sql", "SELECT * FROM orders WHERE id = $1").putArray("params").add(index);
        if (index % 5 == 0) {
            byte[] blob = ("result rows of event " + index + "\n").repeat(3).getBytes(StandardCharsets.UTF_8);
            blobs.add(blob);
            detail.putObject("rows").put("blob", "sha256:" + sha256Hex(blob)).put("size", blob.length);
        }
        byte[] bytes = Jcs.canonicalize(event);
        events.add(bytes);
        tree.appendLeaf(bytes);
    }

    String checkpointNote() {
        return checkpointNote(tree.size());
    }

    String checkpointNote(long size) {
        return key.signer().sign(new Checkpoint(origin, size, tree.rootAt(size)));
    }

    ProofLine proof(long index) {
        return new ProofLine(index, tree.size(), tree.inclusionProof(index, tree.size()));
    }

    /** A full export: every event, no proofs, every blob. */
    Path writeFull(Path target) throws IOException {
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            for (byte[] event : events) {
                writer.addEvent(event);
            }
            for (byte[] blob : blobs) {
                writer.addBlob(blob);
            }
            writer.finish(checkpointNote(), key.signer());
        }
        return target;
    }

    /** A selective export of the given indices with proofs, the first blob only, and consistency proofs. */
    Path writeSelective(Path target, List<Integer> indices, List<Long> earlierSizes) throws IOException {
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            for (int index : indices) {
                writer.addEvent(events.get(index), proof(index));
            }
            writer.addBlob(new java.io.ByteArrayInputStream(blobs.get(0)));
            for (long size : earlierSizes) {
                writer.addConsistencyProof(new ConsistencyLine(checkpointNote(size), tree.size(), tree.consistencyProof(size, tree.size())));
            }
            writer.finish(checkpointNote(), key.signer());
        }
        return target;
    }

    static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(MerkleHashes.newSha256().digest(data));
    }

    /** Rewrites MANIFEST.sha256 of a directory bundle the way a careful forger would. */
    static void remanifest(Path dir) throws IOException {
        StringBuilder manifest = new StringBuilder();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String relative = dir.relativize(file).toString();
                if (!relative.equals(BundleLayout.MANIFEST) && !relative.equals(BundleLayout.MANIFEST_SIGNATURE)) {
                    manifest.append(sha256Hex(Files.readAllBytes(file))).append("  ").append(relative).append('\n');
                }
            }
        }
        Files.writeString(dir.resolve(BundleLayout.MANIFEST), manifest);
    }

    /** Signs the bundle's manifest with {@code key}: what a forger with a key of their own does after {@link #remanifest}. */
    static void resignManifest(Path dir, LogKeyPair key) throws IOException {
        String manifest = Files.readString(dir.resolve(BundleLayout.MANIFEST));
        Files.writeString(dir.resolve(BundleLayout.MANIFEST_SIGNATURE), key.signer().signNote(new ManifestNote(ORIGIN, ManifestNote.noSelection(), manifest).text()));
    }
}
