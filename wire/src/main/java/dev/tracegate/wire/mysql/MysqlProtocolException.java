package dev.tracegate.wire.mysql;

import java.io.IOException;

/** A peer sent bytes that do not follow the MySQL client/server protocol; the connection cannot continue in sync. */
public class MysqlProtocolException extends IOException {

    public MysqlProtocolException(String message) {
        super(message);
    }
}
