package dev.tracegate.gateway.operations;

import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.SessionMemory;
import dev.tracegate.gateway.evidence.CheckpointService;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.siem.DeliveryQueue;
import dev.tracegate.gateway.siem.SiemForwarder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The gateway's metrics in Prometheus's text format, served at {@code /metrics}: what the evidence
 * records ({@link EvidenceMetrics}), the evidence log's backlog and checkpoint age, SIEM forwarding's
 * backlog and drops, the listeners' own (PostgreSQL's upstream pools), and the JVM's memory, threads
 * and CPU. docs/operations.md lists each metric and what it means.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public GatewayMetrics(EvidenceLog evidence, CheckpointService checkpoints) {
        this(evidence, checkpoints, null);
    }

    /** With the delivery queues of {@code siem}, when it forwards to a SIEM (null: none). */
    public GatewayMetrics(EvidenceLog evidence, CheckpointService checkpoints, SiemForwarder siem) {
        evidence.observe(new EvidenceMetrics(registry));
        Gauge.builder("tracegate.evidence.events", evidence, EvidenceLog::size)
                .description("events in the evidence log").register(registry);
        Gauge.builder("tracegate.evidence.queued", evidence, EvidenceLog::queuedEvents)
                .description("events queued for the log and not yet durable").register(registry);
        Gauge.builder("tracegate.evidence.index.backlog", evidence, EvidenceLog::indexBacklogBytes).baseUnit("bytes")
                .description("what waits for the query index (commands wait when it reaches its bound)").register(registry);
        Gauge.builder("tracegate.evidence.checkpoint.age", checkpoints, GatewayMetrics::checkpointAgeSeconds).baseUnit("seconds")
                .description("time since a signed checkpoint last covered every durable event").register(registry);
        if (siem != null) {
            siem.queues().forEach(this::siemQueue);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        CostAccounting.bindTo(registry);
    }

    /** The heap's places for sessions: how many, how many taken, how many sessions were refused for want of one. */
    public GatewayMetrics sessions(SessionMemory memory) {
        Gauge.builder("tracegate.session.memory.capacity", memory, SessionMemory::capacity)
                .description("sessions the heap holds at once (limits.heapPerSessionKiB)").register(registry);
        Gauge.builder("tracegate.session.memory.used", memory, SessionMemory::open)
                .description("places taken: connections open on every listener, HTTP requests in flight").register(registry);
        FunctionCounter.builder("tracegate.session.memory.refused", memory, SessionMemory::refused)
                .description("new sessions refused because the heap held no more").register(registry);
        return this;
    }

    /** The listeners' own meters (PostgreSQL's upstream pools). */
    public GatewayMetrics listeners(Collection<ProtocolListener> listeners) {
        listeners.forEach(listener -> listener.bindTo(registry));
        return this;
    }

    private void siemQueue(DeliveryQueue queue) {
        Gauge.builder("tracegate.siem.backlog", queue, DeliveryQueue::backlog).baseUnit("events")
                .description("events queued for a SIEM destination and not yet delivered").tag("destination", queue.destination())
                .register(registry);
        FunctionCounter.builder("tracegate.siem.dropped", queue, DeliveryQueue::dropped).baseUnit("events")
                .description("events not forwarded: the queue was full, or the gateway stopped before delivery")
                .tag("destination", queue.destination()).register(registry);
        FunctionCounter.builder("tracegate.siem.delivered", queue, DeliveryQueue::delivered).baseUnit("events")
                .description("events a SIEM destination accepted").tag("destination", queue.destination()).register(registry);
        FunctionCounter.builder("tracegate.siem.failures", queue, DeliveryQueue::failures)
                .description("delivery attempts that failed and will be retried").tag("destination", queue.destination())
                .register(registry);
    }

    /** Every metric now, in Prometheus's text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    private static double checkpointAgeSeconds(CheckpointService checkpoints) {
        return checkpoints.latestConfirmedAt().map(at -> Duration.between(at, Instant.now()).toMillis() / 1000.0)
                .orElse(Double.NaN);
    }
}
