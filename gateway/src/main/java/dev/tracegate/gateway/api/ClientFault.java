package dev.tracegate.gateway.api;

import io.javalin.http.HttpStatus;
import org.eclipse.jetty.http.HttpException;

/**
 * The HTTP status of an exception a route did not expect: Jetty's own refusal of what the client
 * sent (a 4xx {@link HttpException} somewhere in the causes, such as 408 for a body that arrives
 * too slowly), or 500 for anything else.
 */
final class ClientFault {

    private static final int MAX_DEPTH = 8;

    private ClientFault() {
    }

    static HttpStatus status(Throwable failure) {
        HttpException refusal = refusal(failure);
        return refusal == null ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.Companion.forStatus(refusal.getCode());
    }

    /** What the client is told: Jetty's reason for a refusal; nothing of the server's internals otherwise. */
    static String message(Throwable failure, HttpStatus status) {
        HttpException refusal = refusal(failure);
        if (refusal == null) {
            return "the request failed on the server";
        }
        String reason = refusal.getReason();
        return status.getCode() + " " + status.getMessage() + (reason == null ? "" : ": " + reason);
    }

    private static HttpException refusal(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http;
            }
        }
        return null;
    }
}
