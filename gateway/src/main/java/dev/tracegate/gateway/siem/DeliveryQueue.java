package dev.tracegate.gateway.siem;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events waiting for one SIEM destination, and the thread that sends them. {@link #offer}
 * never waits: when the queue is full the event is dropped and counted, since a SIEM that is down
 * must not hold up callers (the evidence log, not the SIEM, is the record). The sender retries a
 * failed batch with exponential backoff, from one second up to a minute, until it is delivered.
 */
public final class DeliveryQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final SiemDestination destination;
    private final OcsfMapping mapping;
    private final BlockingQueue<EvidenceEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread sender;
    /** Queued or being sent: counted before the event enters the queue, so no reader sees it in neither. */
    private final AtomicLong undelivered = new AtomicLong();

    DeliveryQueue(SiemDestination destination, OcsfMapping mapping, int capacity) {
        this.destination = destination;
        this.mapping = mapping;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = Thread.ofPlatform().daemon().name("siem-" + destination.name()).start(this::run);
    }

    /** Queues {@code event} for delivery, or drops and counts it when the queue is full. Never waits. */
    void offer(EvidenceEvent event) {
        undelivered.incrementAndGet();
        if (!queue.offer(event)) {
            undelivered.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    public String destination() {
        return destination.name();
    }

    /** Events queued or being sent, not yet delivered. */
    public long backlog() {
        return undelivered.get();
    }

    /** Events dropped because the queue was full, or still undelivered when the gateway stopped. */
    public long dropped() {
        return dropped.get();
    }

    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed (each is retried). */
    public long failures() {
        return failures.get();
    }

    private void run() {
        List<ObjectNode> batch = new ArrayList<>();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            if (batch.isEmpty() && !fill(batch)) {
                return;
            }
            try {
                destination.send(batch);
                if (backoff != FIRST_BACKOFF) {
                    LOG.info("SIEM {}: delivering again", destination.name());
                }
                delivered.addAndGet(batch.size());
                undelivered.addAndGet(-batch.size());
                batch.clear();
                backoff = FIRST_BACKOFF;
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                if (backoff == FIRST_BACKOFF) {
                    LOG.warn("SIEM {}: delivery failed, retrying with backoff: {}", destination.name(), e.toString());
                }
                if (awaitClosing(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Takes the next batch; false when the gateway stops and nothing is left. */
    private boolean fill(List<ObjectNode> batch) {
        try {
            EvidenceEvent first = null;
            while (first == null) {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null && closing.getCount() == 0) {
                    return false;
                }
            }
            List<EvidenceEvent> events = new ArrayList<>(List.of(first));
            queue.drainTo(events, destination.batchEvents() - 1);
            events.forEach(event -> batch.add(mapping.map(event)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitClosing(Duration wait) {
        try {
            return closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Sends what is queued for a few seconds more, then stops; what is left is counted as dropped. */
    @Override
    public void close() {
        closing.countDown();
        try {
            sender.join(SHUTDOWN_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        destination.close(); // unblocks a send still waiting for the peer
        try {
            sender.join(SHUTDOWN_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long undelivered = backlog();
        if (undelivered > 0) {
            dropped.addAndGet(undelivered);
            LOG.warn("SIEM {}: {} events not delivered at shutdown (they are in the evidence log)", destination.name(),
                    undelivered);
        }
    }
}
