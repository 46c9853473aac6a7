package dev.tracegate.gateway.mcp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tool calls running now, by the thread that runs each. A gateway that stops breaks them off
 * while the MCP endpoint still answers, so that each agent reads a tool error saying why, instead
 * of waiting for its own timeout on a call whose answer can no longer reach it.
 */
final class RunningCalls {

    private static final Logger LOG = LoggerFactory.getLogger(RunningCalls.class);

    /**
     * Time for a broken-off call's answer to be written after its thread has left the call: the SDK
     * writes it after the evidence of the call's end (measured ~190 ms on a loaded 2-core machine).
     */
    private static final long ANSWER_WRITE_MILLIS = 1000;

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Registers the calling thread's call until the returned entry is closed; null once the gateway is stopping. */
    Entry enter() {
        if (stopping) {
            return null;
        }
        Thread thread = Thread.currentThread();
        threads.add(thread);
        if (stopping) {
            // breakOff() may have looked at the set before this thread was in it.
            threads.remove(thread);
            return null;
        }
        return () -> {
            threads.remove(thread);
            if (stopping) {
                // The interrupt was for the call; the answer is still to be written on this thread.
                Thread.interrupted();
            }
        };
    }

    boolean stopping() {
        return stopping;
    }

    /**
     * Interrupts every running call and waits, at most {@code drain}, until each has left its call
     * and had its answer written. An interrupt cancels the HTTP tool's exchange at once; a socket
     * read on a platform thread (the SDK runs calls on Reactor's) is not interruptible, and such a
     * call is not waited for past {@code drain}.
     */
    void breakOff(Duration drain) {
        stopping = true;
        if (threads.isEmpty()) {
            return;
        }
        LOG.info("breaking off {} running MCP tool call(s): the gateway is stopping", threads.size());
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            while (!threads.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(ANSWER_WRITE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One running call; closed when the call has ended. */
    interface Entry extends AutoCloseable {
        @Override
        void close();
    }
}
