package dev.tracegate.gateway.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A look at the connection of a client whose command waits for approvers, without consuming
 * anything it sends: how {@link CommandGate#await(dev.tracegate.gateway.approval.PendingApproval, ClientWatch)}
 * notices a client that left, whatever its protocol.
 */
@FunctionalInterface
public interface ClientWatch {

    /** What one look found. */
    enum Seen {
        /** Nothing arrived within the look: the client still waits. */
        NOTHING,
        /** The client sent more (it pipelines): it is there; looking again would only see the same bytes. */
        MORE_INPUT,
        /** The connection ended. */
        GONE
    }

    /**
     * Looks for up to {@code millis}; what arrived stays for the session's next read.
     *
     * @throws IOException when the connection failed (taken as {@link Seen#GONE})
     */
    Seen look(int millis) throws IOException;

    /**
     * One look at a buffered client stream whose socket has a short read timeout: the byte read, if
     * any, is put back.
     */
    static Seen peek(InputStream input) throws IOException {
        try {
            input.mark(1);
            if (input.read() < 0) {
                return Seen.GONE;
            }
            input.reset();
            return Seen.MORE_INPUT;
        } catch (SocketTimeoutException e) {
            return Seen.NOTHING;
        }
    }
}
