package dev.tracegate.gateway.identity;

import java.util.Map;

/**
 * A token exchange was refused, as an OAuth 2.0 error (RFC 6749 section 5.2, RFC 8693 section
 * 2.2.2): answer HTTP 400 with {@link #responseBody()}. The description is a reason, never a token.
 */
public class TokenExchangeException extends Exception {

    private final String error;

    public TokenExchangeException(String error, String description) {
        super(description);
        this.error = error;
    }

    /** {@code invalid_request}, {@code unsupported_grant_type}, {@code invalid_grant} or {@code invalid_target}. */
    public String error() {
        return error;
    }

    public int status() {
        return 400;
    }

    public Map<String, Object> responseBody() {
        return Map.of("error", error, "error_description", getMessage());
    }
}
