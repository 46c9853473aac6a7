package dev.tracegate.cli.report;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.tracegate.cli.CliOutput;
import dev.tracegate.cli.Main;
import dev.tracegate.cli.demo.DemoEnvironment;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor's report of a demo session history, made as an operator makes it: masked and clear
 * reads, a lineage refusal, a blocked bulk delete, a failed login, DDL approved and DDL denied by
 * the DBA, a policy edit and an HTTP request. Then {@code tracegate evidence report}, {@code
 * tracegate evidence verify} (which recomputes every figure), report.html in Chromium (headings,
 * figures, links, pictures and a sample replay, with JavaScript off), the attacks on it (an
 * edited figure, a dropped event), a quiet period, and the console's Audit report page.
 */
class AuditReportTest {

    private static final int PORT_BASE = 19600;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static DemoEnvironment demo;
    private static Playwright playwright;
    private static Browser browser;
    private static String api;
    private static String admin;
    private static Instant from;
    private static Instant to;

    @BeforeAll
    static void sessionHistory() throws Exception {
        demo = DemoEnvironment.start(dataDir, PORT_BASE, new PrintStream(OutputStream.nullOutputStream()));
        api = "http://127.0.0.1:" + demo.gateway().apiPort();
        admin = demo.token("admin");
        from = Instant.now(); // the start-up (gateway.started, the policy loaded) is what was in force when the period began
        String analyst = uri("analyst");
        psql(analyst, "SELECT email, card_number FROM customers ORDER BY id LIMIT 3", true);
        psql(uri("reader"), "SELECT email FROM customers ORDER BY id LIMIT 2", true);
        psql(analyst, "SELECT reverse(card_number) FROM customers", false);
        psql(analyst, "DELETE FROM orders", false);
        psql("postgresql://analyst:not-a-token@127.0.0.1:" + demo.gateway().postgresPort() + "/shop?sslmode=require", "SELECT 1", false);
        held("DROP TABLE orders", "deny", "not during business hours");
        held("ALTER TABLE orders ADD COLUMN note text", "approve", "planned change, OPS-7", "--grant", "30m");
        psql(analyst, "ALTER TABLE orders ADD COLUMN note_two text", true); // under the grant: no one is asked
        editPolicy();
        run(List.of("curl", "-sS", "-H", "Authorization: Bearer " + demo.token("analyst"), "-H", "Content-Type: application/json",
                "-d", "{\"step\":\"lookup\",\"note\":\"mail ada@example.com\"}",
                "http://127.0.0.1:" + demo.gateway().httpPort() + "/traces/"), true);
        to = Instant.now().plusSeconds(60);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of("/usr/bin/chromium"))
                .setHeadless(true));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void theReportOfThePeriodAnswersControlByControlAndVerifies() throws Exception {
        Path report = report(from.toString(), to.toString(), "report");
        String verified = CliOutput.run("evidence", "verify", report.toString(), "--key", logKey().toString());
        assertThat(verified).contains("VERIFIED").contains("trusted key").contains("; audit report: every figure of report.json is recomputed");

        JsonNode model = JSON.readTree(report.resolve("report.json").toFile());
        JsonNode populations = model.path("populations");
        assertThat(value(populations.path("approvals").path("requested"))).isEqualTo(2);
        assertThat(value(populations.path("approvals").path("by_outcome").path("approved"))).isEqualTo(1);
        assertThat(value(populations.path("approvals").path("by_outcome").path("denied"))).isEqualTo(1);
        assertThat(populations.path("approvals").path("items").findValuesAsText("reason"))
                .contains("planned change, OPS-7", "not during business hours");
        assertThat(populations.path("approvals").path("items").findValuesAsText("decided_by")).containsOnly("dba (apikey:dba)");
        assertThat(value(populations.path("privileged").path("total"))).isEqualTo(3);
        assertThat(populations.path("privileged").path("items").findValuesAsText("outcome"))
                .as("the second DDL ran under the DBA's grant, which the bundle shows given")
                .containsExactlyInAnyOrder("approved", "granted", "denied");
        assertThat(value(populations.path("blocked").path("total"))).as("the lineage refusal and the bulk delete").isEqualTo(2);
        assertThat(value(populations.path("auth_failures").path("total"))).isEqualTo(1);
        assertThat(value(populations.path("masking").path("values"))).isPositive();
        assertThat(populations.path("masking").path("by_column").findValuesAsText("column"))
                .contains("public.customers.email", "public.customers.card_number");
        assertThat(value(populations.path("policy").path("accepted"))).as("the edit").isEqualTo(1);
        assertThat(populations.path("policy").path("in_force_at_start").path("sha256").asText()).hasSize(64);
        assertThat(value(model.path("exceptions").path("privileged_without_approval").path("count"))).isZero();
        assertThat(value(model.path("exceptions").path("evidence_gaps").path("count"))).isZero();
        assertThat(model.path("integrity").path("verified").asBoolean()).isTrue();
        assertThat(model.path("samples").path("sessions")).hasSize(3);
        assertThat(model.path("samples").path("approvals")).hasSize(2);
        String exported = Files.readString(report.resolve("events.jsonl"));
        assertThat(exported).doesNotContain(clearEmailOfFirstCustomer());

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setJavaScriptEnabled(false)
                .setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(report.resolve("report.html").toUri().toString());
            Map<String, String> sections = Map.of("scope", "Scope and integrity", "controls", "Control by control",
                    "populations", "Populations", "exceptions", "Exceptions", "pictures", "Pictures", "samples", "Samples",
                    "figures", "Every figure and the leaves it counts");
            sections.forEach((id, heading) -> assertThat(page.locator("#" + id + " > h2")).hasText(heading));
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Control by control"))).isVisible();
            assertThat(page.locator("#verification")).containsText("Verified when the report was generated");
            assertThat(page.locator("#control-SOC-2-CC6-1")).containsText("Sessions opened");
            assertThat(page.locator("#control-ISO-IEC-27001-2022-8-11")).containsText("Data masking");
            assertThat(page.locator("#control-ISO-IEC-27001-2013-A-12-4")).isVisible();
            assertThat(page.locator("#chart-activity rect")).not().hasCount(0);
            assertThat(page.locator("#chart-decisions rect")).not().hasCount(0);

            // A number links to the leaves it counts.
            page.locator("#population-approvals").locator("xpath=following-sibling::ul[1]").locator("a.n").first().click();
            String anchor = page.url().substring(page.url().indexOf('#') + 1);
            assertThat(page.locator("#" + anchor)).containsText("approvals.requested");
            assertThat(page.locator("#" + anchor + " td.leaves")).not().hasText("none");

            // A sampled session replays: its events in order, the statements, the proofs.
            assertThat(page.locator("#sample-session-1 ol.replay li.event")).not().hasCount(0);
            assertThat(page.locator("#sample-session-1 ol.replay li.event").first()).containsText("session.open");
            assertThat(page.locator("#sample-approval-1")).containsText("dba (apikey:dba)");
            assertThat(page.locator("#samples ol.replay pre.statement").first()).isVisible();
            assertThat(page.locator("#samples details summary").first()).containsText("(verified)");
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("audit-report.png")).setFullPage(true));
        }
    }

    @Test
    void anEditedFigureOrADroppedEventFailsVerificationAndIsNamed() throws Exception {
        Path edited = report(from.toString(), to.toString(), "edited");
        Path file = edited.resolve("report.json");
        com.fasterxml.jackson.databind.node.ObjectNode model = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) model.path("populations").path("blocked").path("total")).put("value", 0);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(model) + "\n");
        String output = failingVerify(edited);
        assertThat(output).contains("FAILED report.json").contains("figure blocked.total (Commands blocked by policy): report.json says 0,"
                + " the bundle's events give 2");

        Path dropped = report(from.toString(), to.toString(), "dropped");
        List<String> events = Files.readAllLines(dropped.resolve("events.jsonl"));
        int line = events.size() / 2;
        long leaf = JSON.readTree(events.get(line)).path("index").asLong();
        removeLine(dropped.resolve("events.jsonl"), line);
        removeLine(dropped.resolve("proofs.jsonl"), line);
        remanifest(dropped);
        String droppedOutput = failingVerify(dropped);
        assertThat(droppedOutput).as("every remaining event is proven, but the log signed another events.jsonl")
                .contains("FAILED events.jsonl: SHA-256 is").contains("the manifest the log signed at export (MANIFEST.sig)")
                .contains("; audit report FAILED: figure integrity.missing").contains("leaf " + leaf);
    }

    @Test
    void aPeriodWithoutActivityGivesAShortValidReport() throws Exception {
        Path quiet = report("2020-01-01", "2020-04-01", "quiet");
        String verified = CliOutput.run("evidence", "verify", quiet.toString(), "--key", logKey().toString());
        assertThat(verified).contains("; audit report: every figure of report.json is recomputed");
        JsonNode model = JSON.readTree(quiet.resolve("report.json").toFile());
        assertThat(value(model.path("populations").path("sessions").path("total"))).isZero();
        assertThat(model.path("integrity").path("range").path("boundary").asText()).contains("after the period");
        String html = Files.readString(quiet.resolve("report.html"));
        assertThat(html).contains("No session was opened in the period.").contains("No command was blocked in the period.")
                .contains("No session to sample in the period.");
        assertThat(Files.size(quiet.resolve("report.html"))).isLessThan(Files.size(report(from.toString(), to.toString(), "busy")
                .resolve("report.html")));
    }

    @Test
    void theConsoleDownloadsTheReportOfAPeriod() throws Exception {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true).setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(api + "/console/report");
            page.getByLabel("Token").fill(admin);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with token")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit report"))).isVisible();
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit report"))).isVisible();
            page.getByLabel("From (UTC, inclusive)").fill(from.toString().substring(0, 10));
            page.getByLabel("To (UTC, exclusive)").fill(to.plusSeconds(86_400).toString().substring(0, 10));
            page.getByLabel("Connections (none selected: all)").selectOption("shop");
            page.getByLabel("Sample seed").fill("console-seed");
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("console-audit-report.png")));
            Download download = page.waitForDownload(() -> page.locator("#report").click());
            Path zip = dataDir.resolve("console-report.zip");
            download.saveAs(zip);
            String verified = CliOutput.run("evidence", "verify", zip.toString(), "--key", logKey().toString());
            assertThat(verified).contains("; audit report: every figure of report.json is recomputed");
        }
    }

    // --- helpers

    private static Path report(String periodFrom, String periodTo, String name) {
        Path out = dataDir.resolve(name);
        String printed = CliOutput.run("evidence", "report", "--from", periodFrom, "--to", periodTo, "--sample", "3", "--seed", "q3-audit",
                "--out", out.toString(), "--server", api, "--token", admin);
        assertThat(printed).contains("wrote " + out).containsPattern("report.json sha256 [0-9a-f]{64}");
        return out;
    }

    private static long value(JsonNode figure) {
        assertThat(figure.path("figure").isTextual()).as("a figure: " + figure).isTrue();
        return figure.path("value").asLong();
    }

    private static String failingVerify(Path bundle) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("evidence", "verify", bundle.toString(), "--key", logKey().toString())).isEqualTo(1);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static Path logKey() {
        return dataDir.resolve("gateway").resolve("keys").resolve("log.pub");
    }

    private static String uri(String identity) throws Exception {
        return "postgresql://" + identity + ":" + demo.token(identity) + "@127.0.0.1:" + demo.gateway().postgresPort() + "/shop?sslmode=require";
    }

    private static String clearEmailOfFirstCustomer() throws Exception {
        return run(List.of("psql", uri("reader"), "-X", "-At", "-c", "SELECT email FROM customers ORDER BY id LIMIT 1"), true).strip();
    }

    private static void psql(String uri, String sql, boolean succeeds) throws Exception {
        run(List.of("psql", uri, "-X", "-At", "-c", sql), succeeds);
    }

    /** A held statement, decided by the DBA through the CLI. */
    private static void held(String ddl, String decision, String reason, String... grant) throws Exception {
        Process psql = new ProcessBuilder("psql", uri("analyst"), "-X", "-c", ddl).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(psql.getInputStream(), StandardCharsets.UTF_8));
        String id = null;
        for (String line = output.readLine(); line != null && id == null; line = output.readLine()) {
            Matcher approve = Pattern.compile("tracegate approvals approve ([a-z0-9]+)").matcher(line);
            id = approve.find() ? approve.group(1) : null;
        }
        assertThat(id).as("psql shows the held statement's approval").isNotNull();
        List<String> args = new java.util.ArrayList<>(List.of("approvals", decision, id, "--reason", reason, "--server", api,
                "--token", demo.token("dba")));
        args.addAll(List.of(grant));
        CliOutput.run(args.toArray(String[]::new));
        assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(psql.exitValue() == 0).isEqualTo(decision.equals("approve"));
    }

    /** An operator's edit of the policy file: the gateway reloads it and records policy.changed. */
    private static void editPolicy() throws Exception {
        String before = demo.gateway().guard().policy().hash();
        Path policy = dataDir.resolve("policy.yaml");
        Files.writeString(policy, Files.readString(policy) + "# reviewed for the quarter\n");
        for (int i = 0; i < 300 && demo.gateway().guard().policy().hash().equals(before); i++) {
            Thread.sleep(100);
        }
        assertThat(demo.gateway().guard().policy().hash()).as("the edit is in force").isNotEqualTo(before);
    }

    private static String run(List<String> command, boolean succeeds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue() == 0).as(command + ": " + output).isEqualTo(succeeds);
        return output;
    }

    private static void removeLine(Path file, int line) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(line);
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    /** Rewrites MANIFEST.sha256 the way a careful forger would, so only the report can give the drop away. */
    private static void remanifest(Path bundle) throws Exception {
        StringBuilder manifest = new StringBuilder();
        try (Stream<Path> walk = Files.walk(bundle)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String relative = bundle.relativize(file).toString();
                if (!relative.equals("MANIFEST.sha256") && !relative.equals("MANIFEST.sig")) {
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                    manifest.append(HexFormat.of().formatHex(digest)).append("  ").append(relative).append('\n');
                }
            }
        }
        Files.writeString(bundle.resolve("MANIFEST.sha256"), manifest);
    }
}
