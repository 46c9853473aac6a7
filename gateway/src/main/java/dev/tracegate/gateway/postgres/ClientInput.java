package dev.tracegate.gateway.postgres;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The client's side of a session: the socket's input with the two read timeouts a session needs,
 * which share the socket's one timeout setting.
 *
 * <ul>
 *   <li>The idle limit: once the client has asked nothing of the gateway for
 *       {@code limits.idleSessionSeconds}, a read throws {@link IdleSessionException}. It goes on
 *       waiting while a command is still in flight (a long query is not idleness). The wait happens
 *       inside this stream's own read, so a timeout never loses a byte of a message the frame
 *       reader is part-way through.</li>
 *   <li>Short polls ({@link #polling}) while a statement is held, to notice a client that left;
 *       a held statement is never idleness either.</li>
 * </ul>
 */
final class ClientInput extends FilterInputStream {

    /** The session was idle for longer than allowed. */
    static final class IdleSessionException extends IOException {
        IdleSessionException(int seconds) {
            super("no command for " + seconds + " s (limits.idleSessionSeconds)");
        }
    }

    /** A read that may give up with {@link SocketTimeoutException}. */
    @FunctionalInterface
    interface Poll<T> {
        T read() throws IOException;
    }

    private final Socket socket;
    private volatile BooleanSupplier busy;
    private volatile int idleSeconds;
    private volatile boolean polling;

    ClientInput(InputStream in, Socket socket) {
        super(in);
        this.socket = socket;
    }

    /** From now on, ends the session after {@code seconds} without a command unless {@code busy}. */
    void limitIdleness(int seconds, BooleanSupplier busy) throws IOException {
        this.busy = busy;
        this.idleSeconds = seconds;
        socket.setSoTimeout(idleMillis());
    }

    /**
     * Runs {@code poll} with reads that give up after {@code millis} with a
     * {@link SocketTimeoutException}; the idle limit applies again afterwards.
     */
    <T> T polling(int millis, Poll<T> poll) throws IOException {
        socket.setSoTimeout(millis);
        polling = true;
        try {
            return poll.read();
        } finally {
            polling = false;
            socket.setSoTimeout(idleMillis());
        }
    }

    private int idleMillis() {
        return (int) Math.min(Integer.MAX_VALUE, idleSeconds * 1000L);
    }

    @Override
    public int read() throws IOException {
        while (true) {
            try {
                return super.read();
            } catch (SocketTimeoutException e) {
                stillWaiting(e);
            }
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (true) {
            try {
                return super.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                stillWaiting(e);
            }
        }
    }

    private void stillWaiting(SocketTimeoutException timeout) throws IOException {
        if (polling) {
            throw timeout;
        }
        BooleanSupplier current = busy;
        if (idleSeconds > 0 && current != null && !current.getAsBoolean()) {
            throw new IdleSessionException(idleSeconds);
        }
    }
}
