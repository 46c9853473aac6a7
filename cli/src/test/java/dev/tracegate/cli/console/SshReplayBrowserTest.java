package dev.tracegate.cli.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.tracegate.cli.demo.DemoSshHost;
import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An SSH session's terminal replayed in the web console, in a real headless Chromium: a real
 * {@code ssh -tt} drives a shell on a real sshd through the gateway, and the session page plays
 * the asciicast recording from the evidence, with what was printed appearing as text (a recording
 * that prints HTML shows the HTML, it never becomes markup). {@code tracegate sessions show} prints
 * the same session's commands.
 */
class SshReplayBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String KEY = "tg_console_ssh_admin_71c3e0";
    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - {name: shells, connections: [web], operations: [shell], classes: [unknown], action: allow}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static DemoSshHost host;
    private static Gateway gateway;
    private static Playwright playwright;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tracegate-console-ssh");
        host = DemoSshHost.startIfInstalled(dir.resolve("host"), freePort(), System.out);
        assertThat(host).as("sshd starts").isNotNull();
        Path keyFile = Files.writeString(dir.resolve("key"), KEY, StandardCharsets.UTF_8);
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY, StandardCharsets.UTF_8);
        ListenerConfig loopback = new ListenerConfig("127.0.0.1", 0, false);
        gateway = Gateway.start(new GatewayConfig(dir.resolve("gateway").toString(),
                new ListenersConfig(loopback, loopback, null, loopback), null, null,
                new EvidenceConfig("tracegate.test/console-ssh", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("ada", SecretReference.of("file:" + keyFile), List.of("admins"),
                        "human", null))),
                List.of(new SshConnectionConfig("web", "127.0.0.1", host.port(), System.getProperty("user.name"),
                        SecretReference.of("file:" + host.heldKey()), null, host.hostKey())),
                0, policy.toString(), null));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aRecordedShellPlaysBackInTheSessionPage() throws Exception {
        String typed = "echo replay-marker-$((6*7))\nprintf '<b id=injected>%s</b>\\n' bold\nexit\n";
        java.util.Set<String> before = sessions();
        assertThat(ssh(typed, "-tt")).contains("replay-marker-42");
        String session = newSession(before);

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            openSession(page, session);
            Locator recording = page.locator(".terminal-recording").first();
            assertThat(recording.locator("h3")).containsText("shell");
            Locator screen = recording.locator("pre.terminal");
            assertThat(screen).not().containsText("replay-marker-42");
            recording.locator(".terminal-play").click();
            // The output appears as it was printed, with the shell's evaluation, not only the typed line.
            assertThat(screen).containsText("replay-marker-42", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            assertThat(screen).containsText("<b id=injected>bold</b>", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            assertThat(page.locator("#injected")).hasCount(0);
            assertThat(recording.locator(".terminal-play")).hasText("Play", new LocatorAssertions.HasTextOptions().setTimeout(30_000));

            // Back to the start and straight to the end: the whole terminal at once.
            recording.locator("input[type=range]").fill("0");
            assertThat(screen).not().containsText("replay-marker-42");
            recording.locator(".terminal-end").click();
            assertThat(screen).containsText("replay-marker-42");
            Files.createDirectories(Path.of("target", "screenshots"));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "ssh-replay.png")).setFullPage(true));
        }
    }

    @Test
    void anExecCommandsOutputReplaysToo() throws Exception {
        java.util.Set<String> before = sessions();
        assertThat(ssh("", "printf 'first\\rFIRST\\nsecond-line\\n'")).contains("second-line");
        String session = newSession(before);
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            openSession(page, session);
            Locator recording = page.locator(".terminal-recording").first();
            assertThat(recording.locator("h3")).containsText("exec: printf");
            recording.locator(".terminal-end").click();
            // A carriage return overwrites the line, as on the terminal that printed it.
            assertThat(recording.locator("pre.terminal")).hasText("FIRST\nsecond-line\n");
        }
    }

    @Test
    void sessionsShowPrintsTheCommandsOfAnSshSession() throws Exception {
        java.util.Set<String> before = sessions();
        assertThat(ssh("", "uname -s")).isEqualTo("Linux\n");
        String session = newSession(before);
        String shown = dev.tracegate.cli.CliOutput.run("sessions", "show", session, "--server",
                "http://127.0.0.1:" + gateway.apiPort(), "--token", KEY);
        assertThat(shown).contains("session opened by ada").contains("to web (ssh://")
                .contains("#1 exec: uname -s").contains("#1 ok exit 0")
                .contains("#1 terminal recording chunk 0 (asciicast-v2, ").contains(", last)")
                .doesNotContain("rows=");
    }

    /** The session's page, signed in with the admin's token. */
    private static void openSession(Page page, String session) {
        page.navigate("http://127.0.0.1:" + gateway.apiPort() + "/console/sessions/" + session);
        page.getByLabel("Token").fill(KEY);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with token")).click();
    }

    /** {@code ssh -p PORT web@127.0.0.1 args...}, answering the token prompt through SSH_ASKPASS; its stdout. */
    private static String ssh(String input, String... args) throws IOException, InterruptedException {
        Path askpass = dir.resolve("askpass");
        if (!Files.exists(askpass)) {
            Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' '" + KEY + "'\n");
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        }
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/ssh", "-p", String.valueOf(gateway.sshPort()),
                "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=keyboard-interactive", "web@127.0.0.1"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(Map.of("SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"));
        Process ssh = builder.start();
        ssh.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().close();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ssh.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** The session on {@code web} that is not in {@code before}, once its terminal recording is sealed. */
    private static String newSession(java.util.Set<String> before) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            for (String id : sessions()) {
                if (!before.contains(id) && api("/api/sessions/" + id).contains("\"last\":true")) {
                    return id;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no new SSH session with a sealed terminal recording");
    }

    private static java.util.Set<String> sessions() throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        JSON.readTree(api("/api/sessions?connection=web")).forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    private static String api(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.apiPort() + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
