package dev.tracegate.gateway.operations;

import dev.tracegate.gateway.evidence.CheckpointService;
import dev.tracegate.gateway.evidence.EvidenceLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;

/**
 * The gateway's metrics in Prometheus's text format, served at {@code /metrics}: what the evidence
 * records ({@link EvidenceMetrics}), the evidence log's backlog and checkpoint age, and the JVM's
 * memory, threads and CPU. docs/operations.md lists each metric and what it means.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public GatewayMetrics(EvidenceLog evidence, CheckpointService checkpoints) {
        evidence.observe(new EvidenceMetrics(registry));
        Gauge.builder("tracegate.evidence.events", evidence, EvidenceLog::size)
                .description("events in the evidence log").register(registry);
        Gauge.builder("tracegate.evidence.queued", evidence, EvidenceLog::queuedEvents)
                .description("events queued for the log and not yet durable").register(registry);
        Gauge.builder("tracegate.evidence.index.backlog", evidence, EvidenceLog::indexBacklogBytes).baseUnit("bytes")
                .description("what waits for the query index (commands wait when it reaches its bound)").register(registry);
        Gauge.builder("tracegate.evidence.checkpoint.age", checkpoints, GatewayMetrics::checkpointAgeSeconds).baseUnit("seconds")
                .description("time since a signed checkpoint last covered every durable event").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        CostAccounting.bindTo(registry);
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
