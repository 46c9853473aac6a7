package dev.tracegate.gateway.siem;

import dev.tracegate.gateway.config.SiemConfig;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches the evidence log and hands every event to each configured SIEM destination's
 * {@link DeliveryQueue}. On the caller's thread it only offers the event to bounded queues: the
 * OCSF shaping and the sending happen on each destination's own thread, so forwarding never
 * delays a command. Events are forwarded once they are durable in the log, as the log holds them:
 * an event whose write fails (the gateway then refuses the command) never reaches the SIEM.
 */
public final class SiemForwarder implements EvidenceObserver, AutoCloseable {

    private final List<DeliveryQueue> queues;

    private SiemForwarder(List<DeliveryQueue> queues) {
        this.queues = List.copyOf(queues);
    }

    /** Starts a sender per destination in {@code config}. */
    public static SiemForwarder start(SiemConfig config, OcsfMapping mapping) {
        List<DeliveryQueue> queues = new ArrayList<>();
        try {
            if (config.syslog() != null) {
                queues.add(new DeliveryQueue(new SyslogTlsDestination(config.syslog()), mapping, config.queueEvents()));
            }
            if (config.http() != null) {
                queues.add(new DeliveryQueue(new HttpSiemDestination(config.http()), mapping, config.queueEvents()));
            }
        } catch (RuntimeException e) {
            queues.forEach(DeliveryQueue::close); // the HTTP destination's set-up failed after the syslog sender started
            throw e;
        }
        return new SiemForwarder(queues);
    }

    public List<DeliveryQueue> queues() {
        return queues;
    }

    @Override
    public void durable(List<EvidenceEvent> events) {
        for (EvidenceEvent event : events) {
            for (DeliveryQueue queue : queues) {
                queue.offer(event);
            }
        }
    }

    @Override
    public void close() {
        queues.forEach(DeliveryQueue::close);
    }
}
