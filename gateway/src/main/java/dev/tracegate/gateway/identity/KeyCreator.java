package dev.tracegate.gateway.identity;

import dev.tracegate.ledger.identity.Mailbox;
import java.util.Objects;
import java.util.Optional;

/**
 * Who created a service-account key, as approvals compare people: their subject, and the email address
 * they had when they created it. The key's secret was shown once, to them, so whoever they are signed in
 * as (another issuer, another subject, the same mailbox) holds it. Reading two people as one only means
 * someone else must decide; reading one person as two would let them approve their own command, which
 * until 2026-12-07 comparing subjects alone did (ApprovalWithTheRequestersKeyThroughGatewayTest
 * aKeyCreatedUnderAnotherIdentityOfTheSamePersonIsTheirs).
 *
 * @param subject the creator's subject, as the key's {@code created_by} records it
 * @param email   their email address then, or null (keys created before migration V16, a creator without one)
 */
public record KeyCreator(String subject, String email) {

    public KeyCreator {
        Objects.requireNonNull(subject, "subject");
    }

    /** {@code identity} is this creator: the same subject (at any issuer), or the same mailbox. */
    public boolean is(Identity identity) {
        return identity != null && (subject.equals(identity.subject()) || sameMailbox(identity.email()));
    }

    /** Both keys were created by one person: the same subject, or the same mailbox. */
    public boolean samePersonAs(KeyCreator other) {
        return other != null && (subject.equals(other.subject()) || sameMailbox(other.email()));
    }

    private boolean sameMailbox(String otherEmail) {
        Optional<Mailbox> mine = Mailbox.of(email);
        return mine.isPresent() && mine.equals(Mailbox.of(otherEmail));
    }

    /** As the evidence names the creator: the subject the key records. */
    @Override
    public String toString() {
        return subject;
    }
}
