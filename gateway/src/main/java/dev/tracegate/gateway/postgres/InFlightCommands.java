package dev.tracegate.gateway.postgres;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every message of one session forwarded upstream, in the order the server reads them. The
 * client-side relay adds each one before it writes it upstream, so a message the server answers
 * is always here by the time its answer arrives; {@link ResponsePairing}, on the server side,
 * takes them in order.
 */
final class InFlightCommands {

    private final ConcurrentLinkedQueue<InFlightCommand> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    void add(InFlightCommand command) {
        queue.add(command);
        size.incrementAndGet();
    }

    /** The oldest message not yet taken, or {@code null} when the server has been sent nothing more. */
    InFlightCommand take() {
        InFlightCommand taken = queue.poll();
        if (taken != null) {
            size.decrementAndGet();
        }
        return taken;
    }

    /** Messages not yet taken: forwarded, and not yet reached by the server's answers. */
    int size() {
        return size.get();
    }
}
