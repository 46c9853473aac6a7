package dev.tracegate.gateway.api;

import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.report.AuditReports;
import dev.tracegate.gateway.report.GeneratedReport;
import dev.tracegate.gateway.report.ReportRequest;
import dev.tracegate.ledger.report.ReportParameters;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The auditor's report over the API: {@code GET /api/evidence/report?from=&to=} (admins and
 * auditors) streams the period's bundle as a zip with report.json and report.html in it.
 * Generating one is recorded as a {@code report.generated} event before the zip is sent.
 */
final class ReportRoutes {

    private ReportRoutes() {
    }

    static void register(RoutesConfig routes, AuditReports reports) {
        routes.get("/api/evidence/report", ctx -> report(ctx, reports));
    }

    private static void report(Context ctx, AuditReports reports) throws IOException {
        ApiServer.requireReadAll(ctx);
        Instant from = ApiServer.instant(ctx, "from");
        Instant to = ApiServer.instant(ctx, "to");
        if (from == null || to == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "a report needs a period: from and to, RFC 3339 times such as 2026-07-01T00:00:00Z");
        }
        int sample = ctx.queryParamAsClass("sample", Integer.class).getOrDefault(ReportParameters.DEFAULT_SAMPLE_SIZE);
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        Path zip = Files.createTempDirectory("tracegate-report").resolve("report.zip");
        GeneratedReport generated;
        try {
            generated = reports.generate(new ReportRequest(from, to, ctx.queryParams("connection"), ctx.queryParams("user"), sample,
                    ctx.queryParam("seed"), caller), zip);
        } catch (IllegalArgumentException e) {
            Files.deleteIfExists(zip.getParent());
            throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
        } catch (EvidenceLogUnavailableException e) {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(zip.getParent());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the evidence log cannot record that a report was generated, so"
                    + " none is handed out: " + e.getMessage());
        }
        ctx.header("X-Tracegate-Report-Sha256", generated.reportSha256());
        ctx.header("X-Tracegate-Events", Long.toString(generated.events()));
        ctx.header("X-Tracegate-Tree-Size", Long.toString(generated.treeSize()));
        ctx.header("X-Tracegate-Seed", generated.seed());
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"tracegate-report.zip\"");
        // Streamed from disk and deleted once sent, with its directory: a quarter's bundle can be large.
        ctx.result(new FilterInputStream(Files.newInputStream(zip, StandardOpenOption.DELETE_ON_CLOSE)) {
            @Override
            public void close() throws IOException {
                super.close();
                Files.deleteIfExists(zip.getParent());
            }
        });
    }
}
