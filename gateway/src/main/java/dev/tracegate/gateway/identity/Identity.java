package dev.tracegate.gateway.identity;

import dev.tracegate.ledger.identity.Mailbox;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified caller. Issuer plus subject is the identity; the rest is carried into every event.
 *
 * @param issuer  who vouches for the caller ({@code tracegate} for keys the gateway issued)
 * @param subject the caller's stable id at that issuer
 * @param name    display name
 * @param email   optional
 * @param groups  sorted, used by policy
 * @param kind    {@code human}, {@code service} or {@code agent}
 * @param emailVerified whether the issuer says it checked the address: false for an OIDC token whose
 *                {@code email_verified} is not true, so that the evidence does not pass off an
 *                address anyone could type as the caller's; true for addresses the gateway's own
 *                configuration gives (API keys)
 */
public record Identity(String issuer, String subject, String name, String email, List<String> groups, String kind,
                       boolean emailVerified) {

    public Identity {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        groups = groups == null ? List.of() : groups.stream().sorted().distinct().toList();
    }

    /** An identity whose address, if any, the gateway's configuration vouches for. */
    public Identity(String issuer, String subject, String name, String email, List<String> groups, String kind) {
        this(issuer, subject, name, email, groups, kind, true);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    /**
     * The same person: issuer and subject both equal. A subject alone names no one: the same
     * {@code sub} at another issuer is someone else (and anyone with an account at a configured
     * provider may be able to choose theirs).
     */
    public boolean samePerson(Identity other) {
        return other != null && is(other.issuer(), other.subject());
    }

    /**
     * Another identity with this one's email address, read as the mailbox it reaches ({@link Mailbox}:
     * without case, sub-address or trailing dot, compatibility characters folded): for approvals,
     * the same person signed in another way (an API key and an OIDC account, two issuers), who must
     * neither approve their own command nor count twice. An email says nothing when either has none.
     */
    public boolean sharesEmail(Identity other) {
        if (other == null) {
            return false;
        }
        Optional<Mailbox> mine = Mailbox.of(email);
        return mine.isPresent() && mine.equals(Mailbox.of(other.email()));
    }

    /** This identity is {@code subject} at {@code issuer}, e.g. the {@code actor} of a recorded event. */
    public boolean is(String issuer, String subject) {
        return this.issuer.equals(issuer) && this.subject.equals(subject);
    }
}
