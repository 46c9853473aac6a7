package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.mysql.MysqlEngine;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Admission by memory, through a real gateway with pgjdbc: a gateway whose heap holds two sessions
 * (a per-session budget of a third of its heap) refuses the third with {@code 53300} naming the
 * limit, keeps serving the two it holds, answers HTTP with 503 and Retry-After, MySQL with error
 * 1040 and OpenSSH with a disconnect message (reason 12) meanwhile, records
 * the first refusal, and admits a new session once one has closed.
 */
class SessionMemoryThroughGatewayTest {

    private static final int RESERVED_MIB = 1;

    @Test
    void pastItsSessionMemoryTheGatewayRefusesNewSessionsAndKeepsServingTheOpenOnes() throws Exception {
        long forSessions = Runtime.getRuntime().maxMemory() - RESERVED_MIB * 1024L * 1024L;
        int perSessionKiB = (int) (forSessions / 1024 / 3 + 1);
        CallerLimits limits = new CallerLimits(0, 0, 0, 0, 0, 0, 0, 0, perSessionKiB, RESERVED_MIB);
        // The HTTP and MySQL listeners listen when such a connection is configured; refusals come before any upstream.
        ConnectionConfig web = new HttpConnectionConfig("web", "http://127.0.0.1:9/", null, List.of());
        Path secret = Files.writeString(Files.createTempFile("tracegate-mysql", ".secret"), "unused");
        ConnectionConfig shop = new MysqlConnectionConfig("shop", "127.0.0.1", 9, "shop", "gw",
                SecretReference.of("file:" + secret), null, null);
        ConnectionConfig host = new SshConnectionConfig("host", "127.0.0.1", 9, "app", SecretReference.of("file:" + secret),
                null, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHP08hzEFr4Z8MP2djELqHdJ5QFzaYJAEBsiYKSdWwlL");
        try (TestGateway gateway = TestGateway.startWithLimits(List.of(web, shop, host), limits)) {
            assertThat(metric(gateway, "tracegate_session_memory_capacity")).isEqualTo(2);
            long before = gateway.gateway().evidence().size();
            try (Connection first = gateway.connect("app"); Connection second = gateway.connect("app")) {
                assertThatThrownBy(() -> gateway.connect("app")).isInstanceOf(SQLException.class).satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("53300");
                    assertThat(e.getMessage()).contains("too many connections: the gateway's memory holds 2 sessions")
                            .contains("limits.heapPerSessionKiB = " + perSessionKiB + " KiB");
                });
                for (Connection connection : List.of(first, second)) {
                    try (Statement sql = connection.createStatement()) {
                        assertThat(sql.execute("SELECT 1")).as("the sessions already open are served").isTrue();
                    }
                }

                HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.gateway().httpPort() + "/web/anything"))
                        .header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(http.statusCode()).isEqualTo(503);
                assertThat(http.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(http.body()).contains("limits.heapPerSessionKiB");
                try (Socket mysql = new Socket("127.0.0.1", gateway.gateway().port(MysqlEngine.PROTOCOL))) {
                    mysql.setSoTimeout(30_000);
                    MysqlPacket packet = new MysqlPacketReader(mysql.getInputStream(), 1 << 20).read();
                    assertThat(packet.isErr()).as("an ERR packet in place of the greeting").isTrue();
                    ErrPacket error = ErrPacket.decode(packet.payload());
                    assertThat(error.code()).isEqualTo(ErrPacket.TOO_MANY_CONNECTIONS);
                    assertThat(error.message()).contains("limits.heapPerSessionKiB");
                }
                // OpenSSH reads SSH_MSG_DISCONNECT, reason 12 (too many connections), and the limit.
                String ssh = openSsh(gateway.gateway().sshPort());
                assertThat(ssh).contains(":12: too many connections: the gateway's memory holds 2 sessions")
                        .contains("limits.heapPerSessionKiB");
                assertThat(metric(gateway, "tracegate_session_memory_refused_total")).isEqualTo(4);

                first.close();
                Awaitility.await().atMost(30, TimeUnit.SECONDS)
                        .until(() -> metric(gateway, "tracegate_session_memory_used") < 2);
                try (Connection again = gateway.connect("app"); Statement sql = again.createStatement()) {
                    assertThat(sql.execute("SELECT 1")).as("a closed session gives its memory back").isTrue();
                }
            }
            gateway.gateway().evidence().awaitStored();
            List<JsonNode> refused = gateway.events("session.refused", before);
            // One a minute at most (SessionMemoryTest); the three refusals here are usually seconds apart.
            assertThat(refused).isNotEmpty().hasSizeLessThanOrEqualTo(3);
            JsonNode detail = refused.getFirst().path("detail");
            assertThat(detail.path("limit").asText()).isEqualTo("limits.heapPerSessionKiB");
            assertThat(detail.path("protocol").asText()).isEqualTo("postgres");
            assertThat(detail.path("count").asLong()).isEqualTo(1);
            assertThat(detail.path("capacity").asLong()).isEqualTo(2);
            assertThat(detail.path("source").asText()).isEqualTo("127.0.0.1");
        }
    }

    /** What {@code ssh} printed on stderr trying to reach the gateway's SSH listener. */
    private static String openSsh(int port) throws Exception {
        Process ssh = new ProcessBuilder("/usr/bin/ssh", "-p", String.valueOf(port), "-F", "/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=20", "host@127.0.0.1", "true").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ssh.getOutputStream().close();
        String err = new String(ssh.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ssh.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ssh.exitValue()).as(err).isEqualTo(255);
        return err;
    }

    /** A metric's value from the gateway's {@code /metrics}, as an operator's scraper reads it. */
    private static long metric(TestGateway gateway, String name) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }
}
