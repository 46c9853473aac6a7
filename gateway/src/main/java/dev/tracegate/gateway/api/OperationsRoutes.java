package dev.tracegate.gateway.api;

import dev.tracegate.gateway.operations.GatewayMetrics;
import dev.tracegate.gateway.operations.Readiness;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;

/**
 * What orchestrators and monitoring ask, without a token (probes and scrapers carry none):
 * {@code /healthz} (the process answers), {@code /readyz} (it can record, so it may take traffic)
 * and {@code /metrics} (Prometheus). None of them tells anything about a caller, a statement or a
 * credential: counts by protocol, class and outcome only. The API port's rule still holds: plain
 * HTTP from this machine only.
 */
public final class OperationsRoutes {

    private final GatewayMetrics metrics;
    private final Readiness readiness;

    public OperationsRoutes(GatewayMetrics metrics, Readiness readiness) {
        this.metrics = metrics;
        this.readiness = readiness;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> {
            List<String> problems = readiness.problems();
            if (problems.isEmpty()) {
                ctx.json(Map.of("status", "ready"));
            } else {
                ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", "not ready", "problems", problems));
            }
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }
}
