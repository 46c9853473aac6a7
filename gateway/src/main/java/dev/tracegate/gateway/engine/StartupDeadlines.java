package dev.tracegate.gateway.engine;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The time a connection has, from accept to a verified token: TLS handshake, the protocol's start-up
 * and log-in messages together. A per-read timeout would let a client that sends one byte at a
 * time stay for ever; this is one deadline for the whole exchange. When it passes, the input side
 * of the socket is shut, so whatever read the session is blocked in (a TLS handshake included)
 * ends at once, and the session refuses the client.
 */
public final class StartupDeadlines implements AutoCloseable {

    private final Duration timeout;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("startup-deadlines").daemon(true).factory());

    public StartupDeadlines(Duration timeout) {
        this.timeout = timeout;
        // Nearly every deadline is met within milliseconds: a cancelled one left queued would hold its
        // socket for the whole timeout and wake the timer thread only to be dropped (in a storm of
        // 500 connections, 500 such wake-ups and sockets per timeout).
        timer.setRemoveOnCancelPolicy(true);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Deadlines still running: neither met nor expired. */
    int running() {
        return timer.getQueue().size();
    }

    /** Starts the clock for a just-accepted socket. */
    public Deadline start(Socket socket) {
        Deadline deadline = new Deadline(socket);
        deadline.expiry = timer.schedule(deadline::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return deadline;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One connection's deadline. */
    public static final class Deadline {
        private final Socket socket;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile boolean expired;
        private volatile ScheduledFuture<?> expiry;

        private Deadline(Socket socket) {
            this.socket = socket;
        }

        private void expire() {
            if (settled.compareAndSet(false, true)) {
                expired = true;
                try {
                    socket.shutdownInput();
                } catch (IOException e) {
                    // Already closed: the session is over anyway.
                }
            }
        }

        public boolean expired() {
            return expired;
        }

        /** Stops the clock; false when it already ran out, and the client must be refused. */
        public boolean meet() {
            if (settled.compareAndSet(false, true)) {
                ScheduledFuture<?> pending = expiry;
                if (pending != null) {
                    pending.cancel(false);
                }
                return true;
            }
            return false;
        }
    }
}
