package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MerkleHashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An event's leaf bytes, exactly {@code Jcs.canonicalize(event.toLeaf(index))}, written straight
 * into one buffer: the members in RFC 8785's order, with the actor and the resource (the same for
 * every event of a session) canonicalised once and reused, instead of a JSON tree built, sorted and
 * encoded for every statement. LeafEncodingTest holds the two to the same bytes.
 *
 * <p>The text and its UTF-8 bytes are assembled in buffers kept from one leaf to the next, so a
 * leaf costs at most the one array it ends in, not a growing builder, its string and that string's
 * bytes (two leaves per statement); the embedded log's leaves are copied from the kept buffer
 * straight into the log's batch ({@link #encodeInto}) and cost no array at all. Not thread-safe
 * for that reason: each log encodes with its own, under its write lock.
 */
final class LeafEncoding {

    /** Beyond this many distinct actors or resources the caches start again (they only save work). */
    private static final int MAX_CACHED = 1024;
    /** Room a typical leaf needs; a buffer grown past {@link #MAX_KEPT} by a large leaf is let go after it. */
    private static final int FIRST_CAPACITY = 2048;
    private static final int MAX_KEPT = 64 * 1024;

    private final Map<Identity, String> actors = new ConcurrentHashMap<>();
    private final Map<EvidenceEvent.Resource, String> resources = new ConcurrentHashMap<>();
    private StringBuilder text = new StringBuilder(FIRST_CAPACITY);
    private byte[] utf8 = new byte[FIRST_CAPACITY];
    /**
     * The leaf hash's digest, kept with the buffers: the log's writer is whichever request's
     * (virtual) thread leads the group commit, and a thread-local digest would be looked up among
     * the JDK's providers for nearly every such thread.
     */
    private final MessageDigest sha256 = MerkleHashes.newSha256();

    /** The canonical leaf: members in UTF-16 order (actor, detail, index, resource, session, time, trace, type, v). */
    byte[] encode(long index, EvidenceEvent event) {
        int length = utf8(text(index, event)); // first: it may replace the buffer with a larger one
        byte[] leaf = Arrays.copyOf(utf8, length);
        letGoOfLargeBuffers();
        return leaf;
    }

    /**
     * As {@link #encode}, the leaf written into {@code records} straight from this encoder's kept
     * buffer, without an array of its own: the embedded log's way.
     *
     * @return the leaf hash, over exactly the bytes written
     */
    byte[] encodeInto(long index, EvidenceEvent event, LeafBatch records) {
        int length = utf8(text(index, event));
        records.add(utf8, length);
        byte[] leafHash = MerkleHashes.leafHash(sha256, utf8, 0, length);
        letGoOfLargeBuffers();
        return leafHash;
    }

    /** The leaf hash of a leaf {@link #encode} wrote, with this encoder's digest (the same thread, under the same lock). */
    byte[] leafHash(byte[] leaf) {
        return MerkleHashes.leafHash(sha256, leaf, 0, leaf.length);
    }

    /** The leaf's canonical text, in the kept builder. */
    private StringBuilder text(long index, EvidenceEvent event) {
        StringBuilder out = text;
        out.setLength(0);
        out.append("{\"actor\":").append(cached(actors, event.actor(), () -> Jcs.canonicalString(event.actorJson())));
        out.append(",\"detail\":");
        if (event.canonicalDetail() != null) {
            event.canonicalDetail().appendTo(out);
        } else {
            Jcs.appendCanonical(event.detail(), out);
        }
        out.append(",\"index\":").append(index);
        if (event.resource() != null) {
            out.append(",\"resource\":")
                    .append(cached(resources, event.resource(), () -> Jcs.canonicalString(event.resourceJson())));
        }
        if (event.session() != null) {
            out.append(",\"session\":");
            Jcs.appendCanonical(event.session(), out);
        }
        out.append(",\"time\":\"");
        event.appendLeafTime(out).append('"');
        if (event.trace() != null) {
            out.append(",\"trace\":");
            Jcs.appendCanonical(event.trace(), out);
        }
        out.append(",\"type\":");
        Jcs.appendCanonical(event.type(), out);
        out.append(",\"v\":1}");
        return out;
    }

    /** A large leaf's buffers are not kept for the next. */
    private void letGoOfLargeBuffers() {
        if (text.capacity() > MAX_KEPT) {
            text = new StringBuilder(FIRST_CAPACITY);
        }
        if (utf8.length > MAX_KEPT) {
            utf8 = new byte[FIRST_CAPACITY];
        }
    }

    /**
     * The text's UTF-8 bytes, as {@code String.getBytes(UTF_8)} gives them, into the kept buffer:
     * canonical text holds no unpaired surrogate (Jcs refuses one), and should one appear anyway
     * the JDK's encoding of it is taken, so the bytes never depend on this method.
     *
     * @return how many bytes of the kept buffer hold them
     */
    private int utf8(CharSequence chars) {
        int length = chars.length();
        if (utf8.length < 3 * length) {
            utf8 = new byte[3 * length];
        }
        byte[] out = utf8;
        int at = 0;
        for (int i = 0; i < length; i++) {
            char c = chars.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(chars.charAt(i + 1))) {
                int code = Character.toCodePoint(c, chars.charAt(++i));
                out[at++] = (byte) (0xF0 | code >> 18);
                out[at++] = (byte) (0x80 | code >> 12 & 0x3F);
                out[at++] = (byte) (0x80 | code >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | code & 0x3F);
            } else if (Character.isSurrogate(c)) {
                byte[] jdk = chars.toString().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(jdk, 0, out, 0, jdk.length); // never longer than three bytes a char
                return jdk.length;
            } else {
                out[at++] = (byte) (0xE0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return at;
    }

    private static <K> String cached(Map<K, String> cache, K key, java.util.function.Supplier<String> canonical) {
        String known = cache.get(key);
        if (known != null) {
            return known;
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        String text = canonical.get();
        cache.put(key, text);
        return text;
    }
}
