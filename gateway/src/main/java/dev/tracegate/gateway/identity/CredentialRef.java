package dev.tracegate.gateway.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * Names a credential without containing it: a service-account key by its public id, a static API
 * key by its configured name, a gateway token or OIDC token by its {@code jti}. Safe to record
 * and to carry inside a gateway token.
 *
 * @param type one of the constants below
 * @param id   the id within that type, or null when the credential has none (an OIDC token without {@code jti})
 */
public record CredentialRef(String type, String id) {

    public static final String SERVICE_ACCOUNT_KEY = "service-account-key";
    public static final String API_KEY = "api-key";
    public static final String GATEWAY_TOKEN = "gateway-token";
    public static final String OIDC_TOKEN = "oidc-token";
    public static final String CONSOLE_SESSION = "console-session";

    public CredentialRef {
        Objects.requireNonNull(type, "type");
    }

    /** The key form carried in a gateway token's {@code key} claim: {@code <type>:<id>}. */
    public String toClaim() {
        return type + ":" + id;
    }

    /** The reference in a {@code key} claim; only keys can be named there. */
    public static Optional<CredentialRef> keyFromClaim(String claim) {
        for (String type : new String[] {SERVICE_ACCOUNT_KEY, API_KEY}) {
            if (claim.startsWith(type + ":") && claim.length() > type.length() + 1) {
                return Optional.of(new CredentialRef(type, claim.substring(type.length() + 1)));
            }
        }
        return Optional.empty();
    }
}
