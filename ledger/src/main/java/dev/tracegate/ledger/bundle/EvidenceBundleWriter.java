package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogSigner;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import dev.tracegate.ledger.note.VerifierKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an export bundle (evidence-log spec section 5) as a directory, or as a zip when the target
 * name ends in {@code .zip}. Events stream to disk as they are added, so memory does not grow with
 * the export. Everything is written to a staging directory next to the target and moved into place
 * by {@link #finish}, so a failed export never leaves a bundle that looks complete; {@link #close}
 * without finish discards it.
 *
 * <p>Either every event comes with an inclusion proof (a selective export), or none does (a full
 * export of events 0..n-1, whose root {@link #finish} recomputes and compares with the checkpoint).
 */
public final class EvidenceBundleWriter implements AutoCloseable {
    /** Zip entries get a fixed time so that the same bundle zips to the same bytes. */
    private static final FileTime ZIP_ENTRY_TIME = FileTime.fromMillis(315_532_800_000L); // 1980-01-01

    private final Path target;
    private final boolean zip;
    private final Path staging;
    private final TreeMap<String, String> digests = new TreeMap<>();
    private final HashingFile events;
    private HashingFile proofs;
    private HashingFile consistency;
    private final CompactRange fullExportRange = CompactRange.empty();
    private Boolean withProofs;
    private long eventCount;
    private long lastProofIndex = -1;
    private long proofTreeSize = -1;
    private boolean finished;
    private boolean closed;

    private EvidenceBundleWriter(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        this.zip = target.getFileName().toString().endsWith(".zip");
        if (Files.exists(this.target)) {
            throw new FileAlreadyExistsException(this.target.toString(), null, "refusing to overwrite an existing bundle");
        }
        Path parent = this.target.getParent();
        Files.createDirectories(parent);
        this.staging = Files.createTempDirectory(parent, "." + this.target.getFileName() + ".partial-");
        this.events = new HashingFile(staging, BundleLayout.EVENTS);
    }

    /** Starts a bundle at {@code target}, which must not exist yet. */
    public static EvidenceBundleWriter open(Path target) throws IOException {
        return new EvidenceBundleWriter(target);
    }

    /** Adds the next event of a full export: events must come as indices 0, 1, 2, ... */
    public void addEvent(byte[] eventJcs) throws IOException {
        addEvent(eventJcs, null);
    }

    /**
     * Makes this a selective export (events with inclusion proofs) before any event is added: one
     * whose selection holds no event is then an empty selective bundle, not a full export of a log
     * that has events.
     */
    public void selective() throws IOException {
        requireOpen();
        if (withProofs == null) {
            withProofs = true;
            proofs = new HashingFile(staging, BundleLayout.PROOFS);
        } else if (!withProofs) {
            throw new IllegalStateException("events without inclusion proofs were added: this is a full export");
        }
    }

    /**
     * Adds the next event, in index order, with its inclusion proof against the checkpoint that
     * {@link #finish} will get, or null for a full export.
     */
    public void addEvent(byte[] eventJcs, ProofLine proof) throws IOException {
        requireOpen();
        if (eventJcs.length == 0 || indexOf(eventJcs, (byte) '\n') >= 0) {
            throw new IllegalArgumentException("an event must be one non-empty JCS line");
        }
        boolean hasProof = proof != null;
        if (withProofs == null) {
            withProofs = hasProof;
            if (hasProof) {
                proofs = new HashingFile(staging, BundleLayout.PROOFS);
            }
        } else if (withProofs != hasProof) {
            throw new IllegalStateException("either every event has an inclusion proof or none does");
        }
        if (hasProof) {
            checkProofOrder(proof);
            proofs.writeLine(proof.toJson());
        } else {
            fullExportRange.append(MerkleHashes.leafHash(eventJcs));
        }
        events.writeLine(eventJcs);
        eventCount++;
    }

    private void checkProofOrder(ProofLine proof) {
        if (proof.index() <= lastProofIndex) {
            throw new IllegalArgumentException("events must be added in index order: " + proof.index() + " after " + lastProofIndex);
        }
        if (proofTreeSize >= 0 && proof.treeSize() != proofTreeSize) {
            throw new IllegalArgumentException("all proofs must be against one tree size: " + proof.treeSize() + " and " + proofTreeSize);
        }
        lastProofIndex = proof.index();
        proofTreeSize = proof.treeSize();
    }

    /** Adds a consistency proof from an earlier signed checkpoint to this bundle's checkpoint. */
    public void addConsistencyProof(ConsistencyLine line) throws IOException {
        requireOpen();
        if (consistency == null) {
            consistency = new HashingFile(staging, BundleLayout.CONSISTENCY);
        }
        consistency.writeLine(line.toJson());
    }

    /** Adds a blob and returns its SHA-256 hex, the name events use to reference it. */
    public String addBlob(byte[] content) throws IOException {
        requireOpen();
        String hex = Sha256.hex(content);
        if (!digests.containsKey(BundleLayout.blobPath(hex))) {
            Path file = staging.resolve(BundleLayout.blobPath(hex));
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            digests.put(BundleLayout.blobPath(hex), hex);
        }
        return hex;
    }

    /** Streams a blob into the bundle and returns its SHA-256 hex. */
    public String addBlob(InputStream content) throws IOException {
        requireOpen();
        Path directory = Files.createDirectories(staging.resolve(BundleLayout.BLOB_DIRECTORY));
        Path temporary = Files.createTempFile(directory, ".incoming-", "");
        MessageDigest sha256 = MerkleHashes.newSha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temporary), sha256)) {
            content.transferTo(out);
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        if (digests.containsKey(BundleLayout.blobPath(hex))) {
            Files.delete(temporary);
        } else {
            Files.move(temporary, staging.resolve(BundleLayout.blobPath(hex)));
            digests.put(BundleLayout.blobPath(hex), hex);
        }
        return hex;
    }

    /**
     * Writes the checkpoint, the key, the manifest and the manifest signed by {@code signer} (the
     * log's key, see {@link ManifestNote}), and moves the bundle into place. Before that it checks
     * what it can without the log: the checkpoint verifies with the key, proofs are against the
     * checkpoint's size, and a full export has exactly the checkpoint's events and root.
     */
    public void finish(String checkpointNote, LogSigner signer) throws IOException {
        finish(checkpointNote, signer, staged -> Map.of());
    }

    /** Like {@link #finish(String, LogSigner, JsonNode, BundleAttachments)} without a stated selection. */
    public void finish(String checkpointNote, LogSigner signer, BundleAttachments attachments) throws IOException {
        finish(checkpointNote, signer, JsonNodeFactory.instance.objectNode(), attachments);
    }

    /**
     * Like {@link #finish(String, LogSigner)}, and before the manifest is written, adds the files
     * {@code attachments} computes from the staged bundle (see {@link BundleAttachments}). The
     * {@code selection} (an object: what the export was asked for) is signed with the manifest.
     */
    public void finish(String checkpointNote, LogSigner signer, JsonNode selection, BundleAttachments attachments) throws IOException {
        requireOpen();
        if (!selection.isObject()) {
            throw new IllegalArgumentException("the selection must be a JSON object");
        }
        String verifierKeyLine = signer.verifierKey().format();
        Checkpoint checkpoint = checkBundleConsistency(checkpointNote, verifierKeyLine);
        events.close();
        digests.put(BundleLayout.EVENTS, events.hex());
        for (HashingFile optional : new HashingFile[] {proofs, consistency}) {
            if (optional != null) {
                optional.close();
                digests.put(optional.name, optional.hex());
            }
        }
        writeSmallFile(BundleLayout.CHECKPOINT, checkpointNote.getBytes(StandardCharsets.UTF_8));
        writeSmallFile(BundleLayout.LOG_KEY, (verifierKeyLine.strip() + "\n").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> attachment : new TreeMap<>(attachments.create(staging)).entrySet()) {
            requireAttachmentName(attachment.getKey());
            writeSmallFile(attachment.getKey(), attachment.getValue());
        }
        StringBuilder manifest = new StringBuilder();
        digests.forEach((path, hex) -> manifest.append(hex).append("  ").append(path).append('\n'));
        Files.writeString(staging.resolve(BundleLayout.MANIFEST), manifest, StandardCharsets.UTF_8);
        String signedManifest = signer.signNote(new ManifestNote(checkpoint.origin(), Jcs.canonicalString(selection), manifest.toString()).text());
        Files.writeString(staging.resolve(BundleLayout.MANIFEST_SIGNATURE), signedManifest, StandardCharsets.UTF_8);
        if (zip) {
            zipStagingTo(target);
            deleteStaging();
        } else {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        }
        finished = true;
        closed = true;
    }

    private Checkpoint checkBundleConsistency(String checkpointNote, String verifierKeyLine) {
        Checkpoint checkpoint;
        try {
            checkpoint = SignedNote.verify(checkpointNote, VerifierKey.parse(verifierKeyLine));
        } catch (NoteException e) {
            throw new IllegalArgumentException("the checkpoint does not verify with the given key: " + e.getMessage(), e);
        }
        if (Boolean.TRUE.equals(withProofs)) {
            if (eventCount > 0 && proofTreeSize != checkpoint.size()) {
                throw new IllegalArgumentException("proofs are against tree size " + proofTreeSize + " but the checkpoint is at "
                        + checkpoint.size());
            }
        } else {
            if (eventCount != checkpoint.size()) {
                throw new IllegalArgumentException("a full export needs all " + checkpoint.size() + " events of the checkpoint, got "
                        + eventCount + "; add inclusion proofs for a selective export");
            }
            if (!Arrays.equals(fullExportRange.root(), checkpoint.rootHash())) {
                throw new IllegalArgumentException("the events do not hash to the checkpoint's root");
            }
        }
        return checkpoint;
    }

    /** A top-level file of its own: never one of the bundle's files, which the verifier reads with their own rules. */
    private void requireAttachmentName(String name) {
        boolean reserved = name.equals(BundleLayout.MANIFEST) || name.equals(BundleLayout.MANIFEST_SIGNATURE) || digests.containsKey(name) || name.equals(BundleLayout.PROOFS)
                || name.equals(BundleLayout.CONSISTENCY);
        if (!BundleLayout.isSafePath(name) || name.contains("/") || reserved) {
            throw new IllegalArgumentException("an attachment needs a top-level name of its own, not \"" + name + "\"");
        }
    }

    private void writeSmallFile(String name, byte[] content) throws IOException {
        Files.write(staging.resolve(name), content);
        digests.put(name, Sha256.hex(content));
    }

    private void zipStagingTo(Path zipFile) throws IOException {
        Path temporary = staging.resolveSibling(staging.getFileName() + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
            for (String name : digests.keySet()) {
                putEntry(out, name);
            }
            putEntry(out, BundleLayout.MANIFEST);
            putEntry(out, BundleLayout.MANIFEST_SIGNATURE);
        }
        Files.move(temporary, zipFile, StandardCopyOption.ATOMIC_MOVE);
    }

    private void putEntry(ZipOutputStream out, String name) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(ZIP_ENTRY_TIME);
        out.putNextEntry(entry);
        Files.copy(staging.resolve(name), out);
        out.closeEntry();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(finished ? "bundle already finished" : "bundle writer is closed");
        }
    }

    /** Discards the bundle unless {@link #finish} completed. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (HashingFile file : new HashingFile[] {events, proofs, consistency}) {
            if (file != null) {
                file.close();
            }
        }
        deleteStaging();
    }

    private void deleteStaging() throws IOException {
        try (Stream<Path> walk = Files.walk(staging)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** A line-oriented file whose SHA-256 is computed as it is written. */
    private static final class HashingFile {
        final String name;
        private final MessageDigest sha256 = MerkleHashes.newSha256();
        private final OutputStream out;
        private boolean open = true;

        HashingFile(Path directory, String name) throws IOException {
            this.name = name;
            this.out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(directory.resolve(name)), 1 << 16), sha256);
        }

        void writeLine(byte[] line) throws IOException {
            out.write(line);
            out.write('\n');
        }

        void close() throws IOException {
            if (open) {
                open = false;
                out.close();
            }
        }

        String hex() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }
}
