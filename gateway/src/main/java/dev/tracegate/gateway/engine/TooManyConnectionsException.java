package dev.tracegate.gateway.engine;

/** A listener is at one of its {@code limits}: the connection is refused before anything of it is read. */
public final class TooManyConnectionsException extends Exception {

    public TooManyConnectionsException(String message) {
        super(message);
    }
}
