package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.evidence.SourceAddress;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the listener's connections against its {@link ConnectionLimits}: all open ones, those not
 * yet authenticated, and those not yet authenticated per source address. A connection over a limit
 * is refused before the gateway reads a byte of it, so one address cannot take every slot.
 */
public final class ConnectionAdmission {

    private final ConnectionLimits limits;
    private final Map<SourceAddress, Integer> unauthenticatedBySource = new HashMap<>();
    private int open;
    private int unauthenticated;

    public ConnectionAdmission(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** A place for a new connection from {@code address}, or the reason there is none. */
    public synchronized Ticket admit(InetAddress address) throws TooManyConnectionsException {
        SourceAddress source = SourceAddress.of(address);
        if (open >= limits.maxConnections()) {
            throw tooMany("the gateway has " + limits.maxConnections() + " connections open");
        }
        if (unauthenticated >= limits.maxUnauthenticated()) {
            throw tooMany(limits.maxUnauthenticated() + " connections are already logging in");
        }
        int fromSource = unauthenticatedBySource.getOrDefault(source, 0);
        if (fromSource >= limits.maxUnauthenticatedPerSource()) {
            throw tooMany(limits.maxUnauthenticatedPerSource() + " connections from " + source + " are already logging in");
        }
        open++;
        unauthenticated++;
        unauthenticatedBySource.put(source, fromSource + 1);
        return new Ticket(source);
    }

    private static TooManyConnectionsException tooMany(String why) {
        return new TooManyConnectionsException("too many connections: " + why + "; try again later");
    }

    private synchronized void leaveLogin(SourceAddress source) {
        unauthenticated--;
        unauthenticatedBySource.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
    }

    private synchronized void leave() {
        open--;
    }

    /** One admitted connection's places; closing it frees them. */
    public final class Ticket implements AutoCloseable {
        private final SourceAddress source;
        private boolean loggingIn = true;
        private boolean closed;

        private Ticket(SourceAddress source) {
            this.source = source;
        }

        /** The client proved who it is: its place among those logging in is free for others. */
        public synchronized void authenticated() {
            if (loggingIn) {
                loggingIn = false;
                leaveLogin(source);
            }
        }

        @Override
        public synchronized void close() {
            authenticated();
            if (!closed) {
                closed = true;
                leave();
            }
        }
    }
}
