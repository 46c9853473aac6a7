package dev.tracegate.gateway.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which threads a blocking-I/O connection (PostgreSQL, MySQL) runs its session and relays on, chosen
 * when it is accepted. Operating-system threads while fewer than {@code limits.platformThreadSessions}
 * connections hold them: a relay's read is then woken by the kernel directly, where a virtual thread's
 * read goes through the JDK's poller and a hand-off to a carrier, a wake-up that costs a statement
 * about 40 us more at one client (docs/benchmarks.md). The place is taken at accept, not at sign-in,
 * because the sockets must never have been read by a virtual thread (see {@link RelayThreads}); a
 * connection still starting holds it for its start-up deadline at most. Past that many, virtual
 * threads: a session waiting for its server or for approvers then costs almost nothing, and ten
 * thousand of them fit.
 *
 * <p>The operating-system threads are kept between sessions (a minute idle at most): starting and
 * ending two of them for every session cost a connection about 0.6 ms of CPU.
 */
public final class SessionThreads {

    private static final String IDLE = "session-relay-idle";

    private final int platformSessions;
    private final AtomicInteger platformInUse = new AtomicInteger();
    private final ExecutorService platformThreads;

    /** @param platformSessions how many sessions at once relay on platform threads; {@code 0}: none */
    public SessionThreads(int platformSessions) {
        this.platformSessions = platformSessions;
        // No bound of its own: the sessions' places bound it, two threads each, and a relay still ending
        // after its session gave its place back must not wait for a thread.
        this.platformThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Thread.ofPlatform().name(IDLE).daemon(true).factory());
    }

    /** The threads of one accepted connection's session and relays; given back when its session ends. */
    public RelayThreads forConnection() {
        if (platformSessions > 0 && platformInUse.incrementAndGet() <= platformSessions) {
            return RelayThreads.platform(platformThreads, platformInUse::decrementAndGet);
        }
        if (platformSessions > 0) {
            platformInUse.decrementAndGet();
        }
        return RelayThreads.virtual();
    }

    /** The name a kept platform thread has between sessions. */
    static String idleName() {
        return IDLE;
    }
}
