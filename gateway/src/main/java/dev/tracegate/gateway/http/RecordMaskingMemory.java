package dev.tracegate.gateway.http;

import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingSummary;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The record profile's masking of the bodies the evidence keeps, remembered by content: the same
 * answer served again (a listing, a configuration, a document many callers read) is masked once,
 * not per request. Masking is a function of the masker, the location and the bytes (the detectors'
 * budgets count work, not time; pseudonyms are keyed by the masker's own key), so a remembered
 * result is byte for byte what masking again would give, with the same report.
 *
 * <p>Keyed by the masker instance (a reloaded policy, a rotated masking key, another record
 * profile: another masker, nothing remembered from the old one is found), the location, how
 * the body is read (a form field by field, an event stream event by event, ...), whether the kept share was cut at the budget, and the SHA-256 of the kept bytes: a digest an upstream
 * cannot forge a collision for, so one body's record is never filed under another's. Only digests
 * and masked results are held, never a clear body. Bounded by count and by the masked bytes held,
 * least recently used first out.
 */
final class RecordMaskingMemory {

    /** A masked kept share and what masking it found. */
    record Masked(byte[] bytes, MaskingSummary found) {
    }

    static final int MAX_ENTRIES = 256;
    static final long MAX_BYTES = 8L * 1024 * 1024;

    private record Key(Masker masker, String location, BodyMasking.Kind kind, boolean truncated, ByteBuffer digest) {
    }

    private final Map<Key, Masked> remembered = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long hits;

    /**
     * The masked form of {@code kept[0..size)}, remembered or computed by {@code mask} (which must
     * depend on nothing but these arguments).
     */
    Masked masked(Masker masker, String location, BodyMasking.Kind kind, boolean truncated, byte[] kept, int size,
                  Supplier<Masked> mask) {
        Key key = new Key(masker, location, kind, truncated, ByteBuffer.wrap(sha256(kept, size)));
        synchronized (this) {
            Masked known = remembered.get(key);
            if (known != null) {
                hits++;
                return known;
            }
        }
        Masked fresh = mask.get();
        remember(key, fresh);
        return fresh;
    }

    /** How many kept shares were found masked already (for tests and the accounting). */
    synchronized long hits() {
        return hits;
    }

    private synchronized void remember(Key key, Masked masked) {
        long size = masked.bytes() == null ? 0 : masked.bytes().length;
        if (size > MAX_BYTES / 4) {
            return; // one body must not push out everything else
        }
        Masked before = remembered.put(key, masked);
        bytes += size - (before == null || before.bytes() == null ? 0 : before.bytes().length);
        var eldest = remembered.entrySet().iterator();
        while ((remembered.size() > MAX_ENTRIES || bytes > MAX_BYTES) && eldest.hasNext()) {
            Masked out = eldest.next().getValue();
            bytes -= out.bytes() == null ? 0 : out.bytes().length;
            eldest.remove();
        }
    }

    private static byte[] sha256(byte[] bytes, int size) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, size);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
