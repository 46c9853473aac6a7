package dev.tracegate.gateway.identity;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises a JWT by its shape before anything trusts it: three (signed) or five (encrypted)
 * base64url parts whose first part is a JSON header with an {@code alg}. Deciding this apart from
 * full parsing lets verifiers tell "not a JWT, ask the next verifier" from "a JWT, refused because
 * its algorithm is none".
 *
 * @param header  the decoded protected header
 * @param parts   3 or 5
 * @param payload the decoded claims of a signed JWT (unverified), or null
 */
record JwtShape(Map<String, Object> header, int parts, Map<String, Object> payload) {

    /** The shape of {@code token}, or empty when it is not a JWT at all. */
    static Optional<JwtShape> of(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 && parts.length != 5) {
            return Optional.empty();
        }
        try {
            Map<String, Object> header = JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString());
            if (!(header.get("alg") instanceof String)) {
                return Optional.empty();
            }
            Map<String, Object> payload = null;
            if (parts.length == 3) {
                try {
                    payload = JSONObjectUtils.parse(new Base64URL(parts[1]).decodeToString());
                } catch (ParseException e) {
                    payload = null; // a JWT with a broken payload; the verifier says so
                }
            }
            return Optional.of(new JwtShape(header, parts.length, payload));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    String algorithm() {
        return (String) header.get("alg");
    }

    boolean encrypted() {
        return parts == 5;
    }

    /** The unverified {@code iss}, used only to pick the verifier that then checks everything. */
    Optional<String> unverifiedIssuer() {
        return payload != null && payload.get("iss") instanceof String iss ? Optional.of(iss) : Optional.empty();
    }
}
