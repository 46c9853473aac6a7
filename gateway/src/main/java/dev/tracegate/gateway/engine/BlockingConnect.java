package dev.tracegate.gateway.engine;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects a socket to a server within a time limit and leaves it in blocking mode when the caller is
 * an operating-system thread. The JDK's timed {@code connect} makes a socket non-blocking for good,
 * and every later wait of a relay reading it on such a thread then costs a read that finds nothing and
 * a poll before the read (docs/benchmarks.md, "What the relays' system calls are"). Here the connect
 * is untimed and a timer closes the socket when the limit passes, which ends the connect at once. On a
 * virtual thread, where the socket is non-blocking anyway, the timed connect is used as it is.
 */
public final class BlockingConnect implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("connect-timer").daemon(true).factory());

    public BlockingConnect() {
        // Nearly every connect ends within a millisecond: its cancelled limit must not stay queued.
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Connects {@code socket} to {@code address}, giving up with a {@link SocketTimeoutException} after {@code millis}. */
    public void connect(Socket socket, SocketAddress address, int millis) throws IOException {
        if (Thread.currentThread().isVirtual()) {
            socket.connect(address, millis);
            return;
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> limit = timer.schedule(() -> {
            expired.set(true);
            closeQuietly(socket);
        }, millis, TimeUnit.MILLISECONDS);
        try {
            socket.connect(address);
        } catch (IOException e) {
            throw expired.get() ? timedOut(millis) : e;
        } finally {
            limit.cancel(false);
        }
        if (expired.get()) {
            // Connected just as the limit passed: the timer has closed the socket.
            throw timedOut(millis);
        }
    }

    private static SocketTimeoutException timedOut(int millis) {
        return new SocketTimeoutException("connect timed out after " + millis + " ms");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // The connect ends either way.
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
