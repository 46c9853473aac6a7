package dev.tracegate.gateway.http;

import dev.tracegate.gateway.engine.SignedInCaller;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * Which evidence session each request belongs to: its client connection's
 * ({@link ClientSession}), so a keep-alive connection's requests share one {@code session.open}
 * and one {@code session.close}. Every request is still authenticated on its own; one whose
 * identity, key or route differs from the session's retires it and opens a session of its own, so no
 * request is ever recorded under an identity it did not prove, nor checked against another's key.
 */
final class ClientSessions {

    private static final String SLOT = ClientSessions.class.getName();

    /** A request's place in a session: the session and its command's sequence number there. */
    record Joined(ClientSession session, long sequence) {
    }

    /** Sessions not yet retired, closed when the listener stops. */
    private final Set<ClientSession> open = ConcurrentHashMap.newKeySet();

    /**
     * The session of {@code connection} when it serves {@code caller} on {@code route}; else
     * the connection's session is retired and {@code opener} opens the next one.
     */
    Joined join(ConnectionMetaData connection, SignedInCaller caller, String route, Supplier<ClientSession> opener) {
        Slot slot = slot(connection);
        synchronized (slot) {
            ClientSession current = slot.current;
            if (current != null && current.serves(caller, route)) {
                long sequence = current.begin();
                if (sequence > 0) {
                    return new Joined(current, sequence);
                }
            }
            if (current != null) {
                retire(current, "the next request came with another identity or sign-in or for another connection");
            }
            ClientSession fresh = opener.get();
            open.add(fresh);
            slot.current = fresh;
            return new Joined(fresh, fresh.begin());
        }
    }

    /**
     * A session for one request alone (one held with {@code Prefer: respond-async}, which
     * finishes on another thread after its connection has moved on): it closes when the request ends.
     */
    static Joined alone(ClientSession session) {
        long sequence = session.begin();
        session.retire("request complete");
        return new Joined(session, sequence);
    }

    /** Closes every session still open (the listener stops); those with a request in flight close when it ends. */
    void closeAll() {
        open.forEach(session -> retire(session, "gateway stopping"));
    }

    private void retire(ClientSession session, String reason) {
        // Retired before it leaves the set: closeAll either sees it, and waits on its lock for a close
        // in progress, or finds it closed already.
        session.retire(reason);
        open.remove(session);
    }

    /**
     * The connection's slot, made by its first request. Jetty hands an HTTP/1.1 connection's
     * requests to the handler one at a time, and the first has made the slot before its response
     * completes, so no two requests race to make it.
     */
    private Slot slot(ConnectionMetaData connection) {
        Object existing = connection.getAttribute(SLOT);
        if (existing instanceof Slot slot) {
            return slot;
        }
        Slot slot = new Slot();
        connection.setAttribute(SLOT, slot);
        Connection endpoint = connection.getConnection();
        endpoint.addEventListener(new Connection.Listener() {
            @Override
            public void onClosed(Connection closed) {
                // Jetty may call this on a selector thread; the durable session.close is written elsewhere.
                Thread.ofVirtual().name("http-session-close").start(() -> slot.retire(ClientSessions.this));
            }
        });
        if (!endpoint.getEndPoint().isOpen()) {
            slot.retire(this); // closed before the listener was added: it will not be called
        }
        return slot;
    }

    /** A connection's current session. */
    private static final class Slot {
        private ClientSession current;

        synchronized void retire(ClientSessions sessions) {
            if (current != null) {
                sessions.retire(current, "connection closed");
                current = null;
            }
        }
    }
}
