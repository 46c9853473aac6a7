package dev.tracegate.gateway.config;

import java.time.Duration;

/**
 * The web console's sign-in. Without an {@code issuer}, people sign in by pasting a token (an API
 * key, a service-account key or a gateway token); with one, by OpenID Connect.
 *
 * @param issuer       one of {@code identities.oidc[].issuer}: sign-in by authorization code with PKCE
 * @param clientId     the console's client id at that provider; it must be one of the issuer's
 *                     {@code audiences}, because the ID token is verified like any other token
 * @param clientSecret <em>secret</em>, for providers that require a confidential client (optional)
 * @param tokenSignIn  also offer sign-in with a token; on by default, off when OIDC must be the only way
 * @param sessionHours how long a console session lasts; 8 by default, at most 24
 * @param decisionSignInMinutes how recent a session's sign-in must be to approve or deny through it;
 *                     60 by default. The groups that make someone an approver are the sign-in's, and a
 *                     session keeps them for its whole life: a person removed from the group at the
 *                     identity provider could otherwise decide for hours.
 */
public record ConsoleConfig(String issuer, String clientId, SecretReference clientSecret, Boolean tokenSignIn,
                            int sessionHours, int decisionSignInMinutes) {

    public static final int DEFAULT_SESSION_HOURS = 8;
    public static final int DEFAULT_DECISION_SIGN_IN_MINUTES = 60;

    public ConsoleConfig {
        if ((issuer == null) != (clientId == null)) {
            throw new ConfigException("console.issuer and console.clientId go together: set both for OIDC sign-in, or neither");
        }
        tokenSignIn = tokenSignIn == null ? Boolean.TRUE : tokenSignIn;
        if (issuer == null && !tokenSignIn) {
            throw new ConfigException("console.tokenSignIn is off and no console.issuer is set: nobody could sign in");
        }
        sessionHours = sessionHours <= 0 ? DEFAULT_SESSION_HOURS : sessionHours;
        if (sessionHours > 24) {
            throw new ConfigException("console.sessionHours is at most 24, got " + sessionHours);
        }
        decisionSignInMinutes = decisionSignInMinutes <= 0 ? DEFAULT_DECISION_SIGN_IN_MINUTES : decisionSignInMinutes;
    }

    public ConsoleConfig(String issuer, String clientId, SecretReference clientSecret, Boolean tokenSignIn, int sessionHours) {
        this(issuer, clientId, clientSecret, tokenSignIn, sessionHours, 0);
    }

    /** {@link #decisionSignInMinutes} as a duration. */
    public Duration decisionSignIn() {
        return Duration.ofMinutes(decisionSignInMinutes);
    }

    public static ConsoleConfig tokenOnly() {
        return new ConsoleConfig(null, null, null, true, 0);
    }

    public boolean oidc() {
        return issuer != null;
    }
}
