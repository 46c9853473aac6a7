package dev.tracegate.cli.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * Reads the claims of a JWT the CLI holds, without checking its signature (nimbus's
 * {@link JWTParser}). That is enough to know when to refresh a token and whom to greet after
 * sign-in; it decides nothing about access (the gateway verifies every token it is shown).
 */
final class UnverifiedJwt {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UnverifiedJwt() {
    }

    /** The claims of {@code token}; an empty object when it is not a JWT (opaque tokens are common). */
    static JsonNode claims(String token) {
        JWTClaimsSet claims = claimSet(token);
        return claims == null ? JSON.createObjectNode() : JSON.valueToTree(claims.toJSONObject());
    }

    /** The token's {@code exp}; null when it has none or is not a JWT. */
    static Instant expiry(String token) {
        JWTClaimsSet claims = claimSet(token);
        Date exp = claims == null ? null : claims.getExpirationTime();
        return exp == null ? null : exp.toInstant();
    }

    /** The token's {@code iat}; null when it has none or is not a JWT. */
    static Instant issuedAt(String token) {
        JWTClaimsSet claims = claimSet(token);
        Date iat = claims == null ? null : claims.getIssueTime();
        return iat == null ? null : iat.toInstant();
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

    /** Null for an opaque token, a malformed one, or an encrypted one (whose claims this process cannot read). */
    private static JWTClaimsSet claimSet(String token) {
        try {
            return JWTParser.parse(token).getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
