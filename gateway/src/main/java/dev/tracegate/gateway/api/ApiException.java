package dev.tracegate.gateway.api;

import dev.tracegate.gateway.engine.SessionAdmission;
import io.javalin.http.HttpStatus;

/** A request the API refuses; becomes an HTTP status with a JSON {@code {"error": ...}} body. */
final class ApiException extends RuntimeException {
    private final HttpStatus status;
    /** Seconds for a Retry-After header, or 0 for none. */
    private final long retryAfterSeconds;

    ApiException(HttpStatus status, String message) {
        this(status, message, 0);
    }

    private ApiException(HttpStatus status, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * A refused credential: 401, or, once its address is past the allowance of refused
     * credentials (the answer then came {@code delayMillis} late), 429 with Retry-After, so a
     * client that retries blindly learns why it is slow.
     */
    static ApiException refusedCredential(String message, long delayMillis) {
        if (delayMillis <= 0) {
            return new ApiException(HttpStatus.UNAUTHORIZED, message);
        }
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, message + SessionAdmission.pastAllowance(delayMillis),
                SessionAdmission.retryAfterSeconds(delayMillis));
    }

    HttpStatus status() {
        return status;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
