package dev.tracegate.gateway.postgres;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The commands of one session in the order the server will answer them. PostgreSQL answers in
 * order, so a FIFO queue is enough to pair each response with its command, pipelining included.
 */
final class InFlightCommands {

    private final ConcurrentLinkedDeque<InFlightCommand> queue = new ConcurrentLinkedDeque<>();

    void add(InFlightCommand command) {
        queue.addLast(command);
    }

    InFlightCommand head() {
        return queue.peekFirst();
    }

    InFlightCommand removeHead() {
        return queue.pollFirst();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
