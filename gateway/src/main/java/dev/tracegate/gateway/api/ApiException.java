package dev.tracegate.gateway.api;

import io.javalin.http.HttpStatus;

/** A request the API refuses; becomes an HTTP status with a JSON {@code {"error": ...}} body. */
final class ApiException extends RuntimeException {
    private final HttpStatus status;

    ApiException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }
}
