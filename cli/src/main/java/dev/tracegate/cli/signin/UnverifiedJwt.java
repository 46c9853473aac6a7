package dev.tracegate.cli.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads the claims of a JWT the CLI holds, without checking its signature. That is enough to know
 * when to refresh a token and whom to greet after sign-in; it decides nothing about access (the
 * gateway verifies every token it is shown).
 */
final class UnverifiedJwt {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UnverifiedJwt() {
    }

    /** The claims of {@code token}; an empty object when it is not a JWT (opaque tokens are common). */
    static JsonNode claims(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims != null && claims.isObject() ? claims : JSON.createObjectNode();
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }

    /** The token's {@code exp}; null when it has none or is not a JWT. */
    static Instant expiry(String token) {
        JsonNode exp = claims(token).get("exp");
        return exp != null && exp.canConvertToLong() ? Instant.ofEpochSecond(exp.asLong()) : null;
    }

    /** Whom the token is about, for a greeting: the first of name, preferred_username, email and sub. */
    static String person(String token) {
        JsonNode claims = claims(token);
        for (String claim : new String[] {"name", "preferred_username", "email", "sub"}) {
            if (claims.hasNonNull(claim) && !claims.get(claim).asText().isBlank()) {
                return ProviderError.clean(claims.get(claim).asText());
            }
        }
        return null;
    }
}
