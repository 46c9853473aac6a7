package dev.tracegate.gateway.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which threads a blocking-I/O session (PostgreSQL, MySQL) relays on once its caller is signed in.
 * Operating-system threads while fewer than {@code limits.platformThreadSessions} sessions hold them:
 * a relay's read is then woken by the kernel directly, where a virtual thread's read goes through the
 * JDK's poller and a hand-off to a carrier, a wake-up that costs a statement about 40 us more at one
 * client (docs/benchmarks.md). Past that many sessions, and always before sign-in (where a silent
 * client must cost next to nothing), virtual threads: a session waiting for its server or for approvers
 * then costs almost nothing, and ten thousand of them fit.
 */
public final class SessionThreads {

    private final int platformSessions;
    private final AtomicInteger platformInUse = new AtomicInteger();

    /** @param platformSessions how many sessions at once relay on platform threads; {@code 0}: none */
    public SessionThreads(int platformSessions) {
        this.platformSessions = platformSessions;
    }

    /** The threads of one signed-in session's relays; the session closes them when it ends. */
    public RelayThreads forSession() {
        if (platformSessions > 0 && platformInUse.incrementAndGet() <= platformSessions) {
            return RelayThreads.platform(platformInUse::decrementAndGet);
        }
        if (platformSessions > 0) {
            platformInUse.decrementAndGet();
        }
        return RelayThreads.virtual();
    }

    /** Sessions relaying on platform threads now (for tests and metrics). */
    public int platformInUse() {
        return Math.max(0, Math.min(platformInUse.get(), platformSessions));
    }
}
