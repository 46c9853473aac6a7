package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.ledger.bundle.VerificationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a bundle's report: computes it again from the bundle's events with the parameters it
 * states, and compares every figure (value and leaves), then the rest of report.json, then
 * report.html with the rendering of the recomputed report. Names each figure that differs.
 */
public final class ReportVerifier {
    /** Differences listed before the rest are summarised. */
    private static final int MAX_DIFFERENCES = 20;
    private static final long MAX_LEAVES_EXPANDED = 10_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param lines what was checked, or what differs (each difference names its figure)
     */
    public record Result(boolean ok, List<String> lines) {
        public Result {
            lines = List.copyOf(lines);
        }

        public String summary() {
            return ok ? "REPORT VERIFIED: every figure of report.json is recomputed from the bundle's events, and report.html matches"
                    : "REPORT FAILED: " + lines.getFirst();
        }
    }

    private ReportVerifier() {}

    /**
     * The report check that belongs after a bundle's verification: none when the bundle has no
     * report, or when it failed on an event, proof or other item of its own (its events cannot be
     * trusted then); otherwise the recomputation, which names the figure an edit changed even when
     * the manifest no longer matches report.json, and the event removed from a bundle whose every
     * remaining event is proven but whose events.jsonl is not the one the log signed.
     */
    public static Optional<Result> afterBundle(Path bundle, VerificationReport bundleReport) {
        boolean onlyReportFilesFailed = bundleReport.everyItemVerified() || bundleReport.failure()
                .map(failure -> failure.file().equals(AuditReport.JSON_FILE) || failure.file().equals(AuditReport.HTML_FILE))
                .orElse(true);
        try {
            if (!onlyReportFilesFailed || !AuditReport.presentIn(bundle)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        Result recomputed = verify(bundle);
        if (bundleReport.ok() || !recomputed.ok()) {
            return Optional.of(recomputed);
        }
        return Optional.of(notSigned(recomputed, bundleReport));
    }

    /**
     * A report whose figures recompute but whose files are not the ones the log signed at export
     * (added after it, or changed with the manifest): nothing says the gateway made this report, so
     * the check fails with the bundle's failure first. Until 2026-12-07 the verifier printed the
     * bundle's FAILED and then REPORT VERIFIED, two verdicts on one bundle.
     */
    private static Result notSigned(Result recomputed, VerificationReport bundleReport) {
        List<String> lines = new ArrayList<>();
        lines.add(AuditReport.JSON_FILE + " and " + AuditReport.HTML_FILE + " are not the report the log signed at export ("
                + bundleReport.failure().map(failure -> failure.describe()).orElse("the bundle did not verify")
                + "), though its figures are what the bundle's events give");
        lines.addAll(recomputed.lines());
        return new Result(false, lines);
    }

    public static Result verify(Path bundle) {
        try (ReportBundle opened = ReportBundle.open(bundle)) {
            return verify(opened);
        } catch (IOException | RuntimeException e) {
            return new Result(false, List.of("the report cannot be recomputed: " + e.getMessage()));
        }
    }

    private static Result verify(ReportBundle bundle) throws IOException {
        Optional<byte[]> json = bundle.file(AuditReport.JSON_FILE);
        if (json.isEmpty()) {
            return new Result(false, List.of(AuditReport.JSON_FILE + " is missing: the bundle has no report to check"));
        }
        JsonNode stored;
        ReportParameters parameters;
        try {
            stored = JSON.readTree(json.get());
            Optional<String> unreadable = ReportFormat.refusal(stored);
            if (unreadable.isPresent()) {
                return new Result(false, List.of(unreadable.get()));
            }
            parameters = ReportParameters.fromJson(stored.path("parameters"));
        } catch (IOException | IllegalArgumentException e) {
            return new Result(false, List.of(AuditReport.JSON_FILE + " cannot be read: " + e.getMessage()));
        }
        // Read back as report.json is read, so numbers compare by value and not by how they were built.
        JsonNode recomputed = JSON.readTree(AuditReport.json(AuditReport.compute(bundle, parameters)));
        Map<String, JsonNode> expected = AuditReport.figures(recomputed);
        List<String> differences = figureDifferences(AuditReport.figures(stored), expected, recomputed);
        if (differences.isEmpty() && !stored.equals(recomputed)) {
            differences.add(AuditReport.JSON_FILE + " differs from the report recomputed from the bundle at "
                    + firstDifference(stored, recomputed, ""));
        }
        differences.addAll(htmlDifferences(bundle, recomputed));
        if (!differences.isEmpty()) {
            if (differences.size() > MAX_DIFFERENCES) {
                int more = differences.size() - MAX_DIFFERENCES;
                differences = new ArrayList<>(differences.subList(0, MAX_DIFFERENCES));
                differences.add("... and " + more + " more difference(s)");
            }
            return new Result(false, differences);
        }
        return new Result(true, List.of("report: " + expected.size() + " figure(s) of " + AuditReport.JSON_FILE
                + " recomputed from the bundle's events, each with the same value and leaves; " + AuditReport.HTML_FILE
                + " is the rendering of that report"));
    }

    private static List<String> figureDifferences(Map<String, JsonNode> stored, Map<String, JsonNode> expected, JsonNode recomputed) {
        LeafSet inBundle = LeafSet.fromJson(recomputed.path("integrity").path("events_in_bundle").path(Figures.LEAVES),
                MAX_LEAVES_EXPANDED);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, JsonNode> figure : expected.entrySet()) {
            String id = figure.getKey();
            JsonNode mine = figure.getValue();
            JsonNode theirs = stored.get(id);
            String name = "figure " + id + " (" + mine.path(Figures.LABEL).asText() + ")";
            if (theirs == null) {
                differences.add(name + " is missing from " + AuditReport.JSON_FILE + "; the bundle's events give "
                        + mine.path(Figures.VALUE));
            } else if (!theirs.path(Figures.VALUE).equals(mine.path(Figures.VALUE))) {
                differences.add(name + ": " + AuditReport.JSON_FILE + " says " + theirs.path(Figures.VALUE) + ", the bundle's events give "
                        + mine.path(Figures.VALUE) + leafDifference(theirs, mine, inBundle));
            } else if (!theirs.path(Figures.LEAVES).equals(mine.path(Figures.LEAVES))) {
                differences.add(name + ": the leaves differ" + leafDifference(theirs, mine, inBundle));
            }
        }
        for (String id : stored.keySet()) {
            if (!expected.containsKey(id)) {
                differences.add("figure " + id + " of " + AuditReport.JSON_FILE + " (" + stored.get(id).path(Figures.VALUE)
                        + ") is not computed from the bundle's events");
            }
        }
        // A dropped event shows first where the report counted it: name it before the figures it changes.
        differences.sort((a, b) -> Boolean.compare(!a.startsWith("figure integrity.missing"), !b.startsWith("figure integrity.missing")));
        return differences;
    }

    /** Leaves one side cites and the other does not, and whether the bundle holds them. */
    private static String leafDifference(JsonNode theirs, JsonNode mine, LeafSet inBundle) {
        long[] claimed = LeafSet.fromJson(theirs.path(Figures.LEAVES), MAX_LEAVES_EXPANDED).indexes();
        long[] counted = LeafSet.fromJson(mine.path(Figures.LEAVES), MAX_LEAVES_EXPANDED).indexes();
        long[] held = inBundle.indexes();
        List<String> notInBundle = new ArrayList<>();
        List<String> notCounted = new ArrayList<>();
        for (long leaf : claimed) {
            if (Arrays.binarySearch(counted, leaf) < 0) {
                (Arrays.binarySearch(held, leaf) < 0 ? notInBundle : notCounted).add(Long.toString(leaf));
            }
        }
        List<String> uncited = new ArrayList<>();
        for (long leaf : counted) {
            if (Arrays.binarySearch(claimed, leaf) < 0) {
                uncited.add(Long.toString(leaf));
            }
        }
        StringBuilder text = new StringBuilder();
        if (!notInBundle.isEmpty()) {
            text.append("; cited leaf ").append(first(notInBundle)).append(" is not in events.jsonl");
        }
        if (!notCounted.isEmpty()) {
            text.append("; cited leaf ").append(first(notCounted)).append(" does not count towards it");
        }
        if (!uncited.isEmpty()) {
            text.append("; leaf ").append(first(uncited)).append(" counts but is not cited");
        }
        return text.toString();
    }

    private static String first(List<String> leaves) {
        return leaves.size() <= 5 ? String.join(", ", leaves) : String.join(", ", leaves.subList(0, 5)) + " and " + (leaves.size() - 5) + " more";
    }

    private static String firstDifference(JsonNode stored, JsonNode recomputed, String path) {
        if (stored.isObject() && recomputed.isObject()) {
            for (Iterator<String> names = recomputed.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!recomputed.get(name).equals(stored.get(name))) {
                    return stored.has(name) ? firstDifference(stored.get(name), recomputed.get(name), path + "/" + name)
                            : path + "/" + name + " (missing)";
                }
            }
            for (Iterator<String> names = stored.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!recomputed.has(name)) {
                    return path + "/" + name + " (not computed from the bundle)";
                }
            }
        }
        if (stored.isArray() && recomputed.isArray()) {
            for (int i = 0; i < Math.min(stored.size(), recomputed.size()); i++) {
                if (!stored.get(i).equals(recomputed.get(i))) {
                    return firstDifference(stored.get(i), recomputed.get(i), path + "/" + i);
                }
            }
            return path + " (" + stored.size() + " item(s) in " + AuditReport.JSON_FILE + ", " + recomputed.size() + " recomputed)";
        }
        return (path.isEmpty() ? "/" : path) + ": " + AuditReport.JSON_FILE + " says " + abbreviate(stored) + ", recomputed "
                + abbreviate(recomputed);
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }

    private static List<String> htmlDifferences(ReportBundle bundle, JsonNode recomputed) throws IOException {
        Optional<byte[]> html = bundle.file(AuditReport.HTML_FILE);
        if (html.isEmpty()) {
            return List.of(AuditReport.HTML_FILE + " is missing");
        }
        byte[] rendered = ReportHtml.render(recomputed);
        if (Arrays.equals(html.get(), rendered)) {
            return List.of();
        }
        String[] theirs = new String(html.get(), StandardCharsets.UTF_8).split("\n", -1);
        String[] mine = new String(rendered, StandardCharsets.UTF_8).split("\n", -1);
        int line = 0;
        while (line < Math.min(theirs.length, mine.length) && theirs[line].equals(mine[line])) {
            line++;
        }
        return List.of(AuditReport.HTML_FILE + " differs from the rendering of the report recomputed from the bundle, first at line "
                + (line + 1));
    }
}
