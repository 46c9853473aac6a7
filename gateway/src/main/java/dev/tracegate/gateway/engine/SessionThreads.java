package dev.tracegate.gateway.engine;

/**
 * The threads a blocking-I/O session (PostgreSQL, MySQL) relays on: virtual threads by default, so
 * a session waiting for its server or for approvers costs almost nothing; platform threads when the
 * system property {@code tracegate.sessionThreads} is {@code platform}, so each relay's read is woken by
 * the kernel directly instead of through the JDK's poller and a carrier (an option measured by
 * {@code bench/ab}, see docs/benchmarks.md; it costs each session two operating-system threads).
 */
public final class SessionThreads {

    private static final boolean PLATFORM = "platform".equals(System.getProperty("tracegate.sessionThreads"));

    private SessionThreads() {
    }

    /** An unstarted thread for one side of a session. */
    public static Thread unstarted(String name, Runnable body) {
        return PLATFORM
                ? Thread.ofPlatform().name(name).daemon(true).unstarted(body)
                : Thread.ofVirtual().name(name).unstarted(body);
    }
}
