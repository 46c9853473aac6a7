package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1,000,000-row result streams through a gateway whose heap is capped at 256 MB: the relay
 * holds messages, never result sets. The gateway runs as its own process, started with
 * {@code tracegate serve}, exactly as an operator would.
 */
class LargeResultTest {

    @Test
    void millionRowsStreamThroughA256MbGateway(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres target = EmbeddedPostgres.builder().start()) {
            int port = GatewayProcess.freePort();
            Path token = dir.resolve("token");
            Files.writeString(token, "tg_large_result_token");
            Path config = dir.resolve("tracegate.yaml");
            Files.writeString(config, String.join("\n",
                    "dataDir: " + dir.resolve("data"),
                    "listeners:",
                    "  postgres: {address: 127.0.0.1, port: " + port + "}",
                    "  api: {address: 127.0.0.1, port: 0}",
                    "identities:",
                    "  apiKeys:",
                    "    - {name: loader, key: 'file:" + token + "', groups: [analysts], kind: service}",
                    "connections:",
                    "  - {name: big, host: 127.0.0.1, port: " + target.getPort() + ", database: postgres, username: postgres, upstreamAuth: trust}",
                    ""), StandardCharsets.UTF_8);
            try (GatewayProcess gateway = GatewayProcess.start(config, "256m")) {
                Properties props = new Properties();
                props.setProperty("user", "loader");
                props.setProperty("password", "tg_large_result_token");
                props.setProperty("sslmode", "require");
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/big", props)) {
                    c.setAutoCommit(false);
                    try (Statement sql = c.createStatement()) {
                        sql.setFetchSize(5000);
                        long rows = 0;
                        long checksum = 0;
                        try (ResultSet rs = sql.executeQuery(
                                "SELECT g, repeat('x', 200) AS filler FROM generate_series(1, 1000000) g")) {
                            while (rs.next()) {
                                rows++;
                                checksum += rs.getLong(1);
                            }
                        }
                        assertThat(rows).isEqualTo(1_000_000);
                        assertThat(checksum).isEqualTo(1_000_000L * 1_000_001 / 2);
                    }
                }
                assertThat(gateway.isAlive()).as("gateway survived with a 256 MB heap").isTrue();
            }
        }
    }
}
