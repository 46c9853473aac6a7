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
    private static final long SECONDS_PER_DAY = 86_400;
    /** Days from 0000-03-01 to 1970-01-01: the calendar counted from March, so a leap day ends its year. */
    private static final long DAYS_FROM_0000_03_01 = 719_468;
    private static final long DAYS_PER_ERA = 146_097;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000};

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
        return appendLeafTime(new StringBuilder(27)).toString();
    }

    /**
     * Appends {@link #leafTime()} to {@code out}: the date computed from the epoch day by hand
     * (Hinnant's civil-from-days), so the two leaves of every statement write their time without a
     * {@code LocalDateTime}, an array or a string of their own.
     */
    StringBuilder appendLeafTime(StringBuilder out) {
        long days = Math.floorDiv(time.getEpochSecond(), SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(time.getEpochSecond(), SECONDS_PER_DAY);
        long shifted = days + DAYS_FROM_0000_03_01;
        long era = Math.floorDiv(shifted, DAYS_PER_ERA);
        int dayOfEra = (int) (shifted - era * DAYS_PER_ERA);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return out.append(RFC3339_MICROS.format(time));
        }
        digits(out, (int) year, 4).append('-');
        digits(out, month, 2).append('-');
        digits(out, day, 2).append('T');
        digits(out, secondOfDay / 3600, 2).append(':');
        digits(out, secondOfDay / 60 % 60, 2).append(':');
        digits(out, secondOfDay % 60, 2).append('.');
        return digits(out, time.getNano() / 1_000, 6).append('Z');
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int divisor = POWERS_OF_TEN[width - 1]; divisor > 0; divisor /= 10) {
            out.append((char) ('0' + value / divisor % 10));
        }
        return out;
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
        if (actor.email() != null && !actor.emailVerified()) {
            a.put("email_verified", false); // the provider did not check the address: the reader must not take it as the caller's
        }
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
