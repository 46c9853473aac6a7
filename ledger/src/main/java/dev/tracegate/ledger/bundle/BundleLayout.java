package dev.tracegate.ledger.bundle;

import java.util.regex.Pattern;

/** File names of an evidence bundle (evidence-log spec section 5). */
public final class BundleLayout {
    public static final String CHECKPOINT = "checkpoint";
    public static final String LOG_KEY = "log-key.pub";
    public static final String EVENTS = "events.jsonl";
    public static final String PROOFS = "proofs.jsonl";
    public static final String CONSISTENCY = "consistency.jsonl";
    public static final String BLOB_DIRECTORY = "blobs/sha256/";
    public static final String MANIFEST = "MANIFEST.sha256";
    /** The manifest signed by the log's key at export ({@link ManifestNote}); the one file the manifest cannot list. */
    public static final String MANIFEST_SIGNATURE = "MANIFEST.sig";

    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private BundleLayout() {}

    public static String blobPath(String sha256Hex) {
        return BLOB_DIRECTORY + sha256Hex;
    }

    /** A relative path that stays inside the bundle: no absolute path, no "..", no "." segments, no backslash. */
    static boolean isSafePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.endsWith("/")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return path.chars().noneMatch(c -> c < 0x20);
    }
}
