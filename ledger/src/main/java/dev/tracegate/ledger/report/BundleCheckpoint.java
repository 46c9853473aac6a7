package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.BundleLayout;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import dev.tracegate.ledger.note.VerifierKey;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The checkpoint a bundle is verified against and the key in it. The signature is checked with
 * the bundle's own {@code log-key.pub}: the report states which key that is, and the auditor
 * compares it with the published one ({@code tracegate evidence verify --key}).
 *
 * @param checkpoint null when the checkpoint cannot be read at all
 * @param key        null when log-key.pub is not a key line
 * @param problem    why the signature does not verify, or null when it does
 */
record BundleCheckpoint(Checkpoint checkpoint, VerifierKey key, String problem) {

    static BundleCheckpoint read(ReportBundle bundle) throws IOException {
        String note = bundle.text(BundleLayout.CHECKPOINT);
        VerifierKey key;
        try {
            key = VerifierKey.parse(bundle.text(BundleLayout.LOG_KEY).strip());
        } catch (NoteException e) {
            return new BundleCheckpoint(unverified(note).orElse(null), null, "log-key.pub is not a key line: " + e.getMessage());
        }
        try {
            return new BundleCheckpoint(SignedNote.verify(note, key), key, null);
        } catch (NoteException e) {
            return new BundleCheckpoint(unverified(note).orElse(null), key, e.getMessage());
        }
    }

    private static Optional<Checkpoint> unverified(String note) {
        try {
            return Optional.of(Checkpoint.parse(SignedNote.parse(note).text()));
        } catch (NoteException | RuntimeException e) {
            return Optional.empty();
        }
    }

    long size() {
        return checkpoint == null ? 0 : checkpoint.size();
    }

    boolean signatureVerified() {
        return problem == null;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (checkpoint != null) {
            json.put("origin", checkpoint.origin());
            json.put("tree_size", checkpoint.size());
            json.put("root_sha256", HexFormat.of().formatHex(checkpoint.rootHash()));
        }
        if (key != null) {
            json.put("log_key", key.format());
        }
        json.put("signature", signatureVerified()
                ? "verified with the bundle's log-key.pub; compare that key with the one the log operator publishes"
                : "does not verify: " + problem);
        return json;
    }
}
