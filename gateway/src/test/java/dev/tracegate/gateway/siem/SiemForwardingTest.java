package dev.tracegate.gateway.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.HttpSiemConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SiemConfig;
import dev.tracegate.gateway.config.SyslogSiemConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.tls.TestServerCertificate;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding to a real TLS syslog receiver and a real HTTPS collector, both started here: the
 * messages are RFC 5424 with OCSF JSON, octet-counted so a newline in a statement cannot forge a
 * message; a receiver that is down gets the events once it is up; an untrusted one gets nothing;
 * a full queue drops and counts instead of holding up the caller.
 */
@Timeout(120)
class SiemForwardingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RFC5424 = Pattern.compile(
            "^<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z) (\\S+) tracegate - (\\S+) - (\\{.*})$", Pattern.DOTALL);
    private static final Identity ALICE = new Identity("tracegate", "apikey:alice", "alice", "alice@example.com",
            List.of("analysts"), "human");
    private static final OcsfMapping MAPPING = new OcsfMapping("tracegate.test/log", "test");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private TestServerCertificate certificate;

    @BeforeEach
    void certificate() throws Exception {
        certificate = TestServerCertificate.create(Files.createDirectories(dir.resolve("receiver")));
    }

    @Test
    void theSyslogReceiverGetsRfc5424MessagesOfOcsfJsonAndANewlineForgesNothing() throws Exception {
        try (SyslogTlsReceiver receiver = SyslogTlsReceiver.start(certificate.serverContext(), 0);
             SiemForwarder forwarder = syslogForwarder(receiver.port(), 100)) {
            forwarder.durable(List.of(event(EventType.SESSION_OPEN, "client", "127.0.0.1:50123")));
            forwarder.durable(List.of(event(EventType.COMMAND, "statement", "SELECT 1\n<110>1 2026-01-01T00:00:00Z forged tracegate - x - {}")));
            forwarder.durable(List.of(event(EventType.AUTH_FAILURE, "reason", "unknown token")));
            forwarder.durable(List.of(event(EventType.SESSION_CLOSE, "reason", "marker")));

            List<Matcher> messages = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String message = receiver.messages().poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(message).as("message " + i).isNotNull();
                Matcher parsed = RFC5424.matcher(message);
                assertThat(parsed.matches()).as(message).isTrue();
                messages.add(parsed);
            }
            assertThat(messages).extracting(m -> m.group(4))
                    .as("the 4th message is the 4th event: the newline made no message of its own")
                    .containsExactly("session.open", "command", "auth.failure", "session.close");
            assertThat(messages).extracting(m -> Integer.parseInt(m.group(1)))
                    .as("facility log audit (13), severity info (6), warning (4) for a failed log-in")
                    .containsExactly(110, 110, 108, 110);
            JsonNode command = JSON.readTree(messages.get(1).group(5));
            assertThat(command.path("class_uid").asInt()).isEqualTo(6005);
            assertThat(command.path("query_info").path("query_string").asText()).startsWith("SELECT 1\n<110>1");
            JsonNode failure = JSON.readTree(messages.get(2).group(5));
            assertThat(failure.path("class_uid").asInt()).isEqualTo(3002);
            assertThat(failure.path("status_id").asInt()).isEqualTo(2);
            await().atMost(PATIENCE).until(() -> forwarder.queues().getFirst().delivered() == 4);
            assertThat(forwarder.queues().getFirst().backlog()).isZero();
        }
    }

    @Test
    void aSyslogReceiverThatIsDownGetsTheEventsInOrderOnceItIsUp() throws Exception {
        int port = freePort();
        try (SiemForwarder forwarder = syslogForwarder(port, 100)) {
            DeliveryQueue queue = forwarder.queues().getFirst();
            for (int i = 0; i < 3; i++) {
                forwarder.durable(List.of(event(EventType.SESSION_OPEN, "client", "10.0.0." + i + ":5000")));
            }
            await().atMost(PATIENCE).until(() -> queue.failures() >= 1);
            assertThat(queue.backlog()).isEqualTo(3);
            assertThat(queue.delivered()).isZero();
            try (SyslogTlsReceiver receiver = SyslogTlsReceiver.start(certificate.serverContext(), port)) {
                for (int i = 0; i < 3; i++) {
                    String message = receiver.messages().poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    assertThat(message).as("retried after the receiver came up").isNotNull();
                    Matcher parsed = RFC5424.matcher(message);
                    assertThat(parsed.matches()).as(message).isTrue();
                    assertThat(JSON.readTree(parsed.group(5)).path("src_endpoint").path("ip").asText()).isEqualTo("10.0.0." + i);
                }
                await().atMost(PATIENCE).until(() -> queue.backlog() == 0);
                assertThat(queue.delivered()).isEqualTo(3);
                assertThat(queue.dropped()).isZero();
            }
        }
    }

    @Test
    void aReceiverWhoseCertificateIsNotTrustedGetsNothing() throws Exception {
        TestServerCertificate impostor = TestServerCertificate.create(Files.createDirectories(dir.resolve("impostor")));
        try (SyslogTlsReceiver receiver = SyslogTlsReceiver.start(impostor.serverContext(), 0);
             SiemForwarder forwarder = syslogForwarder(receiver.port(), 100)) {
            forwarder.durable(List.of(event(EventType.COMMAND, "statement", "SELECT secret_plans FROM board")));
            DeliveryQueue queue = forwarder.queues().getFirst();
            await().atMost(PATIENCE).until(() -> queue.failures() >= 2);
            assertThat(receiver.messages()).noneMatch(message -> message.startsWith("<"));
            assertThat(queue.delivered()).isZero();
            assertThat(queue.backlog()).as("kept for when the right receiver answers").isEqualTo(1);
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfHoldingUpTheCaller() throws Exception {
        try (SiemForwarder forwarder = syslogForwarder(freePort(), 2)) {
            DeliveryQueue queue = forwarder.queues().getFirst();
            for (int i = 0; i < 10; i++) {
                forwarder.durable(List.of(event(EventType.COMMAND, "statement", "SELECT " + i))); // returns at once: nothing listens
            }
            assertThat(queue.dropped() + queue.backlog()).isEqualTo(10);
            assertThat(queue.dropped()).as("at most one batch in flight and two queued").isGreaterThanOrEqualTo(5);
            assertThat(queue.delivered()).isZero();
        }
    }

    @Test
    void theHttpCollectorGetsJsonBatchesWithItsAuthorizationAfterItsFailures() throws Exception {
        Path token = Files.writeString(dir.resolve("siem-token"), "Bearer siem-token-7f3a\n");
        try (HttpsReceiver receiver = HttpsReceiver.start(certificate.serverContext(), 2);
             SiemForwarder forwarder = SiemForwarder.start(new SiemConfig(0, null, new HttpSiemConfig(receiver.url(),
                     new SecretReference("file:" + token), certificate.caPem().toString(), 2)), MAPPING)) {
            for (int i = 0; i < 5; i++) {
                forwarder.durable(List.of(event(EventType.COMMAND, "statement", "SELECT " + i)));
            }
            List<JsonNode> received = new ArrayList<>();
            while (received.size() < 5) {
                HttpsReceiver.Request request = receiver.requests().poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(request).as("delivered after the collector's two 503s").isNotNull();
                assertThat(request.authorization()).isEqualTo("Bearer siem-token-7f3a");
                JsonNode batch = JSON.readTree(request.body());
                assertThat(batch.isArray()).isTrue();
                assertThat(batch.size()).as("siem.http.batchEvents").isBetween(1, 2);
                batch.forEach(received::add);
            }
            assertThat(received).extracting(e -> e.path("query_info").path("query_string").asText())
                    .containsExactly("SELECT 0", "SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4");
            assertThat(received).extracting(e -> e.path("metadata").path("uid").asText()).doesNotHaveDuplicates();
            DeliveryQueue queue = forwarder.queues().getFirst();
            assertThat(queue.failures()).isEqualTo(2);
            await().atMost(PATIENCE).until(() -> queue.delivered() == 5);
        }
    }

    @Test
    void evidenceIsNotSentInClearOrWithoutAReceiver() {
        assertThatThrownBy(() -> new HttpSiemConfig("http://siem.example.com/ingest", null, null, 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("https://");
        assertThatThrownBy(() -> new HttpSiemConfig("ftp://siem.example.com/", null, null, 0))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new SyslogSiemConfig(" ", 0, null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("siem.syslog.host");
        assertThatThrownBy(() -> new SiemConfig(-1, null, null)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new HttpSiemConfig("https://siem.example.com/", new SecretReference("literal-token"), null, 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("by reference");
    }

    private SiemForwarder syslogForwarder(int port, int queueEvents) {
        return SiemForwarder.start(new SiemConfig(queueEvents,
                new SyslogSiemConfig("127.0.0.1", port, certificate.caPem().toString(), "gw-1.example.com"), null), MAPPING);
    }

    private static EvidenceEvent event(String type, String field, String value) {
        var detail = EvidenceEvent.newDetail();
        detail.put(field, value);
        if (type.equals(EventType.AUTH_FAILURE)) {
            detail.put("count", 1);
        }
        return new EvidenceEvent(Instant.parse("2026-12-04T10:15:30.123456Z"), type, ALICE, "s-1", null,
                new EvidenceEvent.Resource("shop", "postgres", "shop"), detail);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
