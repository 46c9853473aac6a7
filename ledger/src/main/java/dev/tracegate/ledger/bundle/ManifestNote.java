package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.note.NoteException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The text of {@code MANIFEST.sig}, the signed note by which the log commits, at export, to
 * exactly which files a bundle holds and what each hashes to: a header line, the checkpoint's
 * origin, the selection the exporter was asked for (a JCS object on one line, {@code {}} when none
 * was stated), then the lines of {@code MANIFEST.sha256} unchanged. The selection lets an auditor
 * see, signed, what a bundle claims to be (all events, one user's, one period's), so a genuine
 * bundle of another selection cannot be passed off as the one they asked for.
 *
 * <p>Why: every event and proof of a bundle can be checked on its own, but nothing in them says
 * which events the bundle held. Without a signature over the whole, whoever holds a bundle could
 * remove an event together with its proof line, turn a full export into a selective one missing
 * some events, cut a full export back to an older checkpoint, or drop or add blobs and consistency
 * proofs, and rewrite the manifest to match. The signed manifest closes all of these at once.
 *
 * <p>The selection line also states when the export signed its checkpoint ({@value #CHECKPOINT_AT}):
 * a checkpoint says how many events the log held, never when, so a whole, genuine bundle exported
 * a year ago verifies as well as today's. Signed with the manifest, the time cannot be moved
 * forward without the log's key, and the verifier states it with its verdict and can require it.
 *
 * <p>The note can never be read as a checkpoint: its third line is a JSON object, never the
 * base64 of a 32-byte root; and a checkpoint's first line is the log's origin, never {@link #HEADER}.
 */
public record ManifestNote(String origin, String selection, String manifest) {
    public static final String HEADER = "tracegate bundle manifest";
    /** The selection's member stating when the export signed its checkpoint (an ISO-8601 instant). */
    public static final String CHECKPOINT_AT = "checkpoint_at";

    public ManifestNote {
        if (origin.isEmpty() || origin.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("origin must be one non-empty line");
        }
        if (!selection.startsWith("{") || !Jcs.isCanonical(selection.getBytes(StandardCharsets.UTF_8))) {
            throw new IllegalArgumentException("the selection must be a JSON object in JCS form, on one line");
        }
        if (manifest.isEmpty() || !manifest.endsWith("\n")) {
            throw new IllegalArgumentException("a manifest is one or more lines, each ending in a newline");
        }
    }

    /** The note text that gets signed. */
    public String text() {
        return HEADER + "\n" + origin + "\n" + selection + "\n" + manifest;
    }

    /** Parses the text of a verified note. */
    public static ManifestNote parse(String text) throws NoteException {
        String[] parts = text.split("\n", 4);
        if (!parts[0].equals(HEADER)) {
            throw malformed("is not a signed bundle manifest (its first line is not \"" + HEADER + "\")");
        }
        if (parts.length < 4) {
            throw malformed("a signed bundle manifest needs an origin, a selection and manifest lines");
        }
        try {
            return new ManifestNote(parts[1], parts[2], parts[3]);
        } catch (IllegalArgumentException e) {
            throw malformed("is not a signed bundle manifest: " + e.getMessage());
        }
    }

    /** {@code selection} stating that the export signed its checkpoint at {@code signedAt}. */
    public static ObjectNode stating(ObjectNode selection, Instant signedAt) {
        return selection.deepCopy().put(CHECKPOINT_AT, signedAt.toString());
    }

    /**
     * When the export signed its checkpoint; empty for a bundle exported before exports stated it.
     *
     * @throws NoteException when the member is there but not an instant
     */
    public Optional<Instant> checkpointAt() throws NoteException {
        JsonNode at = Jcs.parse(selection.getBytes(StandardCharsets.UTF_8)).get(CHECKPOINT_AT);
        if (at == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(at.asText()));
        } catch (DateTimeParseException e) {
            throw malformed("states " + CHECKPOINT_AT + " " + at + ", which is not an ISO-8601 instant");
        }
    }

    /** The selection as the exporter was asked for it, without the time it states. */
    public String askedFor() {
        JsonNode parsed = Jcs.parse(selection.getBytes(StandardCharsets.UTF_8));
        if (parsed instanceof ObjectNode object && object.has(CHECKPOINT_AT)) {
            ObjectNode copy = object.deepCopy();
            copy.remove(CHECKPOINT_AT);
            return Jcs.canonicalString(copy);
        }
        return selection;
    }

    /** An object with no member: the exporter stated no selection. */
    public static String noSelection() {
        return "{}";
    }

    private static NoteException malformed(String message) {
        return new NoteException(NoteException.Reason.MALFORMED, message);
    }
}
