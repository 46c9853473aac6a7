package dev.tracegate.gateway.http;

import dev.tracegate.gateway.engine.SignedInCaller;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SessionKey;
import dev.tracegate.gateway.recording.SessionRecorder;

/**
 * The evidence session of one client connection: one verified identity on one HTTP connection
 * (route), opened at the first request that authenticates, closed when the client's connection
 * closes or when a request on it arrives with another identity or for another route (which then
 * gets a session of its own). Requests on an HTTP/1.1 connection run one after another, but a
 * request's last events may still be on their way as the next begins, so a retired session
 * closes only once no request is in flight: its {@code session.close} is always its last event.
 */
final class ClientSession {

    private final SessionRecorder recorder;
    private final Identity identity;
    private final SessionKey key;
    private final String connection;
    private long sequence;
    private int inFlight;
    private String closing;
    private boolean closed;

    ClientSession(SessionRecorder recorder, SignedInCaller caller, String connection) {
        this.recorder = recorder;
        this.identity = caller.identity();
        this.key = caller.key();
        this.connection = connection;
    }

    SessionRecorder recorder() {
        return recorder;
    }

    /**
     * Whether a request by {@code caller} for {@code route} belongs here: the same identity (claims
     * and groups too), signed in with the same key (whose revocation the session's commands ask
     * about), and route.
     */
    boolean serves(SignedInCaller caller, String route) {
        return identity.equals(caller.identity()) && key.sameKeyAs(caller.key()) && connection.equals(route);
    }

    /**
     * A request joins the session.
     *
     * @return its command's sequence number in the session, or 0 when the session is closing
     *         and takes no more requests
     */
    synchronized long begin() {
        if (closing != null) {
            return 0;
        }
        inFlight++;
        return ++sequence;
    }

    /** A request that {@link #begin began} has recorded all it will record. */
    synchronized void end() {
        inFlight--;
        closeWhenIdle();
    }

    /** No more requests join; the session closes now, or when the requests in flight end. */
    synchronized void retire(String reason) {
        if (closing == null) {
            closing = reason;
        }
        closeWhenIdle();
    }

    /** Under the lock, so that a retire racing an end writes one {@code session.close}, after every result. */
    private void closeWhenIdle() {
        if (closing != null && inFlight == 0 && !closed) {
            closed = true;
            recorder.closed(closing);
        }
    }
}
