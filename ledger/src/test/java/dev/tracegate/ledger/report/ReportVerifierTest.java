package dev.tracegate.ledger.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.merkle.MerkleHashes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report that does not match its bundle is caught and the difference named: an edited figure
 * (with or without a forged manifest), a dropped event, an edited report.html; an untouched report
 * and a period without activity verify.
 */
class ReportVerifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    ReportLog log;
    Path bundle;

    @BeforeEach
    void bundle() throws Exception {
        log = new ReportLog();
        log.gatewayStarted(0);
        log.advance(java.time.Duration.ofMinutes(60));
        AuditReportTest.writePeriod(log);
        log.advance(java.time.Duration.ofHours(3));
        log.session(ReportLog.ANALYST, "shop").open(true);
        bundle = log.bundle(dir.resolve("bundle"), ReportLog.parameters(AuditReportTest.FROM, AuditReportTest.TO));
    }

    @Test
    void anUntouchedReportVerifies() {
        ReportVerifier.Result result = ReportVerifier.verify(bundle);
        assertThat(result.ok()).as(result.lines().toString()).isTrue();
        assertThat(result.summary()).startsWith("REPORT VERIFIED");
    }

    @Test
    void anEditedFigureIsNamedEvenWhenTheManifestWasNotForged() throws Exception {
        editFigure("blocked.total", 2);
        VerificationReport bundleCheck = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(bundleCheck.ok()).isFalse();
        assertThat(bundleCheck.summary()).contains("report.json");
        ReportVerifier.Result result = ReportVerifier.afterBundle(bundle, bundleCheck).orElseThrow();
        assertThat(result.ok()).isFalse();
        assertThat(result.lines().getFirst()).isEqualTo("figure blocked.total (Commands blocked by policy): report.json says 2,"
                + " the bundle's events give 3");
    }

    @Test
    void anEditedFigureWithAForgedManifestIsNamed() throws Exception {
        editFigure("approvals.outcome.denied", 0);
        remanifest();
        VerificationReport bundleCheck = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(bundleCheck.summary()).as("the events are untouched; report.json is not what the log signed")
                .startsWith("FAILED report.json: SHA-256 is").contains("the manifest the log signed at export (MANIFEST.sig) says");
        ReportVerifier.Result result = ReportVerifier.afterBundle(bundle, bundleCheck).orElseThrow();
        assertThat(result.ok()).isFalse();
        assertThat(result.summary()).contains("figure approvals.outcome.denied").contains("report.json says 0, the bundle's events give 1");
    }

    @Test
    void aDroppedEventIsNamedByItsLeaf() throws Exception {
        List<String> events = Files.readAllLines(bundle.resolve("events.jsonl"));
        int line = events.size() / 2;
        long dropped = JSON.readTree(events.get(line)).path("index").asLong();
        removeLine("events.jsonl", line);
        removeLine("proofs.jsonl", line);
        remanifest();
        VerificationReport bundleCheck = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(bundleCheck.summary()).as("every remaining event is proven, but the log signed another events.jsonl")
                .startsWith("FAILED events.jsonl: SHA-256 is").contains("lines removed, added or changed");
        ReportVerifier.Result result = ReportVerifier.afterBundle(bundle, bundleCheck).orElseThrow();
        assertThat(result.ok()).isFalse();
        assertThat(result.lines().getFirst()).startsWith("figure integrity.missing (Events of the period missing from the bundle):"
                + " report.json says 0, the bundle's events give 1").contains("leaf " + dropped + " counts but is not cited");
        assertThat(String.join("\n", result.lines())).contains("cited leaf " + dropped + " is not in events.jsonl");
    }

    @Test
    void theReportOfAnotherBundleOfTheSameLogIsCaught() throws Exception {
        ReportParameters quiet = ReportLog.parameters(Instant.parse("2026-07-01T12:00:00Z"), Instant.parse("2026-07-01T13:00:00Z"));
        Path other = log.bundle(dir.resolve("other"), quiet, index -> index >= log.events.size() - 2, blob -> false);
        for (String file : List.of(AuditReport.JSON_FILE, AuditReport.HTML_FILE)) {
            Files.copy(other.resolve(file), bundle.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        remanifest();
        VerificationReport bundleCheck = BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()));
        assertThat(bundleCheck.summary()).startsWith("FAILED " + AuditReport.HTML_FILE + ": SHA-256 is")
                .contains("the manifest the log signed at export (MANIFEST.sig) says");
        ReportVerifier.Result result = ReportVerifier.afterBundle(bundle, bundleCheck).orElseThrow();
        assertThat(result.ok()).isFalse();
        assertThat(result.summary()).startsWith("REPORT FAILED: ");
    }

    @Test
    void anEditedHtmlIsCaught() throws Exception {
        Path html = bundle.resolve(AuditReport.HTML_FILE);
        Files.writeString(html, Files.readString(html).replace("Commands blocked by policy: ", "Commands blocked by policy (none!): "));
        remanifest();
        ReportVerifier.Result result = ReportVerifier.verify(bundle);
        assertThat(result.ok()).isFalse();
        assertThat(result.lines().getFirst()).startsWith("report.html differs from the rendering of the report recomputed from the bundle");
    }

    /**
     * report.json states its format's version, and a verifier refuses one it does not compute with a
     * message naming both versions: until 2026-12-07 a report stated no version beyond its format's
     * name, and a report of another version read as a list of figures that "differ".
     */
    @Test
    void aReportOfAnotherFormatVersionIsRefusedByName() throws Exception {
        ObjectNode report = (ObjectNode) JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile());
        assertThat(report.path("format").asText()).isEqualTo("tracegate-audit-report/1");
        assertThat(report.path("format_version").asText()).isEqualTo(ReportFormat.CURRENT.version()).isEqualTo("1.1");
        assertThat(Files.readString(bundle.resolve(AuditReport.HTML_FILE))).contains("tracegate-audit-report/1, version 1.1");

        report.put("format", "tracegate-audit-report/2").put("format_version", "2.0");
        Files.write(bundle.resolve(AuditReport.JSON_FILE), AuditReport.json(report));
        ReportVerifier.Result newer = ReportVerifier.verify(bundle);
        assertThat(newer.ok()).isFalse();
        assertThat(newer.summary()).isEqualTo("REPORT FAILED: report.json is of format version 2.0 (tracegate-audit-report/2), a major"
                + " version this verifier does not know: it reads version 1.1 only; check the report with the verifier of the"
                + " Tracegate release that wrote it");

        report.put("format", "tracegate-audit-report/1").remove("format_version");
        Files.write(bundle.resolve(AuditReport.JSON_FILE), AuditReport.json(report));
        assertThat(ReportVerifier.verify(bundle).summary()).as("a report written before versions were stated reads as 1.0")
                .startsWith("REPORT FAILED: report.json is of format version 1.0, and this verifier computes version 1.1");

        report.put("format", "tracegate-audit-report/1").put("format_version", "2.3");
        Files.write(bundle.resolve(AuditReport.JSON_FILE), AuditReport.json(report));
        assertThat(ReportVerifier.verify(bundle).summary()).contains("states format tracegate-audit-report/1 but format_version \"2.3\"");

        report.put("format", "someone-elses-report/1");
        Files.write(bundle.resolve(AuditReport.JSON_FILE), AuditReport.json(report));
        assertThat(ReportVerifier.verify(bundle).summary()).contains("is not a Tracegate audit report");
    }

    @Test
    void aPeriodWithoutActivityGivesAShortValidReport() throws Exception {
        ReportParameters quiet = ReportLog.parameters(Instant.parse("2026-07-01T12:00:00Z"), Instant.parse("2026-07-01T13:00:00Z"));
        long before = log.events.size() - 2;
        Path empty = log.bundle(dir.resolve("quiet"), quiet, index -> index >= before, blob -> false);
        assertThat(BundleVerifier.verify(empty, Optional.of(log.key.verifierKey())).ok()).isTrue();
        ReportVerifier.Result result = ReportVerifier.verify(empty);
        assertThat(result.ok()).as(result.lines().toString()).isTrue();
        ObjectNode report = (ObjectNode) JSON.readTree(empty.resolve(AuditReport.JSON_FILE).toFile());
        assertThat(report.path("populations").path("sessions").path("total").path("value").asLong()).isZero();
        assertThat(report.path("integrity").path("range").path("boundary").asText()).contains("adjacent in the log");
        String html = Files.readString(empty.resolve(AuditReport.HTML_FILE));
        assertThat(html).contains("No session was opened in the period.").contains("No statement was held for approval in the period.")
                .contains("No session to sample in the period.");
        assertThat(html.length()).as("short").isLessThan(Files.readString(bundle.resolve(AuditReport.HTML_FILE)).length());
    }

    private void editFigure(String id, long value) throws Exception {
        Path file = bundle.resolve(AuditReport.JSON_FILE);
        ObjectNode report = (ObjectNode) JSON.readTree(file.toFile());
        report.findParents("figure").stream().filter(node -> node.path("figure").asText().equals(id))
                .forEach(node -> ((ObjectNode) node).put("value", value));
        Files.write(file, AuditReport.json(report));
    }

    private void removeLine(String file, int line) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(bundle.resolve(file)));
        lines.remove(line);
        Files.writeString(bundle.resolve(file), String.join("\n", lines) + "\n");
    }

    /** Rewrites MANIFEST.sha256 the way a careful forger would. */
    private void remanifest() throws Exception {
        StringBuilder manifest = new StringBuilder();
        try (Stream<Path> walk = Files.walk(bundle)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String relative = bundle.relativize(file).toString();
                if (!relative.equals("MANIFEST.sha256") && !relative.equals("MANIFEST.sig")) {
                    byte[] digest = MerkleHashes.newSha256().digest(Files.readAllBytes(file));
                    manifest.append(HexFormat.of().formatHex(digest)).append("  ").append(relative).append('\n');
                }
            }
        }
        Files.writeString(bundle.resolve("MANIFEST.sha256"), manifest, StandardCharsets.UTF_8);
    }
}
