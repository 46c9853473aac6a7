package dev.tracegate.gateway.approval;

import static dev.tracegate.gateway.approval.ApprovalFixtures.ANALYST;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ONE_DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ddl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.NotificationsConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SlackConfig;
import dev.tracegate.gateway.config.WebhookConfig;
import dev.tracegate.gateway.identity.Identity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook and Slack notifications as a receiver sees them, on a local HTTP server. */
class NotifierDeliveryTest {

    private static final String SECRET = "whsec_3c1d9f2b7a";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Status codes to answer, in order; 200 once they run out. */
    private final Deque<Integer> answers = new ArrayDeque<>();
    private final PendingApproval approval = new PendingApproval("k7mq2xw9bd4p",
            ddl(ANALYST, "3f1c9a2e-session", ONE_DBA), Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T09:10:00Z"));

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
            Integer status;
            synchronized (answers) {
                status = answers.poll();
            }
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private WebhookNotifier webhook(int attempts) {
        return new WebhookNotifier(url("/hooks/tracegate"), SECRET, attempts, Duration.ofMillis(50), Clock.systemUTC());
    }

    @Test
    void theReceiverGetsTheApprovalSignedWithTheSharedSecretAfterARetry() throws Exception {
        answers.add(500);

        webhook(3).requested(approval, "tracegate approvals approve k7mq2xw9bd4p", "https://tracegate.example.com/approvals/k7mq2xw9bd4p");

        assertThat(received).as("one 500, then delivered").hasSize(2);
        Received delivered = received.get(1);
        assertThat(delivered.path()).isEqualTo("/hooks/tracegate");
        String expected = "sha256=" + hmacSha256Hex(SECRET, delivered.body());
        assertThat(delivered.header("X-Tracegate-Signature")).isEqualTo(expected);
        assertThat(delivered.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(delivered.body());
        assertThat(body.path("timestamp").asText()).isEqualTo(delivered.header("X-Tracegate-Timestamp"));
        assertThat(Math.abs(body.path("timestamp").asLong() - Instant.now().getEpochSecond())).isLessThan(60);
        assertThat(body.path("id").asText()).isEqualTo("k7mq2xw9bd4p");
        assertThat(body.path("requester").path("sub").asText()).isEqualTo("apikey:analyst");
        assertThat(body.path("connection").asText()).isEqualTo("shop");
        assertThat(body.path("command").asText()).isEqualTo("ALTER TABLE orders ADD COLUMN note text");
        assertThat(body.path("class").asText()).isEqualTo("ddl");
        assertThat(body.path("rule").asText()).isEqualTo("hold-ddl");
        assertThat(body.path("reason").asText()).isEqualTo("schema changes on shop need approval");
        assertThat(body.path("expires_at").asText()).isEqualTo("2026-11-23T09:10:00Z");
        assertThat(body.path("approve_command").asText()).isEqualTo("tracegate approvals approve k7mq2xw9bd4p");
        assertThat(body.path("approve_url").asText()).isEqualTo("https://tracegate.example.com/approvals/k7mq2xw9bd4p");
    }

    @Test
    void theReceiverIsToldWhenTheRequestersAddressWasNotVerified() throws Exception {
        Identity typed = new Identity("https://idp.example", "u-17", "Eve", "ceo@acme.com", List.of("analysts"), "human", false);
        PendingApproval unverified = new PendingApproval("k7mq2xw9bd4q", ddl(typed, "3f1c9a2e-session", ONE_DBA),
                Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T09:10:00Z"));

        webhook(1).requested(unverified, "tracegate approvals approve k7mq2xw9bd4q", null);
        webhook(1).requested(approval, "tracegate approvals approve k7mq2xw9bd4p", null);

        JsonNode requester = JSON.readTree(received.get(0).body()).path("requester");
        assertThat(requester.path("email").asText()).isEqualTo("ceo@acme.com");
        assertThat(requester.path("email_verified").isBoolean() && !requester.path("email_verified").asBoolean())
                .as("an address anyone could type is not passed off as the requester's: %s", requester).isTrue();
        assertThat(JSON.readTree(received.get(1).body()).path("requester").has("email_verified"))
                .as("an API key's configured identity is unchanged").isFalse();
    }

    @Test
    void aTamperedBodyNoLongerMatchesItsSignature() throws Exception {
        webhook(1).requested(approval, "tracegate approvals approve k7mq2xw9bd4p", null);

        Received delivered = received.getFirst();
        byte[] tampered = new String(delivered.body(), StandardCharsets.UTF_8)
                .replace("ALTER TABLE orders", "DROP TABLE orders").getBytes(StandardCharsets.UTF_8);
        assertThat(delivered.header("X-Tracegate-Signature")).isNotEqualTo("sha256=" + hmacSha256Hex(SECRET, tampered));
        assertThat(delivered.header("X-Tracegate-Signature")).isNotEqualTo("sha256=" + hmacSha256Hex("another secret", delivered.body()));
        assertThat(JSON.readTree(delivered.body()).path("approve_url").isNull()).isTrue();
    }

    @Test
    void aClientErrorIsNotRetriedAndServerErrorsStopAfterTheLastAttempt() {
        answers.add(400);
        webhook(3).requested(approval, "tracegate approvals approve k7mq2xw9bd4p", null);
        assertThat(received).hasSize(1);

        received.clear();
        answers.addAll(List.of(503, 502, 500, 500));
        webhook(3).requested(approval, "tracegate approvals approve k7mq2xw9bd4p", null);
        assertThat(received).as("three attempts, never a fourth").hasSize(3);
    }

    @Test
    void anUnreachableReceiverIsRetriedAndNeverThrows() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WebhookNotifier unreachable = new WebhookNotifier(URI.create("http://127.0.0.1:" + closedPort + "/"), SECRET, 3,
                Duration.ofMillis(50), Clock.systemUTC());
        long started = System.nanoTime();

        unreachable.requested(approval, "tracegate approvals approve k7mq2xw9bd4p", null);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("backed off 50 ms, then 100 ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void slackGetsTheCommandAndHowToApproveIt() throws Exception {
        PendingApproval tricky = new PendingApproval("p3rz8tw2kq5m", new ApprovalRequest("s", ANALYST, "shop", "postgres",
                "UPDATE t SET a = 1 WHERE b < 2 && c > 3", "write", "hold-writes", "writes need approval", ONE_DBA, null),
                Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T09:10:00Z"));

        new SlackNotifier(url("/services/T000/B000/XXXX"), 3, Duration.ofMillis(50))
                .requested(tricky, "tracegate approvals approve p3rz8tw2kq5m", "https://tracegate.example.com/approvals/p3rz8tw2kq5m");

        assertThat(received).hasSize(1);
        JsonNode body = JSON.readTree(received.getFirst().body());
        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("text");
        String text = body.path("text").asText();
        assertThat(text).contains("p3rz8tw2kq5m").contains("analyst").contains("*shop*").contains("hold-writes")
                .contains("UPDATE t SET a = 1 WHERE b &lt; 2 &amp;&amp; c &gt; 3")
                .contains("`tracegate approvals approve p3rz8tw2kq5m --reason \"...\"`")
                .contains("<https://tracegate.example.com/approvals/p3rz8tw2kq5m|open it in the console>");
    }

    @Test
    void aCommandTooLongForSlackIsNotOfferedForApprovalFromSlack() throws Exception {
        // Cut at 2,000 characters inside the padding, the message read "DELETE ... WHERE id = 7 …" with
        // the approve command under it: an approver who approved from Slack approved the DROP too.
        String command = "DELETE FROM orders WHERE id = 7" + " ".repeat(2_100) + "; DROP TABLE customers";
        PendingApproval padded = new PendingApproval("w4nq7rt2kx9m", new ApprovalRequest("s", ANALYST, "shop", "postgres",
                command, "write", "hold-writes", "writes need approval", ONE_DBA, null),
                Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T09:10:00Z"));

        new SlackNotifier(url("/services/T000/B000/XXXX"), 3, Duration.ofMillis(50))
                .requested(padded, "tracegate approvals approve w4nq7rt2kx9m", "https://tracegate.example.com/approvals/w4nq7rt2kx9m");

        String text = JSON.readTree(received.getFirst().body()).path("text").asText();
        assertThat(text).contains("DELETE FROM orders WHERE id = 7").doesNotContain("DROP TABLE")
                .contains((command.length() - 2_000) + " more characters of the command are not shown")
                .contains("`tracegate approvals show w4nq7rt2kx9m`")
                .contains("<https://tracegate.example.com/approvals/w4nq7rt2kx9m|read it in the console>")
                .as("no approving from a message that shows part of the command").doesNotContain("approvals approve");
    }

    @Test
    void notifiersComeFromTheConfigurationWithTheirSecretsResolvedAtStartUp() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-notify");
        Path secret = Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
        Path slackUrl = Files.writeString(dir.resolve("slack.url"), url("/services/T1/B1/Z1") + "\n");
        NotificationsConfig config = new NotificationsConfig(
                List.of(new WebhookConfig(url("/hooks/a").toString(), SecretReference.of("file:" + secret), 0)),
                new SlackConfig(SecretReference.of("file:" + slackUrl), 0));

        List<ApprovalNotifier> notifiers = ApprovalNotifier.fromConfig(config);
        notifiers.forEach(n -> n.requested(approval, "tracegate approvals approve k7mq2xw9bd4p", null));

        assertThat(notifiers).hasSize(2);
        assertThat(received).extracting(Received::path).containsExactlyInAnyOrder("/hooks/a", "/services/T1/B1/Z1");
        Received signed = received.stream().filter(r -> r.path().equals("/hooks/a")).findFirst().orElseThrow();
        assertThat(signed.header("X-Tracegate-Signature")).isEqualTo("sha256=" + hmacSha256Hex(SECRET, signed.body()));
        assertThat(ApprovalNotifier.fromConfig(NotificationsConfig.none())).isEmpty();
        assertThatThrownBy(() -> new WebhookConfig("ftp://example.com/", SecretReference.of("env:X"), 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> new WebhookConfig(url("/").toString(), null, 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("secret");
        assertThatThrownBy(() -> ApprovalNotifier.fromConfig(new NotificationsConfig(null,
                new SlackConfig(SecretReference.of("env:TRACEGATE_TEST_UNSET_SLACK_URL"), 0))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TRACEGATE_TEST_UNSET_SLACK_URL");
    }

    /** What a receiver runs: the check is written independently of the notifier's own code. */
    private static String hmacSha256Hex(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
