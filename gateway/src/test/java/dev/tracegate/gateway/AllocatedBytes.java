package dev.tracegate.gateway;

import java.lang.management.ManagementFactory;

/**
 * What a piece of work allocates on the calling thread, in bytes: a figure the machine's load does
 * not change, so a test may hold a cost to it where it must not assert a time.
 */
public final class AllocatedBytes {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The work measured. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private AllocatedBytes() {
    }

    /** The bytes {@code work} allocated on this thread. */
    public static long by(Work work) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
