package dev.tracegate.cli.console;

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
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.cli.CliOutput;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web console in a real headless Chromium (Debian's, driven by Playwright): an approver signs
 * in through the OpenID provider, sees a held psql statement arrive, approves it and psql
 * completes; the session replays; an admin verifies the log and exports a bundle that
 * {@code tracegate evidence verify} accepts; someone without the approver group cannot approve,
 * neither in the page nor through the API; a form on another origin cannot act for a signed-in
 * approver. Screenshots of each page go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConsoleFixture fixture;
    private static Playwright playwright;
    private static Browser browser;
    private static String approvedSession;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ConsoleFixture();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void anApproverSignsInSeesAHeldStatementArriveAndApprovesIt() throws Exception {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            signInWithSso(page, "dana", "Dana", List.of("dba"), "/console/");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Approvals"))).isVisible();
            assertThat(page.locator("#pending")).containsText("Nothing is waiting");
            screenshot(page, "approvals-empty");

            // The comment's right-to-left override would show its tail reversed: every page shows it as its code point.
            Process psql = heldPsql("ALTER TABLE shelves ADD COLUMN note text /* asked by ada@example.com \u202Eon behalf of */");
            // The inbox updates by itself: no reload.
            assertThat(page.locator("[data-approval]")).hasCount(1, new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(20_000));
            assertThat(page.locator("[data-approval]")).containsText("analyst wants to run ddl on shop");
            screenshot(page, "approvals-inbox");

            page.locator("[data-approval] a").click();
            assertThat(page.locator("#approval-command")).hasText(
                    "ALTER TABLE shelves ADD COLUMN note text /* asked by [EMAIL] <U+202E>on behalf of */");
            assertThat(page.locator("#approval-command-shown")).containsText("masked as the evidence records them");
            assertThat(page.locator(".facts")).containsText("hold-ddl");
            assertThat(page.locator(".facts")).containsText("analyst (apikey:analyst)");
            screenshot(page, "approval");
            assertThat(psql.isAlive()).as("psql waits for the approval").isTrue();

            page.getByLabel("Reason (recorded in the evidence log)").fill("planned column, ticket OPS-12");
            page.locator("#approve").click();
            assertThat(page.locator("#approval-status")).containsText("Approved");
            assertThat(psql.waitFor(30, TimeUnit.SECONDS)).as("psql completes once approved").isTrue();
            assertThat(psql.exitValue()).isZero();
            String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(output).contains("ALTER TABLE").contains("[EMAIL]").doesNotContain(ConsoleFixture.CLEAR_EMAIL);
            approvedSession = page.locator(".facts a[href^='/console/sessions/']").textContent();
            screenshot(page, "approval-approved");
        }
    }

    @Test
    @Order(2)
    void theSessionReplaysAndItsTraceShows() {
        assertThat(approvedSession).isNotNull();
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            signInWithSso(page, "ada", "Ada", List.of("admins"), "/console/sessions?connection=shop");
            assertThat(page.locator("table")).containsText(approvedSession);
            screenshot(page, "sessions");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(approvedSession)).click();
            assertThat(page.locator("#replay-detail h2")).hasText("session.open");
            page.locator("#replay-next").click();
            assertThat(page.locator("#replay-counter")).hasText(java.util.regex.Pattern.compile("Event 2 of \\d+"));
            page.locator("#replay-play").click();
            // Playing steps through the held command, its approval and its result, in order.
            assertThat(page.locator("#replay-detail")).containsText("ALTER TABLE shelves ADD COLUMN note text",
                    new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
            // The SELECT's result as recorded: rows in a table, the e-mail masked as the analyst saw it.
            page.locator(".event-link", new Page.LocatorOptions().setHasText("command.result")).first().click();
            assertThat(page.locator("#replay-detail table")).containsText("lamp");
            assertThat(page.locator("#replay-detail table")).containsText("[EMAIL]");
            assertThat(page.locator("#replay-detail")).not().containsText(ConsoleFixture.CLEAR_EMAIL);
            screenshot(page, "replay-result");
            page.locator(".event-link", new Page.LocatorOptions().setHasText("command.result")).last().click();
            assertThat(page.locator("#replay-detail")).containsText("ALTER TABLE");
            assertThat(page.locator("#replay-play")).hasText("Play");
            screenshot(page, "replay");

            page.navigate(fixture.consoleUrl() + "/traces/" + TRACE);
            assertThat(page.locator("table")).containsText("ALTER TABLE shelves ADD COLUMN note text");
            assertThat(page.locator("table")).containsText("<U+202E>on behalf of");
            assertThat(page.locator("table")).not().containsText("\u202E");
            screenshot(page, "trace");
        }
    }

    @Test
    @Order(3)
    void anAdminVerifiesTheLogAndExportsABundleTheVerifierAccepts() throws Exception {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900).setAcceptDownloads(true))) {
            Page page = context.newPage();
            signInWithSso(page, "ada", "Ada", List.of("admins"), "/console/evidence");
            page.locator("#verify").click();
            assertThat(page.locator("#verify-result")).containsText("VERIFIED",
                    new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            assertThat(page.locator("#evidence-status")).containsText("Latest checkpoint size");
            assertThat(page.locator("#evidence-status")).not().containsText("none yet");
            screenshot(page, "evidence");

            // A bundle of the approved session only: its events with inclusion proofs.
            page.getByLabel("Session id").fill(approvedSession);
            Download download = page.waitForDownload(() -> page.locator("#export").click());
            Path bundle = Path.of("target", "console-bundle.zip");
            download.saveAs(bundle);
            String verified = CliOutput.run("evidence", "verify", bundle.toString(), "--key", fixture.logKey().toString());
            assertThat(verified).contains("VERIFIED 9 event(s)").contains("trusted key");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Connections")).click();
            assertThat(page.locator("table")).containsText("shop");
            screenshot(page, "connections");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Policy")).click();
            assertThat(page.locator("table")).containsText("hold-ddl");
            screenshot(page, "policy");
        }
    }

    @Test
    @Order(4)
    void someoneWithoutTheApproverGroupCannotApproveInThePageOrThroughTheApi() throws Exception {
        Process psql = heldPsql("ALTER TABLE shelves ADD COLUMN colour text");
        String id = awaitPendingApproval();
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844))) {
            // The requester signs in with their own token: they see their request, but no buttons.
            Page page = context.newPage();
            page.navigate(fixture.consoleUrl() + "/approvals/" + id);
            page.getByLabel("Token").fill(ConsoleFixture.ANALYST_KEY);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with token")).click();
            assertThat(page.locator("#approval-command")).hasText("ALTER TABLE shelves ADD COLUMN colour text");
            assertThat(page.locator("#cannot-decide")).containsText("someone else must decide");
            assertThat(page.locator("#approve")).hasCount(0);
            screenshot(page, "approval-phone-requester");
            // Calling the API directly, with the session and its CSRF token, is refused too.
            assertThat(approveFromPage(page, id)).isEqualTo(403);
        }
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            signInWithSso(page, "eve", "Eve", List.of("analysts"), "/console/approvals/" + id);
            assertThat(page.locator("#approve")).hasCount(0);
            assertThat(page.locator(".error")).containsText("no approval " + id);
            assertThat(approveFromPage(page, id)).isEqualTo(404);
        }
        assertThat(status(id)).isEqualTo("pending");
        assertThat(psql.isAlive()).isTrue();
        decideAsApprover(id, psql);
    }

    @Test
    @Order(5)
    void aFormOnAnotherOriginCannotApproveForASignedInApprover() throws Exception {
        Process psql = heldPsql("ALTER TABLE shelves ADD COLUMN size text");
        String id = awaitPendingApproval();
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String target = fixture.apiUrl() + "/api/approvals/" + id + "/approve";
        byte[] evilPage = ("<!doctype html><html><body><form id=f method=post enctype=text/plain action=\"" + target + "\">"
                + "<input name='{\"reason\":\"pwned\",\"x\":\"' value='\"}'></form>"
                + "<script>fetch('" + target + "', {method: 'POST', credentials: 'include', mode: 'no-cors',"
                + " headers: {'Content-Type': 'text/plain'}, body: '{\"reason\":\"pwned\"}'}).finally(() => document.getElementById('f').submit());"
                + "</script></body></html>").getBytes(StandardCharsets.UTF_8);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, evilPage.length);
            exchange.getResponseBody().write(evilPage);
            exchange.close();
        });
        attacker.start();
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            signInWithSso(page, "dana", "Dana", List.of("dba"), "/console/approvals/" + id);
            assertThat(page.locator("#approve")).isVisible();
            Page evil = context.newPage();
            List<Integer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
            evil.onResponse(response -> {
                if (response.url().equals(target)) {
                    answers.add(response.status());
                }
            });
            evil.navigate("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
            // The script's request goes first, then the form navigates to the gateway's answer.
            evil.waitForURL(target);
            assertThat(evil.content()).contains("cross-site request refused");
            assertThat(answers).isNotEmpty().allMatch(code -> code == 403);
            screenshot(evil, "csrf-refused");
        } finally {
            attacker.stop(0);
        }
        assertThat(status(id)).as("neither the form nor the script approved anything").isEqualTo("pending");
        decideAsApprover(id, psql);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static void signInWithSso(Page page, String subject, String name, List<String> groups, String path) {
        fixture.nextSignIn(subject, name, groups);
        page.navigate(fixture.consoleUrl().replace("/console", "") + path);
        assertThat(page).hasURL(java.util.regex.Pattern.compile("/console/signin"));
        screenshot(page, "signin");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign in with single sign-on")).click();
        page.waitForURL(url -> url.startsWith(fixture.consoleUrl()) && !url.contains("/signin"));
        assertThat(page.locator("#who")).containsText(name);
    }

    private static Process heldPsql(String ddl) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("psql", fixture.analystUri(), "-X", "-v", "ON_ERROR_STOP=1",
                "-c", "SELECT id, name, contact FROM items ORDER BY id", "-c", ddl);
        builder.environment().put("PGAPPNAME", "agent traceparent=00-" + TRACE + "-00f067aa0ba902b7-01");
        builder.redirectErrorStream(true);
        return builder.start();
    }

    /** The only pending approval, waited for through the API as the admin. */
    private static String awaitPendingApproval() throws Exception {
        for (int i = 0; i < 200; i++) {
            JsonNode pending = api("GET", "/api/approvals", null);
            if (pending.size() == 1) {
                return pending.get(0).path("id").asText();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no approval became pending");
    }

    private static String status(String id) throws Exception {
        return api("GET", "/api/approvals/" + id, null).path("status").asText();
    }

    /** Denies as a dba in the console, with the keyboard only: the reason field, then Tab past Approve to Deny. */
    private static void decideAsApprover(String id, Process psql) throws Exception {
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            signInWithSso(page, "dana", "Dana", List.of("dba"), "/console/approvals/" + id);
            page.getByLabel("Reason (recorded in the evidence log)").focus();
            page.keyboard().type("not now");
            page.keyboard().press("Tab");
            assertThat(page.locator("#approve")).isFocused();
            page.keyboard().press("Tab");
            assertThat(page.locator("#deny")).isFocused();
            page.keyboard().press("Enter");
            assertThat(page.locator("#approval-status")).containsText("Denied");
        }
        assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(psql.exitValue()).as("a denied statement fails in psql").isNotZero();
    }

    /** POSTs an approval from inside the signed-in page, with its CSRF token; returns the HTTP status. */
    private static int approveFromPage(Page page, String id) {
        Object status = page.evaluate("""
                async id => {
                  const me = await (await fetch('/api/me')).json();
                  const response = await fetch('/api/approvals/' + id + '/approve', {method: 'POST',
                    headers: {'Content-Type': 'application/json', 'X-Tracegate-Csrf': me.csrf_token},
                    body: JSON.stringify({reason: 'let me through'})});
                  return response.status;
                }""", id);
        return ((Number) status).intValue();
    }

    private static JsonNode api(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.apiUrl() + path))
                .header("Authorization", "Bearer " + ConsoleFixture.ADMIN_KEY);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
