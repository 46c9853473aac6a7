package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.identity.Identity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One event before the log gives it an index. {@link #toLeaf(long)} produces the JSON object of
 * specs/evidence-log.md section 1; the log serialises it with JCS ({@link LeafEncoding} writes the
 * same bytes without building the object).
 *
 * @param time     when it happened
 * @param type     one of {@link EventType}
 * @param actor    who; never null (unauthenticated callers get {@link #UNAUTHENTICATED})
 * @param session  session id, or null outside a session
 * @param trace    W3C trace id (32 lowercase hex), or null; a client's claim, recorded as such
 * @param resource connection, protocol and target, or null
 * @param detail   type-specific content; never a secret or an unmasked value a rule would mask
 */
public record EvidenceEvent(Instant time, String type, Identity actor, String session, String trace,
                            Resource resource, ObjectNode detail) {

    /** The gateway itself, as the actor of what it does on its own (a policy reload, anchoring the log). */
    public static final Identity GATEWAY = new Identity("tracegate", "gateway", "tracegate gateway", null, null, "service");

    /** The actor of events about callers that did not prove who they are. */
    public static final Identity UNAUTHENTICATED =
            new Identity("tracegate", "unauthenticated", null, null, null, null);

    private static final DateTimeFormatter RFC3339_MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public EvidenceEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        detail = detail == null ? JsonNodeFactory.instance.objectNode() : detail;
    }

    /** The target of an event. */
    public record Resource(String connection, String protocol, String target) {
    }

    public static ObjectNode newDetail() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The event's time as its leaf writes it (RFC 3339, microseconds, UTC). */
    String leafTime() {
        return RFC3339_MICROS.format(time);
    }

    /** The leaf object, with its position in the log. */
    public ObjectNode toLeaf(long index) {
        ObjectNode leaf = JsonNodeFactory.instance.objectNode();
        leaf.put("v", 1);
        leaf.put("index", index);
        leaf.put("time", leafTime());
        leaf.put("type", type);
        leaf.set("actor", actorJson());
        if (session != null) {
            leaf.put("session", session);
        }
        if (trace != null) {
            leaf.put("trace", trace);
        }
        if (resource != null) {
            leaf.set("resource", resourceJson());
        }
        leaf.set("detail", detail);
        return leaf;
    }

    ObjectNode resourceJson() {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        putIfPresent(r, "connection", resource.connection());
        putIfPresent(r, "protocol", resource.protocol());
        putIfPresent(r, "target", resource.target());
        return r;
    }

    ObjectNode actorJson() {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("sub", actor.subject());
        a.put("iss", actor.issuer());
        putIfPresent(a, "name", actor.name());
        putIfPresent(a, "email", actor.email());
        putIfPresent(a, "kind", actor.kind());
        if (!actor.groups().isEmpty()) {
            ArrayNode groups = a.putArray("groups");
            actor.groups().forEach(groups::add);
        }
        return a;
    }

    private static void putIfPresent(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }
}
