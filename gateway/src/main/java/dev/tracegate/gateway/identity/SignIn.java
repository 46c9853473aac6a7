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
 */
public record SignIn(Identity identity, Instant authenticatedAt, Instant notAfter, TokenActor actor, CredentialRef key,
                     CredentialRef presented) {

    public SignIn {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(authenticatedAt, "authenticatedAt");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(presented, "presented");
    }

    /** The same sign-in, presented as {@code presented} and ending no later than {@code end}. */
    public SignIn presentedAs(CredentialRef presented, Instant end) {
        return new SignIn(identity, authenticatedAt, end.isBefore(notAfter) ? end : notAfter, actor, key, presented);
    }

    public boolean renewal() {
        return presented.type().equals(CredentialRef.GATEWAY_TOKEN);
    }
}
