package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.identity.Mailbox;
import java.util.Optional;

/**
 * Who created a key, as an event names it ({@code requester_key} or {@code signed_in_with}: {@code created_by},
 * and since 2026-12-07 {@code created_by_email}), compared with people as the gateway compares them when it
 * refuses an approval from the requester's side of a key: the same subject, or an address reaching the same
 * mailbox. Until then the report compared subjects alone, and an approval by the key's creator signed in as
 * another identity of theirs was not listed.
 */
record RecordedKeyCreator(String subject, String email) {

    /** The creator the key object {@code key} states, if it states one. */
    static Optional<RecordedKeyCreator> of(JsonNode key) {
        String subject = key.path("created_by").asText(null);
        return subject == null ? Optional.empty() : Optional.of(new RecordedKeyCreator(subject, key.path("created_by_email").asText(null)));
    }

    boolean is(ReportEvent.Actor actor) {
        return subject.equals(actor.subject()) || sameMailbox(actor.email());
    }

    boolean samePersonAs(RecordedKeyCreator other) {
        return other != null && (subject.equals(other.subject()) || sameMailbox(other.email()));
    }

    private boolean sameMailbox(String otherEmail) {
        Optional<Mailbox> mine = Mailbox.of(email);
        return mine.isPresent() && mine.equals(Mailbox.of(otherEmail));
    }
}
