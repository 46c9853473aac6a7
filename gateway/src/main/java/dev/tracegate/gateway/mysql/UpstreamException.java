package dev.tracegate.gateway.mysql;

/** The upstream session could not be opened; the message is safe to show the caller (no server words, no secret). */
final class UpstreamException extends Exception {

    UpstreamException(String message) {
        super(message);
    }

    UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
