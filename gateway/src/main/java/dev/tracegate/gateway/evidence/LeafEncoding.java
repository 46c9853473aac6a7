package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.jcs.Jcs;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An event's leaf bytes, exactly {@code Jcs.canonicalize(event.toLeaf(index))}, written straight
 * into one buffer: the members in RFC 8785's order, with the actor and the resource (the same for
 * every event of a session) canonicalised once and reused, instead of a JSON tree built, sorted and
 * encoded for every statement. LeafEncodingTest holds the two to the same bytes.
 */
final class LeafEncoding {

    /** Beyond this many distinct actors or resources the caches start again (they only save work). */
    private static final int MAX_CACHED = 1024;

    private final Map<Identity, String> actors = new ConcurrentHashMap<>();
    private final Map<EvidenceEvent.Resource, String> resources = new ConcurrentHashMap<>();

    /** The canonical leaf: members in UTF-16 order (actor, detail, index, resource, session, time, trace, type, v). */
    byte[] encode(long index, EvidenceEvent event) {
        StringBuilder out = new StringBuilder(512);
        out.append("{\"actor\":").append(cached(actors, event.actor(), () -> Jcs.canonicalString(event.actorJson())));
        out.append(",\"detail\":");
        Jcs.appendCanonical(event.detail(), out);
        out.append(",\"index\":").append(index);
        if (event.resource() != null) {
            out.append(",\"resource\":")
                    .append(cached(resources, event.resource(), () -> Jcs.canonicalString(event.resourceJson())));
        }
        if (event.session() != null) {
            out.append(",\"session\":");
            Jcs.appendCanonical(event.session(), out);
        }
        out.append(",\"time\":\"").append(event.leafTime()).append('"');
        if (event.trace() != null) {
            out.append(",\"trace\":");
            Jcs.appendCanonical(event.trace(), out);
        }
        out.append(",\"type\":");
        Jcs.appendCanonical(event.type(), out);
        out.append(",\"v\":1}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
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
