package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tracegate.ledger.identity.Mailbox;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One event as the report reads it. Tolerant on purpose: a member it does not know is ignored
 * and a missing one reads as null, so events written by newer gateways still make a report.
 *
 * @param time null when the event's time is missing or unreadable (it then counts in no period)
 */
record ReportEvent(long index, Instant time, String type, Actor actor, String session, String connection,
                   String protocol, JsonNode detail) {

    /** Who an event is about: issuer and subject identify them; the rest describes them. */
    /**
     * @param unverifiedEmail the address the actor's identity provider did not verify, or null
     * @param email           the address the event states for the actor, verified or not, or null
     */
    record Actor(String issuer, String subject, String name, String kind, List<String> groups, String unverifiedEmail,
                 String email) {
        /** Issuer and subject, the identity's key. */
        String key() {
            return issuer + " " + subject;
        }

        /**
         * The same person as {@code other}, as the gateway reads it when it refuses someone's approval
         * of their own command: the same issuer and subject, or an address reaching the same mailbox.
         */
        boolean samePersonAs(Actor other) {
            Optional<Mailbox> mine = Mailbox.of(email);
            return key().equals(other.key()) || mine.isPresent() && mine.equals(Mailbox.of(other.email()));
        }

        /** The name people read, with the subject when they differ. */
        String display() {
            String shown = name == null || name.equals(subject) ? subject : name + " (" + subject + ")";
            return unverifiedEmail == null ? shown : shown + " [email " + unverifiedEmail + " not verified]";
        }

        String kindOrUnknown() {
            return kind == null ? "unknown" : kind;
        }
    }

    static ReportEvent of(JsonNode event) {
        JsonNode actor = event.path("actor");
        List<String> groups = new ArrayList<>();
        actor.path("groups").forEach(group -> groups.add(group.asText()));
        JsonNode detail = event.path("detail");
        return new ReportEvent(event.path("index").asLong(-1), time(event.path("time").asText(null)), text(event, "type"),
                new Actor(text(actor, "iss"), text(actor, "sub"), text(actor, "name"), text(actor, "kind"), List.copyOf(groups),
                        actor.path("email_verified").isBoolean() && !actor.path("email_verified").asBoolean()
                                ? text(actor, "email") : null, text(actor, "email")),
                text(event, "session"), text(event.path("resource"), "connection"), text(event.path("resource"), "protocol"),
                detail.isObject() ? detail : JsonNodeFactory.instance.objectNode());
    }

    boolean is(String eventType) {
        return eventType.equals(type);
    }

    /** A text member of detail, or null. */
    String detailText(String name) {
        return text(detail, name);
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
