package dev.tracegate.gateway.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connection's session, or one of its relays, running on a thread of its own
 * ({@link RelayThreads#start}): whether it still runs, and waiting for its end. Its thread may be kept for other sessions after it, so the
 * relay, not the thread, is what a session waits for.
 */
public final class Relay implements Runnable {

    private final Runnable body;
    private final CountDownLatch ended = new CountDownLatch(1);

    Relay(Runnable body) {
        this.body = body;
    }

    @Override
    public void run() {
        try {
            body.run();
        } finally {
            ended.countDown();
        }
    }

    /** Whether the relay is still running. */
    public boolean isAlive() {
        return ended.getCount() > 0;
    }

    /** Waits up to {@code millis} for the relay to end. */
    public void join(long millis) throws InterruptedException {
        ended.await(millis, TimeUnit.MILLISECONDS);
    }
}
