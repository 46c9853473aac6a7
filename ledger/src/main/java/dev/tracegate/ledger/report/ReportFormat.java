package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of report.json's format: {@code format} names it with its major version
 * ({@code tracegate-audit-report/1}), {@code format_version} gives major and minor ({@code 1.1}). A
 * major version changes what a figure means; a minor one adds figures or members. The verifier
 * recomputes a report and compares every byte of it, so it can only vouch for the version it
 * computes: any other is refused with a message that names both, instead of a list of figures
 * that "differ" because one version has them and the other does not.
 *
 * @param major the major version
 * @param minor the minor version
 */
public record ReportFormat(int major, int minor) {

    /** The format this code writes and verifies. 1.1 (2026-12-07): the first to state {@code format_version}. */
    public static final ReportFormat CURRENT = new ReportFormat(1, 1);
    /** What {@code format} starts with. */
    static final String NAME = "tracegate-audit-report";
    private static final Pattern FORMAT = Pattern.compile(Pattern.quote(NAME) + "/(\\d{1,6})");
    private static final Pattern VERSION = Pattern.compile("(\\d{1,6})\\.(\\d{1,6})");

    /** {@code tracegate-audit-report/1}. */
    public String name() {
        return NAME + "/" + major;
    }

    /** {@code 1.1}. */
    public String version() {
        return major + "." + minor;
    }

    /** Writes {@code format} and {@code format_version} into a report's model. */
    void writeTo(ObjectNode model) {
        model.put("format", name());
        model.put("format_version", version());
    }

    /**
     * Why this verifier cannot check the report {@code stored}, or empty when it is of the version
     * it computes. A report of 1.0 (written before reports stated a minor version) reads as 1.0.
     */
    static Optional<String> refusal(JsonNode stored) {
        String format = stored.path("format").asText("");
        Matcher named = FORMAT.matcher(format);
        if (!named.matches()) {
            return Optional.of(AuditReport.JSON_FILE + " is not a Tracegate audit report: its format is \"" + format
                    + "\", not " + NAME + "/<version>");
        }
        int major = Integer.parseInt(named.group(1));
        String version = stored.path("format_version").asText(major + ".0");
        Matcher numbered = VERSION.matcher(version);
        if (!numbered.matches() || Integer.parseInt(numbered.group(1)) != major) {
            return Optional.of(AuditReport.JSON_FILE + " states format " + format + " but format_version \"" + version
                    + "\": not a report this verifier can read");
        }
        ReportFormat found = new ReportFormat(major, Integer.parseInt(numbered.group(2)));
        if (major != CURRENT.major) {
            return Optional.of(AuditReport.JSON_FILE + " is of format version " + found.version() + " (" + found.name()
                    + "), a major version this verifier does not know: it reads version " + CURRENT.version()
                    + " only; check the report with the verifier of the Tracegate release that wrote it");
        }
        if (!found.equals(CURRENT)) {
            return Optional.of(AuditReport.JSON_FILE + " is of format version " + found.version() + ", and this verifier computes"
                    + " version " + CURRENT.version() + ": it vouches only for a report it computes byte for byte; check the"
                    + " report with the verifier of the Tracegate release that wrote it");
        }
        return Optional.empty();
    }
}
