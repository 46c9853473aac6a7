package dev.tracegate.gateway.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts how long each session's client has asked nothing ({@code limits.idleSessionSeconds}) and
 * ends the sessions idle past the limit, looking at every watched session a few times per limit
 * from one platform thread per listener. The sessions' {@link ClientInput}s are what it watches;
 * each protocol says how its session ends (PostgreSQL FATAL {@code 57P05}, MySQL ERR 4031).
 *
 * <p>Why not a read timeout: a virtual thread's timed read schedules a timer task with the
 * virtual-thread scheduler when it parks and cancels it when data wakes it, and each of the two
 * wakes the scheduler's delay thread. A session reads its client once per statement, so a limit
 * counted in hours cost two platform-thread wake-ups per statement. Reads are untimed and this
 * one thread does the counting; a session ends within one look of its limit.
 */
public final class IdleWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleWatch.class);
    private static final long SHORTEST_LOOK_MILLIS = 50;
    private static final long LONGEST_LOOK_MILLIS = 1_000;

    private final Duration limit;
    private final Set<ClientInput> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor timer;

    /** @param prefix the listener's thread prefix ({@code pg}, {@code mysql}): the watch thread is {@code <prefix>-idle-watch} */
    public IdleWatch(String prefix, Duration limit) {
        this.limit = limit;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name(prefix + "-idle-watch").daemon(true).factory());
        long lookMillis = Math.clamp(limit.toMillis() / 8, SHORTEST_LOOK_MILLIS, LONGEST_LOOK_MILLIS);
        timer.scheduleWithFixedDelay(this::look, lookMillis, lookMillis, TimeUnit.MILLISECONDS);
    }

    /** Why a session the watch ended was ended, as the client and the evidence are told. */
    public String reason() {
        return "no command for " + limit.toSeconds() + " s (limits.idleSessionSeconds)";
    }

    /** Watches a relaying session's client until {@link #forget}. */
    void watch(ClientInput input) {
        watched.add(input);
    }

    void forget(ClientInput input) {
        watched.remove(input);
    }

    private void look() {
        long now = System.nanoTime();
        long limitNanos = limit.toNanos();
        for (ClientInput input : watched) {
            try {
                if (input.endIfIdle(now, limitNanos)) {
                    watched.remove(input);
                }
            } catch (RuntimeException e) {
                // One session's failure must not stop the looks at the others (a scheduled task that throws is not run again).
                LOG.warn("idle watch: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
