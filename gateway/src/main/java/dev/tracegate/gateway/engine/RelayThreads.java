package dev.tracegate.gateway.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The threads one connection's session and its relays run on, given by {@link SessionThreads} at
 * accept: platform threads kept between sessions, or virtual ones. The session runs on one of them
 * ({@link SessionSockets}) from its first byte to its end, and its client side relays right there
 * ({@link #relay}): a socket a virtual thread has read, or that was read or connected with a time
 * limit, is non-blocking for good in the JDK, and each wait of an operating-system thread's read
 * on it is then a read that finds nothing, a poll and the read again. Closing gives the
 * connection's place among the platform-thread sessions back.
 */
public final class RelayThreads implements AutoCloseable {

    private final ExecutorService platformThreads;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RelayThreads(ExecutorService platformThreads, Runnable release) {
        this.platformThreads = platformThreads;
        this.release = release;
    }

    static RelayThreads platform(ExecutorService platformThreads, Runnable release) {
        return new RelayThreads(platformThreads, release);
    }

    static RelayThreads virtual() {
        return new RelayThreads(null, () -> { });
    }

    /** Starts a relay of this session on a thread of its own, named for it while it runs. */
    public Relay start(String name, Runnable relay) {
        Relay running = new Relay(relay);
        start(name, running);
        return running;
    }

    /** Starts {@code running} (the connection's session, or one of its relays) on a thread of its own. */
    void start(String name, Relay running) {
        if (platformThreads == null) {
            Thread.ofVirtual().name(name).start(running);
        } else {
            platformThreads.execute(() -> {
                Thread thread = Thread.currentThread();
                thread.setName(name);
                try {
                    running.run();
                } finally {
                    thread.setName(SessionThreads.idleName());
                }
            });
        }
    }

    /**
     * Runs a relay to its end on the session's own thread, named {@code name} meanwhile, and returns
     * what it returns: the thread already is the kind this connection relays on.
     */
    public <T> T relay(String name, Supplier<T> relay) {
        Thread thread = Thread.currentThread();
        String before = thread.getName();
        thread.setName(name);
        try {
            return relay.get();
        } finally {
            thread.setName(before);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
