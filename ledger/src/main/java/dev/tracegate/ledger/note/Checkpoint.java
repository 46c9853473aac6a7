package dev.tracegate.ledger.note;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A C2SP tlog-checkpoint body: origin, tree size, root hash, then optional extension lines, each
 * line ending in a newline.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
    private static final int HASH_SIZE = 32;

    public Checkpoint {
        if (origin == null || origin.isEmpty() || hasLineBreakOrControl(origin)) {
            throw new IllegalArgumentException("origin must be one non-empty line without control characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        if (rootHash == null || rootHash.length != HASH_SIZE) {
            throw new IllegalArgumentException("root hash must be 32 bytes");
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        for (String extension : extensions) {
            if (extension.isEmpty() || hasLineBreakOrControl(extension)) {
                throw new IllegalArgumentException("extension lines must be non-empty single lines");
            }
        }
    }

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The note text that gets signed. */
    public String body() {
        StringBuilder body = new StringBuilder();
        body.append(origin).append('\n').append(size).append('\n').append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        for (String extension : extensions) {
            body.append(extension).append('\n');
        }
        return body.toString();
    }

    /** Parses a checkpoint body (the note text, without signatures). */
    public static Checkpoint parse(String body) throws NoteException {
        if (!body.endsWith("\n")) {
            throw malformed("checkpoint body must end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw malformed("checkpoint needs origin, tree size and root hash lines, found " + lines.length + " line(s)");
        }
        if (lines[0].isEmpty()) {
            throw malformed("checkpoint origin line is empty");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw malformed("checkpoint tree size \"" + lines[1] + "\" is not a decimal number without leading zeros");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw malformed("checkpoint tree size " + lines[1] + " is too large");
        }
        byte[] root = VerifierKey.decodeBase64(lines[2], "checkpoint root hash");
        if (root.length != HASH_SIZE) {
            throw malformed("checkpoint root hash is " + root.length + " bytes, not 32");
        }
        List<String> extensions = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
        if (extensions.contains("")) {
            throw malformed("checkpoint extension lines must not be empty");
        }
        try {
            return new Checkpoint(lines[0], size, root, extensions);
        } catch (IllegalArgumentException e) {
            throw malformed("checkpoint " + e.getMessage());
        }
    }

    private static boolean hasLineBreakOrControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
    }

    private static NoteException malformed(String message) {
        return new NoteException(NoteException.Reason.MALFORMED, message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint other && origin.equals(other.origin) && size == other.size
                && Arrays.equals(rootHash, other.rootHash) && extensions.equals(other.extensions);
    }

    @Override
    public int hashCode() {
        return ((origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash)) * 31 + extensions.hashCode();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + " size " + size + " root " + HexFormat.of().formatHex(rootHash)
                + (extensions.isEmpty() ? "" : " extensions " + extensions) + "]";
    }
}
