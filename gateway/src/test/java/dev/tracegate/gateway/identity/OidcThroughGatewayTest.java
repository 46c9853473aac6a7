package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An OIDC access token as the PostgreSQL password, through the real gateway, with pgjdbc and psql.
 */
class OidcThroughGatewayTest {

    private static MockIdentityProvider idp;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockIdentityProvider();
        Path dataDir = Files.createTempDirectory("tracegate-oidc-gateway");
        Path password = Files.writeString(dataDir.resolve("upstream"), TestTarget.PASSWORD, StandardCharsets.UTF_8);
        // Through YAML, as an operator writes it, so new configuration keys do not break this test.
        Path config = Files.writeString(dataDir.resolve("tracegate.yaml"), """
                dataDir: %s
                listeners:
                  postgres: {address: 127.0.0.1, port: 0}
                  api: {address: 127.0.0.1, port: 0}
                identities:
                  oidc:
                    - issuer: %s
                      audiences: [tracegate]
                connections:
                  - name: app
                    host: 127.0.0.1
                    port: %d
                    database: %s
                    username: %s
                    password: file:%s
                """.formatted(dataDir, idp.issuer("okta"), TestTarget.port(), TestTarget.DATABASE, TestTarget.SCRAM_USER, password));
        gateway = Gateway.start(ConfigLoader.load(config));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        idp.close();
    }

    @Test
    void anOidcAccessTokenIsAcceptedAsThePostgresPassword() throws Exception {
        String token = idp.token("okta", "00u1alice", "tracegate", Map.of("groups", List.of("analysts")));

        try (Connection c = connect(token); ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(TestTarget.SCRAM_USER);
        }
    }

    @Test
    void psqlTakesTheTokenFromPgpassword() throws Exception {
        ProcessBuilder psql = new ProcessBuilder("psql",
                "postgresql://alice@127.0.0.1:" + gateway.postgresPort() + "/app?sslmode=require", "-Atc", "SELECT 40 + 2")
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", idp.token("okta", "00u1alice", "tracegate", Map.of()));
        Process process = psql.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("42");
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedLikeAWrongPassword() {
        assertThatThrownBy(() -> connect(idp.token("okta", "00u1alice", "another-api", Map.of())).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    private static Connection connect(String token) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", token);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.postgresPort() + "/app?sslmode=require", props);
    }
}
