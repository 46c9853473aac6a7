package dev.tracegate.gateway.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The client's side of a session, whatever its protocol: the socket's input, whose idleness the
 * {@link IdleWatch} counts, and the short read timeouts of a held statement's looks at the client.
 *
 * <ul>
 *   <li>The idle limit: once the client has asked nothing of the gateway for
 *       {@code limits.idleSessionSeconds}, the watch tells the client and closes the connection,
 *       and the read the session waits in throws {@link IdleSessionException}. Time with a command
 *       still in flight (a long query is not idleness) or held does not count: the limit runs
 *       from the later of the read's start and the last look that found the session busy. The
 *       watch and the read settle who ended first on one atomic value, so a read that returns
 *       data never loses it to the watch, and a session the watch ended relays nothing more.
 *       Reads are untimed: a timed read costs a virtual thread two wake-ups of the scheduler's
 *       delay thread per read (see {@link IdleWatch}).</li>
 *   <li>Short polls ({@link #polling}) while a statement is held, to notice a client that left;
 *       a held statement is never idleness either.</li>
 * </ul>
 */
public final class ClientInput extends FilterInputStream {

    /** The session was idle for longer than allowed. */
    public static final class IdleSessionException extends IOException {
        IdleSessionException(String reason) {
            super(reason);
        }
    }

    /** A read that may give up with {@link SocketTimeoutException}. */
    @FunctionalInterface
    public interface Poll<T> {
        T read() throws IOException;
    }

    /** {@link #readingSince}: no read in progress. */
    private static final long NOT_READING = 0;
    /** {@link #readingSince}: the watch ended the session. */
    private static final long ENDED = Long.MIN_VALUE;

    private final Socket socket;
    /** When the read in progress began ({@code System.nanoTime()}), {@link #NOT_READING}, or {@link #ENDED}. */
    private final AtomicLong readingSince = new AtomicLong(NOT_READING);
    private volatile Watch watch;
    private volatile boolean polling;
    /** The last look that found the session busy; the watch's thread alone reads and writes it. */
    private long busySeen;

    /** What the idle watch needs of a session. */
    private record Watch(IdleWatch watch, BooleanSupplier busy, Runnable end) {
    }

    public ClientInput(InputStream in, Socket socket) {
        super(in);
        this.socket = socket;
    }

    /**
     * From now on, ends the session through {@code end} (which tells the client and closes the
     * connection) once the client has asked nothing for the watch's limit, unless {@code busy}.
     */
    public void watchIdleness(IdleWatch idleWatch, BooleanSupplier busy, Runnable end) {
        busySeen = System.nanoTime();
        watch = new Watch(idleWatch, busy, end);
        idleWatch.watch(this);
    }

    /** The session is over: no more looks. */
    public void stopWatching() {
        Watch current = watch;
        if (current != null) {
            current.watch().forget(this);
        }
    }

    /**
     * Runs {@code poll} with reads that give up after {@code millis} with a
     * {@link SocketTimeoutException}; reads are untimed again afterwards.
     */
    public <T> T polling(int millis, Poll<T> poll) throws IOException {
        socket.setSoTimeout(millis);
        polling = true;
        try {
            return poll.read();
        } finally {
            polling = false;
            socket.setSoTimeout(0);
        }
    }

    @Override
    public int read() throws IOException {
        long since = startReading();
        int read;
        try {
            read = super.read();
        } catch (IOException e) {
            throw stopReading(since) ? e : idle(e);
        }
        if (!stopReading(since)) {
            throw idle(null);
        }
        return read;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long since = startReading();
        int read;
        try {
            read = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw stopReading(since) ? e : idle(e);
        }
        if (!stopReading(since)) {
            throw idle(null);
        }
        return read;
    }

    private long startReading() throws IdleSessionException {
        if (watch == null) {
            return NOT_READING;
        }
        if (readingSince.get() == ENDED) {
            throw idle(null);
        }
        long now = System.nanoTime();
        long since = now == NOT_READING || now == ENDED ? now + 1 : now;
        readingSince.set(since);
        return since;
    }

    /** False when the watch ended the session while this read waited. */
    private boolean stopReading(long since) {
        return since == NOT_READING || readingSince.compareAndSet(since, NOT_READING);
    }

    private IdleSessionException idle(IOException cause) {
        IdleSessionException idle = new IdleSessionException(watch.watch().reason());
        if (cause != null) {
            idle.addSuppressed(cause);
        }
        return idle;
    }

    /**
     * The watch's look at this session at {@code now}: ends it, and returns true, when the client
     * has been waited for past {@code limitNanos} with nothing in flight or held since.
     */
    boolean endIfIdle(long now, long limitNanos) {
        Watch current = watch;
        if (current == null) {
            return false;
        }
        if (polling || current.busy().getAsBoolean()) {
            busySeen = now;
            return false;
        }
        long since = readingSince.get();
        if (since == NOT_READING || since == ENDED) {
            return false;
        }
        long quietSince = since - busySeen > 0 ? since : busySeen;
        if (now - quietSince < limitNanos || !readingSince.compareAndSet(since, ENDED)) {
            return false;
        }
        current.end().run();
        return true;
    }
}
