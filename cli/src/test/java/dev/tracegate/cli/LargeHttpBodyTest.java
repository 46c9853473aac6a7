package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB NDJSON body streams through the HTTP gateway, masked, while the gateway runs as its
 * own process with a 64 MB heap: neither the masker nor the relay holds a body whole.
 */
class LargeHttpBodyTest {

    private static final long LINES = 1_000_000;
    private static final String LINE = "{\"step\":123456,\"thought\":\"write to ada@example.com about card 4111 1111 1111 1111, "
            + "x".repeat(115) + "\"}\n";

    @Test
    void twoHundredMegabytesOfNdjsonStreamThroughA64MbGateway(@TempDir Path dir) throws Exception {
        AtomicLong lines = new AtomicLong();
        AtomicReference<String> last = new AtomicReference<>();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        target.createContext("/", exchange -> {
            StringBuilder current = new StringBuilder();
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            lines.incrementAndGet();
                            last.set(current.toString());
                            current.setLength(0);
                        } else if (current.length() < 1000) {
                            current.append((char) buffer[i]);
                        }
                    }
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.start();
        int port = GatewayProcess.freePort();
        Path token = dir.resolve("token");
        Files.writeString(token, "tg_large_body_token");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "masking: {profiles: {all: {}}}\nrules: [{name: mask-all, mask: all}]\n");
        Path config = dir.resolve("tracegate.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + dir.resolve("data"),
                "policyFile: " + policy,
                "listeners:",
                "  postgres: {address: 127.0.0.1, port: 0}",
                "  api: {address: 127.0.0.1, port: 0}",
                "  http: {address: 127.0.0.1, port: " + port + ", allowCleartextOnLoopback: true}",
                "identities:",
                "  apiKeys:",
                "    - {name: agent, key: 'file:" + token + "', groups: [agents], kind: agent}",
                "connections:",
                "  - {name: sink, protocol: http, url: 'http://127.0.0.1:" + target.getAddress().getPort() + "'}",
                ""), StandardCharsets.UTF_8);
        try (GatewayProcess gateway = GatewayProcess.start(config, "64m")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/sink/ingest"))
                    .header("Authorization", "Bearer tg_large_body_token").header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new RepeatedLine(LINE, LINES))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
            assertThat(lines.get()).isEqualTo(LINES);
            assertThat(last.get()).contains("[EMAIL]").doesNotContain("ada@").doesNotContain("4111 1111");
            assertThat((long) LINE.length() * LINES).as("the body sent").isGreaterThan(200_000_000L);
            assertThat(gateway.isAlive()).as("gateway survived with a 64 MB heap").isTrue();
        } finally {
            target.stop(0);
        }
    }

    /** {@code count} copies of one line, made as they are read. */
    private static final class RepeatedLine extends InputStream {
        private final byte[] line;
        private long remaining;
        private int position;

        RepeatedLine(String line, long count) {
            this.line = line.getBytes(StandardCharsets.UTF_8);
            this.remaining = count;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            int n = Math.min(len, line.length - position);
            System.arraycopy(line, position, b, off, n);
            position += n;
            if (position == line.length) {
                position = 0;
                remaining--;
            }
            return n;
        }
    }
}
