package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens and held credentials never reach a client, a log line or the evidence store. */
class CredentialHygieneTest {

    private static final String WRONG_UPSTREAM_PASSWORD = "Wrong-Upstream-Password-5d1c";
    private static final String GUESSED_TOKEN = "tg_guessed_Token_0e77aa";

    @Test
    void secretsAppearNowhere(@TempDir Path dir) throws Exception {
        Path badPassword = dir.resolve("bad-password");
        Files.writeString(badPassword, WRONG_UPSTREAM_PASSWORD, StandardCharsets.UTF_8);
        ConnectionConfig misconfigured = TestGateway.connection("misconfigured", TestTarget.SCRAM_USER,
                SecretReference.of("file:" + badPassword));
        List<String> clientMessages = new ArrayList<>();
        try (TestGateway gateway = TestGateway.start(List.of(misconfigured))) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
                 ResultSet rs = sql.executeQuery("SELECT 1")) {
                rs.next();
            }
            Properties guessed = new Properties();
            guessed.setProperty("password", GUESSED_TOKEN);
            assertThatThrownBy(() -> DriverManager.getConnection(gateway.jdbcUrl("app"), guessed).close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> clientMessages.add(e.getMessage()));
            assertThatThrownBy(() -> gateway.connect("misconfigured").close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("08004");
                        clientMessages.add(e.getMessage());
                    });
            List<String> secrets = List.of(TestTarget.PASSWORD, WRONG_UPSTREAM_PASSWORD, GUESSED_TOKEN,
                    TestGateway.ALICE_TOKEN, TestGateway.ADMIN_TOKEN);
            String evidence = allEvidence(gateway);
            assertThat(evidence).contains("auth.failure").contains("session.open");
            String log = Files.readString(Path.of("target", "gateway-test.log"), StandardCharsets.UTF_8);
            assertThat(log).contains("upstream refused");
            for (String secret : secrets) {
                assertThat(evidence).as("evidence").doesNotContain(secret);
                assertThat(log).as("gateway log").doesNotContain(secret);
                assertThat(clientMessages).as("client errors").noneMatch(m -> m.contains(secret));
            }
        }
    }

    @Test
    void credentialsWrittenIntoStatementsAreKeptOutOfTheEvidence() throws Exception {
        String rolePassword = "Role-Password-8e21f0";
        String urlPassword = "Url-Password-77ab3c";
        String parameterPassword = "Param-Password-41d9aa";
        try (TestGateway gateway = TestGateway.start()) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                sql.execute("CREATE ROLE tg_hygiene_role LOGIN PASSWORD '" + rolePassword + "'");
                sql.execute("ALTER ROLE tg_hygiene_role WITH ENCRYPTED PASSWORD '" + rolePassword + "x'");
                sql.execute("DROP ROLE tg_hygiene_role");
                try (ResultSet rs = sql.executeQuery("SELECT 'postgres://app:" + urlPassword + "@db.internal/app' AS url")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("the statement ran as written").contains(urlPassword);
                }
                try (var prepared = c.prepareStatement("SELECT length(?)")) {
                    prepared.setString(1, "password=" + parameterPassword);
                    prepared.executeQuery().close();
                }
            }
            String evidence = allEvidence(gateway);
            assertThat(evidence).contains("CREATE ROLE tg_hygiene_role LOGIN PASSWORD '[SECRET]'")
                    .contains("\"redactions\":[{\"at\":44,\"entity\":\"SECRET\",\"length\":8}]")
                    .doesNotContain(rolePassword).doesNotContain(urlPassword).doesNotContain(parameterPassword)
                    .as("no unkeyed digest of a statement that held a credential").doesNotContain("original_sha256");
        }
    }

    private static String allEvidence(TestGateway gateway) throws IOException {
        StringBuilder all = new StringBuilder();
        for (byte[] leaf : TestGateway.leaves(gateway.gateway().evidence(), 0)) {
            all.append(new String(leaf, StandardCharsets.UTF_8)).append('\n');
        }
        return all.toString();
    }
}
