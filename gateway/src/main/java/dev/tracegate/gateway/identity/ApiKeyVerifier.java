package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies static keys declared in the configuration. Only SHA-256 digests of the keys are kept
 * in memory after start-up, and lookups go by digest, so the comparison does not leak a key's
 * prefix through timing.
 *
 * <p>A static key has no end of its own, so a sign-in with one lasts {@code maxSession}: gateway
 * tokens derived from it can be renewed until then, and only while the key's name is still
 * configured (a key taken out of the configuration ends them at the next restart).
 */
public final class ApiKeyVerifier implements IdentityVerifier {

    public static final String ISSUER = "tracegate";

    private final Map<String, Named> identitiesByDigest = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Duration maxSession;
    private final Clock clock;

    public ApiKeyVerifier(List<ApiKeyConfig> keys) {
        this(keys, Duration.ofSeconds(GatewayTokensConfig.DEFAULT_MAX_SESSION_SECONDS), Clock.systemUTC());
    }

    public ApiKeyVerifier(List<ApiKeyConfig> keys, Duration maxSession, Clock clock) {
        this.maxSession = maxSession;
        this.clock = clock;
        for (ApiKeyConfig key : keys) {
            Identity identity = new Identity(ISSUER, "apikey:" + key.name(), key.name(), key.email(), key.groups(), key.kind());
            if (identitiesByDigest.put(digest(key.key().resolve()), new Named(key.name(), identity)) != null) {
                throw new IllegalArgumentException("two identities share one key: " + key.name());
            }
            names.add(key.name());
        }
    }

    @Override
    public SignIn signIn(String credential) throws AuthenticationException {
        if (credential == null || credential.isEmpty()) {
            throw new AuthenticationException("no credential presented");
        }
        Named found = identitiesByDigest.get(digest(credential));
        if (found == null) {
            throw new AuthenticationException("unknown or revoked key");
        }
        Instant now = clock.instant();
        CredentialRef key = new CredentialRef(CredentialRef.API_KEY, found.name());
        return new SignIn(found.identity(), now, now.plus(maxSession), null, key, key);
    }

    /** Tokens derived from a static key live only while a key of that name is configured. */
    void requireConfigured(String name) throws AuthenticationException {
        if (!names.contains(name)) {
            throw new AuthenticationException("the API key this token was derived from is no longer configured");
        }
    }

    static String digest(String key) {
        return CredentialDigest.hex(key);
    }

    private record Named(String name, Identity identity) {
    }
}
