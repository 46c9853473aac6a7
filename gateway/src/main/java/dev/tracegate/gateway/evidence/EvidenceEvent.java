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
 * docs/evidence.md ("The log"); the log serialises it with JCS ({@link LeafEncoding} writes the
 * same bytes without building the object).
 *
 * @param time     when it happened
 * @param type     one of {@link EventType}
 * @param actor    who; never null (unauthenticated callers get {@link #UNAUTHENTICATED})
 * @param session  session id, or null outside a session
 * @param trace    W3C trace id (32 lowercase hex), or null; a client's claim, recorded as such
 * @param resource connection, protocol and target, or null
 * @param detail   type-specific content; never a secret or an unmasked value a rule would mask;
 *                 {@code null} when {@code canonicalDetail} holds it
 * @param canonicalDetail the detail written as canonical text instead of a tree (the events of
 *                 every statement), or {@code null}; {@link #detail()} parses it when asked
 */
public record EvidenceEvent(Instant time, String type, Identity actor, String session, String trace,
                            Resource resource, ObjectNode detail, CanonicalDetail canonicalDetail) {

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
        if (detail != null && canonicalDetail != null) {
            throw new IllegalArgumentException("an event's detail is either a tree or canonical text, not both");
        }
        detail = detail == null && canonicalDetail == null ? JsonNodeFactory.instance.objectNode() : detail;
    }

    /** An event whose detail is a tree. */
    public EvidenceEvent(Instant time, String type, Identity actor, String session, String trace, Resource resource,
                         ObjectNode detail) {
        this(time, type, actor, session, trace, resource, detail, null);
    }

    /** The detail as a tree; for an event written as canonical text, parsed from it on first use. */
    @Override
    public ObjectNode detail() {
        return detail != null ? detail : canonicalDetail.tree();
    }

    /**
     * A top-level string member of the detail, or {@code null} when there is none: for an event
     * written as canonical text, without parsing it when the writer handed that member over
     * ({@link CanonicalDetail#of(CharSequence, String, String)}).
     */
    public String detailString(String name) {
        return detail != null ? detail.path(name).asText(null) : canonicalDetail.string(name);
    }

    /** The same event at another time (the log's clock), its detail in the same form. */
    EvidenceEvent at(Instant logTime) {
        return new EvidenceEvent(logTime, type, actor, session, trace, resource, detail, canonicalDetail);
    }

    /** The target of an event. */
    public record Resource(String connection, String protocol, String target) {
    }

    public static ObjectNode newDetail() {
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * The event's time as its leaf writes it (RFC 3339, microseconds, UTC): written digit by digit
     * for the years 0000-9999, which is what {@code DateTimeFormatter} would write there at a
     * fraction of its cost on every event (EvidenceEventTimeTest holds the two together).
     */
    String leafTime() {
        java.time.LocalDateTime utc = java.time.LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(),
                ZoneOffset.UTC);
        if (utc.getYear() < 0 || utc.getYear() > 9999) {
            return RFC3339_MICROS.format(time);
        }
        int[] fields = {utc.getYear(), utc.getMonthValue(), utc.getDayOfMonth(), utc.getHour(), utc.getMinute(),
                utc.getSecond(), utc.getNano() / 1_000};
        char[] out = new char[27];
        int at = 0;
        for (int i = 0; i < fields.length; i++) {
            digits(out, at, fields[i], TIME_WIDTHS[i]);
            at += TIME_WIDTHS[i];
            out[at++] = TIME_SEPARATORS.charAt(i);
        }
        return new String(out);
    }

    /** The digits of year, month, day, hour, minute, second and microsecond, and what follows each. */
    private static final int[] TIME_WIDTHS = {4, 2, 2, 2, 2, 2, 6};
    private static final String TIME_SEPARATORS = "--T::.Z";

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
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
        leaf.set("detail", detail());
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
