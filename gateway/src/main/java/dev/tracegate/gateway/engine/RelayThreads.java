package dev.tracegate.gateway.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The threads one session's relays run on, given by {@link SessionThreads}: platform threads, or
 * virtual ones. A relay that runs on the session's own (virtual) thread is moved to a platform
 * thread by {@link #relay}, the session's thread waiting for it; it is left where it is otherwise.
 * Closing gives the session's place among the platform-thread sessions back.
 */
public final class RelayThreads implements AutoCloseable {

    private final boolean platform;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RelayThreads(boolean platform, Runnable release) {
        this.platform = platform;
        this.release = release;
    }

    static RelayThreads platform(Runnable release) {
        return new RelayThreads(true, release);
    }

    static RelayThreads virtual() {
        return new RelayThreads(false, () -> { });
    }

    /** Whether this session's relays run on platform threads. */
    public boolean platform() {
        return platform;
    }

    /** Starts a relay of this session on a thread of its own. */
    public Thread start(String name, Runnable relay) {
        Thread thread = platform
                ? Thread.ofPlatform().name(name).daemon(true).unstarted(relay)
                : Thread.ofVirtual().name(name).unstarted(relay);
        thread.start();
        return thread;
    }

    /**
     * Runs a relay to its end and returns what it returns: here, for virtual relays; on a platform
     * thread of its own otherwise, the calling thread waiting for it (an interrupt does not end the
     * wait: the relay ends by its sockets closing, and the session must not go on while it runs).
     */
    public <T> T relay(String name, Supplier<T> relay) {
        if (!platform) {
            return relay.get();
        }
        Outcome<T> outcome = new Outcome<>();
        Thread thread = start(name, () -> outcome.run(relay));
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
