package dev.tracegate.gateway.http;

import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingSummary;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

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
 *
 * <p>A share is digested and remembered from its second sighting on: the first is only noted by a
 * CRC-32C of its bytes (with its location and reading) in a slot of a small table. Live answers
 * mostly differ (a timestamp, an id, a page), and for them a SHA-256 pass over every kept share,
 * and a remembered result no one asks for again, would be work for nothing; the checksum costs a
 * fraction of it. The checksum decides nothing about what is recorded: a share it takes for one
 * seen before is looked up by its SHA-256, and one it misses (two shares in one slot) is masked
 * again, as an answer seen for the first time is. A repeated answer is so masked twice, then
 * remembered.
 */
final class RecordMaskingMemory {

    /** A masked kept share and what masking it found. */
    record Masked(byte[] bytes, MaskingSummary found) {
    }

    static final int MAX_ENTRIES = 256;
    static final long MAX_BYTES = 8L * 1024 * 1024;
    /** Slots of the first sightings' checksums (a power of two): a share's slot keeps the last one noted there. */
    static final int SEEN_SLOTS = 4096;

    private record Key(Masker masker, String location, BodyMasking.Kind kind, boolean truncated, ByteBuffer digest) {
    }

    private final Map<Key, Masked> remembered = new LinkedHashMap<>(64, 0.75f, true);
    /** The checksum of the share last seen in each slot (with its location and reading mixed in). */
    private final int[] seen = new int[SEEN_SLOTS];
    private long bytes;
    private long hits;
    private long digested;

    /**
     * The masked form of {@code kept[0..size)}, remembered or computed by {@code mask} (which must
     * depend on nothing but these arguments).
     */
    Masked masked(Masker masker, String location, BodyMasking.Kind kind, boolean truncated, byte[] kept, int size,
                  Supplier<Masked> mask) {
        if (firstSighting(location, kind, truncated, kept, size)) {
            return mask.get();
        }
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

    /** How many masked shares are held (for tests). */
    synchronized int held() {
        return remembered.size();
    }

    /** How many kept shares were digested to be looked up (for tests). */
    synchronized long digested() {
        return digested;
    }

    /** Notes the share's checksum in its slot; true when the slot did not hold it already. */
    private boolean firstSighting(String location, BodyMasking.Kind kind, boolean truncated, byte[] kept, int size) {
        CRC32C crc = new CRC32C();
        crc.update(kept, 0, size);
        int sum = (((int) crc.getValue() * 31 + location.hashCode()) * 31 + kind.ordinal()) * 31 + (truncated ? 1 : 0);
        int slot = (sum ^ sum >>> 16) & (SEEN_SLOTS - 1);
        synchronized (this) {
            if (seen[slot] == sum) {
                digested++;
                return false;
            }
            seen[slot] = sum;
            return true;
        }
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
