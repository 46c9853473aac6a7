package dev.tracegate.gateway.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The threads one session's relays run on, given by {@link SessionThreads}: platform threads kept
 * between sessions, or virtual ones. A relay that would run on the session's own (virtual) thread is
 * moved to a platform thread by {@link #relay}, the session's thread waiting for it; it is left where
 * it is otherwise. Closing gives the session's place among the platform-thread sessions back.
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
        return running;
    }

    /**
     * Runs a relay to its end and returns what it returns: here, for virtual relays; on a platform
     * thread otherwise, the calling thread waiting for it (an interrupt does not end the wait: the
     * relay ends by its sockets closing, and the session must not go on while it runs).
     */
    public <T> T relay(String name, Supplier<T> relay) {
        if (platformThreads == null) {
            return relay.get();
        }
        Outcome<T> outcome = new Outcome<>();
        start(name, () -> outcome.run(relay)).awaitEnd();
        return outcome.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    /** What a relay run on another thread returned or threw, handed back to the waiting session. */
    private static final class Outcome<T> {
        private T value;
        private Throwable thrown;

        void run(Supplier<T> relay) {
            try {
                value = relay.get();
            } catch (RuntimeException | Error e) {
                thrown = e;
            }
        }

        T get() {
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
            return value;
        }
    }
}
