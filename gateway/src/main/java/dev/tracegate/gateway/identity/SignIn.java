package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * What verifying a credential established beyond who the caller is: when the sign-in it stands
 * for happened, the latest moment anything derived from it may live, who acts through it, and the
 * key it began with. Gateway tokens carry all of it forward ({@code auth_time}, {@code auth_exp},
 * {@code act}, {@code key}), so renewing or exchanging a token can never outlive the original
 * sign-in, drop its actor chain, or outlast the revocation of its key.
 *
 * @param identity        who
 * @param authenticatedAt when the original sign-in happened: an OIDC token's {@code auth_time} (or
 *                        {@code iat}), the moment a key was presented
 * @param notAfter        no token derived from this sign-in may live past this moment
 * @param actor           who acts through it (RFC 8693 {@code act}), or null
 * @param key             the key the sign-in began with, checked again whenever a derived token is
 *                        used, or null (OIDC sign-ins, token exchange)
 * @param presented       what the caller presented this time (a gateway token: a renewal)
 * @param console         the console session the sign-in was carried through, or null: what is derived
 *                        from it (a gateway token and its renewals) ends when that session signs out,
 *                        since someone who signs out expects nothing to go on acting in their name
 */
public record SignIn(Identity identity, Instant authenticatedAt, Instant notAfter, TokenActor actor, CredentialRef key,
                     CredentialRef presented, CredentialRef console) {

    /** A sign-in carried through the console session it was presented as, if it was presented as one. */
    public SignIn(Identity identity, Instant authenticatedAt, Instant notAfter, TokenActor actor, CredentialRef key,
                  CredentialRef presented) {
        this(identity, authenticatedAt, notAfter, actor, key, presented, null);
    }

    public SignIn {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(authenticatedAt, "authenticatedAt");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(presented, "presented");
        // Presented as a console session, it is carried through it (a vote kept before this field was too).
        if (console == null && CredentialRef.CONSOLE_SESSION.equals(presented.type())) {
            console = presented;
        }
    }

    /**
     * The same sign-in, presented as {@code presented} and ending no later than {@code end}; presented
     * as a console session, carried through that one (the session its user signs out of).
     */
    public SignIn presentedAs(CredentialRef presented, Instant end) {
        return new SignIn(identity, authenticatedAt, end.isBefore(notAfter) ? end : notAfter, actor, key, presented,
                CredentialRef.CONSOLE_SESSION.equals(presented.type()) ? presented : console);
    }

    public boolean renewal() {
        return presented.type().equals(CredentialRef.GATEWAY_TOKEN);
    }
}
