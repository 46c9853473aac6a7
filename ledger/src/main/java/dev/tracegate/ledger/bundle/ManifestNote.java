package dev.tracegate.ledger.bundle;

import dev.tracegate.ledger.note.NoteException;

/**
 * The text of {@code MANIFEST.sig}, the signed note by which the log commits, at export, to
 * exactly which files a bundle holds and what each hashes to: a header line, the checkpoint's
 * origin, then the lines of {@code MANIFEST.sha256} unchanged.
 *
 * <p>Why: every event and proof of a bundle can be checked on its own, but nothing in them says
 * which events the bundle held. Without a signature over the whole, whoever holds a bundle could
 * remove an event together with its proof line, turn a full export into a selective one missing
 * some events, cut a full export back to an older checkpoint, or drop or add blobs and consistency
 * proofs, and rewrite the manifest to match. The signed manifest closes all of these at once.
 *
 * <p>The note can never be read as a checkpoint: its third line is 64 hex digits (a manifest
 * line), never the base64 of a 32-byte root; and a checkpoint's first line is the log's origin,
 * never {@link #HEADER}.
 */
public record ManifestNote(String origin, String manifest) {
    public static final String HEADER = "tracegate bundle manifest";

    public ManifestNote {
        if (origin.isEmpty() || origin.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("origin must be one non-empty line");
        }
        if (manifest.isEmpty() || !manifest.endsWith("\n")) {
            throw new IllegalArgumentException("a manifest is one or more lines, each ending in a newline");
        }
    }

    /** The note text that gets signed. */
    public String text() {
        return HEADER + "\n" + origin + "\n" + manifest;
    }

    /** Parses the text of a verified note. */
    public static ManifestNote parse(String text) throws NoteException {
        int first = text.indexOf('\n');
        int second = first < 0 ? -1 : text.indexOf('\n', first + 1);
        if (first < 0 || !text.substring(0, first).equals(HEADER)) {
            throw new NoteException(NoteException.Reason.MALFORMED, "is not a signed bundle manifest (its first line is not \""
                    + HEADER + "\")");
        }
        if (second < 0 || second == first + 1 || second == text.length() - 1) {
            throw new NoteException(NoteException.Reason.MALFORMED, "a signed bundle manifest needs an origin line and manifest lines");
        }
        return new ManifestNote(text.substring(first + 1, second), text.substring(second + 1));
    }
}
