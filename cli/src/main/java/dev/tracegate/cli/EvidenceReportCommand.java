package dev.tracegate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tracegate evidence report}: the auditor's report of a period (docs/audit-report.md), the
 * period's signed bundle with report.json and report.html in it, from a running gateway.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the audit report of a period (SOC 2, ISO 27001) with its evidence bundle (admins and auditors).")
final class EvidenceReportCommand implements Callable<Integer> {
    @Mixin
    SessionsCommand.Server server = new SessionsCommand.Server();

    @Option(names = "--from", required = true, description = "start of the period, inclusive: a date (2026-07-01, midnight UTC) or an RFC 3339 time")
    String from;

    @Option(names = "--to", required = true, description = "end of the period, exclusive: a date or an RFC 3339 time")
    String to;

    @Option(names = "--connection", description = "only this connection; repeat for several")
    List<String> connections = new ArrayList<>();

    @Option(names = "--user", description = "only this subject (e.g. apikey:analyst); repeat for several")
    List<String> users = new ArrayList<>();

    @Option(names = "--sample", description = "how many sessions and approvals to sample (default 5)")
    Integer sample;

    @Option(names = "--seed", description = "makes the sample reproducible (default: a random seed, printed and stated in the report)")
    String seed;

    @Option(names = "--out", required = true, description = "a directory to create, or a FILE.zip")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out)) {
            throw new CliException(out + " already exists; choose a new path");
        }
        List<Map.Entry<String, String>> query = new ArrayList<>();
        query.add(Map.entry("from", instant("--from", from)));
        query.add(Map.entry("to", instant("--to", to)));
        connections.forEach(connection -> query.add(Map.entry("connection", connection)));
        users.forEach(user -> query.add(Map.entry("user", user)));
        if (sample != null) {
            query.add(Map.entry("sample", Integer.toString(sample)));
        }
        if (seed != null) {
            query.add(Map.entry("seed", seed));
        }
        System.err.println("generating the report ...");
        ApiClient client = server.client();
        HttpResponse<InputStream> response = client.response("/api/evidence/report", query);
        try (InputStream zip = client.body(response)) {
            if (out.getFileName().toString().endsWith(".zip")) {
                Files.copy(zip, out);
            } else {
                EvidenceCommand.Export.unzip(zip, out);
            }
        }
        System.out.println("wrote " + out + " (report.html, report.json and the period's evidence)");
        System.out.println("report.json sha256 " + response.headers().firstValue("X-Tracegate-Report-Sha256").orElse("?")
                + " (recorded in the evidence log as report.generated), sample seed "
                + response.headers().firstValue("X-Tracegate-Seed").orElse("?"));
        System.out.println("check it with: tracegate evidence verify " + out + " --key <the published log key>");
        return 0;
    }

    /** A date means midnight UTC, so quarters read naturally: --from 2026-07-01 --to 2026-10-01. */
    private static String instant(String option, String value) {
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        } catch (DateTimeParseException notADate) {
            try {
                return Instant.parse(value).toString();
            } catch (DateTimeParseException e) {
                throw new CliException(option + " must be a date (2026-07-01) or an RFC 3339 time (2026-07-01T00:00:00Z), not " + value);
            }
        }
    }
}
