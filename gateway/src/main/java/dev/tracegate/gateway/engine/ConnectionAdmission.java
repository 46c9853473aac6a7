package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.evidence.SourceAddress;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the listener's connections against its {@link ConnectionLimits}: all open ones, those not
 * yet authenticated, and those not yet authenticated per source address; and gives each a place in
 * the heap all listeners share ({@link SessionMemory}). A connection over a limit is refused before
 * the gateway reads a byte of it, so one address cannot take every slot, and a gateway whose heap
 * holds no more sessions refuses new ones instead of running out of memory.
 */
public final class ConnectionAdmission {

    private final ConnectionLimits limits;
    private final SessionMemory memory;
    private final String protocol;
    private final Map<SourceAddress, Integer> unauthenticatedBySource = new HashMap<>();
    private int open;
    private int unauthenticated;

    /**
     * @param memory   the heap sessions share, gateway-wide
     * @param protocol the listener's protocol, for the evidence of a refusal by memory
     */
    public ConnectionAdmission(ConnectionLimits limits, SessionMemory memory, String protocol) {
        this.limits = limits;
        this.memory = memory;
        this.protocol = protocol;
    }

    /** A place for a new connection from {@code address}, or the reason there is none. */
    public Ticket admit(InetAddress address) throws TooManyConnectionsException {
        Ticket ticket = admitToRefuseLater(address);
        if (ticket.memoryRefusal != null) {
            ticket.close();
            throw ticket.memoryRefusal;
        }
        return ticket;
    }

    /**
     * As {@link #admit}, except that a connection the heap has no room for is still admitted within
     * the caps, carrying its refusal ({@link Ticket#memoryRefusal()}) to be told once the client can
     * read it: a PostgreSQL client that asked for TLS reads no error sent before the handshake. Until
     * it is told, it holds a place among those logging in, so such connections are bounded by
     * {@code maxUnauthenticated} and the start-up deadline, and take no session's memory.
     */
    public Ticket admitToRefuseLater(InetAddress address) throws TooManyConnectionsException {
        SourceAddress source = SourceAddress.of(address);
        Ticket ticket = admitWithinCaps(source);
        try {
            ticket.memory = memory.take(protocol, source);
        } catch (TooManyConnectionsException e) {
            ticket.memoryRefusal = e;
        }
        return ticket;
    }

    private synchronized Ticket admitWithinCaps(SourceAddress source) throws TooManyConnectionsException {
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
        private SessionMemory.Place memory;
        private TooManyConnectionsException memoryRefusal;
        private boolean loggingIn = true;
        private boolean closed;

        private Ticket(SourceAddress source) {
            this.source = source;
        }

        /** Why the connection is refused after all, when the heap had no room for it; null when it has its place. */
        public TooManyConnectionsException memoryRefusal() {
            return memoryRefusal;
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
                if (memory != null) {
                    memory.close();
                }
            }
        }
    }
}
