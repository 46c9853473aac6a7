package dev.tracegate.gateway.mysql;

import java.io.IOException;

/**
 * A logged-in upstream session.
 *
 * @param channel      its packets
 * @param capabilities what the gateway and the server agreed on
 * @param serverVersion the server's own version string (for the evidence)
 * @param statusFlags  the server status of its login OK (autocommit, NO_BACKSLASH_ESCAPES), passed on to the caller
 * @param threadId     the server's id of this session (its greeting's connection id), what the server's KILL names
 * @param characterSet the collation id the session logged in with (the caller's): what a reset sets back
 */
record MysqlUpstream(PacketChannel channel, long capabilities, String serverVersion, int statusFlags, long threadId,
                     int characterSet)
        implements AutoCloseable {

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
    }
}
