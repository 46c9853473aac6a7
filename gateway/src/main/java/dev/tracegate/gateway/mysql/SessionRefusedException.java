package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.ErrPacket;

/** The session cannot go on; the client is told so in an ERR packet, which this carries. */
final class SessionRefusedException extends Exception {

    private final transient ErrPacket error;

    SessionRefusedException(int code, String sqlState, String message) {
        super(message);
        this.error = new ErrPacket(code, sqlState, message);
    }

    ErrPacket error() {
        return error;
    }
}
