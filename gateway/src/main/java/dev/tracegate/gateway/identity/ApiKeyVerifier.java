package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.config.ApiKeyConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies static keys declared in the configuration. Only SHA-256 digests of the keys are kept
 * in memory after start-up, and lookups go by digest, so the comparison does not leak a key's
 * prefix through timing.
 */
public final class ApiKeyVerifier implements IdentityVerifier {

    public static final String ISSUER = "tracegate";

    private final Map<String, Identity> identitiesByDigest = new HashMap<>();

    public ApiKeyVerifier(List<ApiKeyConfig> keys) {
        for (ApiKeyConfig key : keys) {
            Identity identity = new Identity(ISSUER, "apikey:" + key.name(), key.name(), key.email(), key.groups(), key.kind());
            if (identitiesByDigest.put(digest(key.key().resolve()), identity) != null) {
                throw new IllegalArgumentException("two identities share one key: " + key.name());
            }
        }
    }

    @Override
    public Identity verify(String credential) throws AuthenticationException {
        if (credential == null || credential.isEmpty()) {
            throw new AuthenticationException("no credential presented");
        }
        Identity identity = identitiesByDigest.get(digest(credential));
        if (identity == null) {
            throw new AuthenticationException("unknown or revoked key");
        }
        return identity;
    }

    static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
