package dev.tracegate.wire.postgres;

import java.io.IOException;

/** A peer sent bytes that do not follow the PostgreSQL protocol; the connection cannot continue in sync. */
public class ProtocolException extends IOException {

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
