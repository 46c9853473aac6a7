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
 * tokens derived from it can be renewed until then, and only while the same value is configured
 * under the key's name with the same groups, kind and email ({@link StaticKeyVersions}): a key taken
 * out of the configuration, given a new value (a leaked key rotated) or taken out of a group ends
 * them at the next restart.
 */
public final class ApiKeyVerifier implements IdentityVerifier {

    public static final String ISSUER = "tracegate";

    private final Map<String, Named> identitiesByDigest = new HashMap<>();
    /** The {@link CredentialRef} ids of the keys configured now: name and version of the value. */
    private final Set<String> configured = new HashSet<>();
    private final Duration maxSession;
    private final Clock clock;

    public ApiKeyVerifier(List<ApiKeyConfig> keys) {
        this(keys, Duration.ofSeconds(GatewayTokensConfig.DEFAULT_MAX_SESSION_SECONDS), Clock.systemUTC(),
                StaticKeyVersions.ofThisProcess());
    }

    ApiKeyVerifier(List<ApiKeyConfig> keys, Duration maxSession, Clock clock, StaticKeyVersions versions) {
        this.maxSession = maxSession;
        this.clock = clock;
        for (ApiKeyConfig key : keys) {
            Identity identity = new Identity(ISSUER, "apikey:" + key.name(), key.name(), key.email(), key.groups(), key.kind());
            String value = key.key().resolve();
            String id = versions.of(key.name(), value, identity);
            if (identitiesByDigest.put(digest(value), new Named(id, identity)) != null) {
                throw new IllegalArgumentException("two identities share one key: " + key.name());
            }
            configured.add(id);
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
        CredentialRef key = new CredentialRef(CredentialRef.API_KEY, found.id());
        return new SignIn(found.identity(), now, now.plus(maxSession), null, key, key);
    }

    /** Tokens derived from a static key live only while the same value is configured under its name, giving the same identity. */
    void requireConfigured(String id) throws AuthenticationException {
        if (!configured.contains(id)) {
            throw new AuthenticationException("the API key this credential was derived from is no longer configured"
                    + " or has a new value, groups, kind or email");
        }
    }

    static String digest(String key) {
        return CredentialDigest.hex(key);
    }

    /** @param id the key's {@link CredentialRef} id: its name and the version of its value */
    private record Named(String id, Identity identity) {
    }
}
