package dev.tracegate.gateway.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.CheckpointService;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.evidence.PeriodBundleExporter;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.report.AuditReport;
import dev.tracegate.ledger.report.ReportFormat;
import dev.tracegate.ledger.report.ReportParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Produces the auditor's report of a period: the period's bundle, with report.json and report.html
 * computed from the bundle's own events by the same code the offline verifier runs, and then a
 * {@code report.generated} event with the report's SHA-256. A report the log cannot record is not
 * handed out.
 */
public final class AuditReports {

    private final EvidenceLog log;
    private final PeriodBundleExporter exporter;

    public AuditReports(EvidenceLog log, CheckpointService checkpoints) {
        this.log = log;
        this.exporter = new PeriodBundleExporter(log, checkpoints);
    }

    public GeneratedReport generate(ReportRequest request, Path target) throws IOException, EvidenceLogUnavailableException {
        ReportParameters parameters = request.parameters(Instant.now());
        AtomicReference<Map<String, byte[]>> files = new AtomicReference<>();
        PeriodBundleExporter.Summary summary = exporter.export(request.from(), request.to(), target, staged -> {
            files.set(AuditReport.files(staged, parameters));
            return files.get();
        });
        String reportSha256 = sha256(files.get().get(AuditReport.JSON_FILE));
        String htmlSha256 = sha256(files.get().get(AuditReport.HTML_FILE));
        long index = log.appendDurably(new EvidenceEvent(Instant.now(), EventType.REPORT_GENERATED, request.requestedBy(), null, null,
                null, detail(request, parameters, summary, reportSha256, htmlSha256)));
        return new GeneratedReport(summary.events(), summary.treeSize(), reportSha256, htmlSha256, index, parameters.seed());
    }

    private static ObjectNode detail(ReportRequest request, ReportParameters parameters, PeriodBundleExporter.Summary summary,
                                     String reportSha256, String htmlSha256) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("from", request.from().toString());
        detail.put("to", request.to().toString());
        request.connections().forEach(detail.putArray("connections")::add);
        request.users().forEach(detail.putArray("users")::add);
        detail.put("sample", parameters.sampleSize());
        detail.put("seed", parameters.seed());
        detail.put("tree_size", summary.treeSize());
        detail.put("events", summary.events());
        detail.put("report_sha256", reportSha256);
        detail.put("html_sha256", htmlSha256);
        // Which format the report is of, so whoever matches a report with this event knows which verifier checks it.
        detail.put("format_version", ReportFormat.CURRENT.version());
        return detail;
    }

    private static String sha256(byte[] content) {
        return HexFormat.of().formatHex(MerkleHashes.newSha256().digest(content));
    }
}
