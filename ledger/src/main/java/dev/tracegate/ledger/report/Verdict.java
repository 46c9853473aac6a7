package dev.tracegate.ledger.report;

import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.text.VisibleText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a verifier prints of a bundle and its audit report: the steps that passed and the report's
 * differences, then one verdict line, the last, which alone starts with {@code VERIFIED}, {@code FAILED}
 * or {@code NOT TRUSTED}, and the exit code that goes with it (0, 1, 3). Until 2026-12-07 a run printed a
 * verdict for the bundle and another for its report and, without {@code --key}, {@code VERIFIED} and then
 * {@code NOT TRUSTED} (exit 3), or {@code VERIFIED} and then {@code REPORT FAILED} (exit 1): a reader, or a
 * script that reads the first verdict it finds, took the bundle for verified. Both verifiers
 * ({@code tracegate-verify} and {@code tracegate evidence verify}) print through this.
 *
 * @param details the lines before the verdict, each shown so a terminal cannot act on it
 * @param line the verdict
 * @param exitCode 0 verified against the key given, 1 failed, 3 consistent only with the key the bundle carries
 */
public record Verdict(List<String> details, String line, int exitCode) {
    public static final int VERIFIED = 0;
    public static final int FAILED = 1;

    private static final String RECOMPUTED = "audit report: every figure of report.json is recomputed from the bundle's events,"
            + " and report.html matches";

    public Verdict {
        details = List.copyOf(details);
    }

    /** The verdict on {@code bundle}, verified as {@code report} says, with its audit report recomputed when it has one. */
    public static Verdict of(Path bundle, VerificationReport report) {
        Optional<ReportVerifier.Result> auditReport = ReportVerifier.afterBundle(bundle, report);
        List<String> details = new ArrayList<>();
        report.results().forEach(step -> details.add("ok  " + step));
        auditReport.ifPresent(checked -> checked.lines().forEach(line -> details.add((checked.ok() ? "ok  " : "    ") + line)));
        Optional<String> reportFailure = auditReport.filter(checked -> !checked.ok()).map(checked -> checked.lines().getFirst());
        if (!report.ok()) {
            return new Verdict(details, report.summary() + reportFailure.map(first -> "; audit report FAILED: " + first).orElse(""), FAILED);
        }
        if (reportFailure.isPresent()) {
            // The bundle's own checks passed, its report did not: one FAILED line, and no VERIFIED in it.
            return new Verdict(details, "FAILED audit report: " + reportFailure.get(), FAILED);
        }
        String reportPart = auditReport.map(checked -> "; " + RECOMPUTED).orElse("");
        return new Verdict(details, report.summary() + reportPart, report.trusted() ? VERIFIED : VerificationReport.UNTRUSTED_EXIT);
    }

    /** Prints the details and then the verdict, every line as a terminal must show text a bundle chose. */
    public void print(PrintStream out) {
        details.forEach(detail -> out.println(VisibleText.line(detail)));
        out.println(VisibleText.line(line));
    }
}
