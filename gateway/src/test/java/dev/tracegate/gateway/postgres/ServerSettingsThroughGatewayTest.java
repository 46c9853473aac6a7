package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway reads SQL as UTF-8 with standard_conforming_strings on. A database's or role's
 * default, or a change the policy lets through, can make the server read otherwise; the server
 * says so in ParameterStatus, and the gateway then refuses the session instead of lexing wrongly.
 */
class ServerSettingsThroughGatewayTest {

    /** Changing these settings is normally refused by the guard; allowed here to reach the server's report. */
    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: settings-allowed
                classes: [dangerous_admin]
                action: allow
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            for (String database : List.of("lexing_scs_off", "lexing_role_scs_off", "lexing_sjis", "lexing_latin1")) {
                sql.execute("DROP DATABASE IF EXISTS " + database);
                sql.execute("CREATE DATABASE " + database);
            }
            sql.execute("ALTER DATABASE lexing_scs_off SET standard_conforming_strings = off");
            sql.execute("ALTER ROLE " + TestTarget.TRUST_USER + " IN DATABASE lexing_role_scs_off"
                    + " SET standard_conforming_strings = off");
            sql.execute("ALTER DATABASE lexing_sjis SET client_encoding = 'SJIS'");
            sql.execute("ALTER DATABASE lexing_latin1 SET client_encoding = 'LATIN1'");
        }
        gateway = TestGateway.start(List.of(upstream("scs_off", "lexing_scs_off"),
                upstream("role_scs_off", "lexing_role_scs_off"), upstream("sjis", "lexing_sjis"),
                upstream("latin1", "lexing_latin1")), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aDatabaseOrRoleDefaultThatTurnsStandardConformingStringsOffIsRefusedAtStartUp() {
        for (String connection : List.of("scs_off", "role_scs_off")) {
            assertThatThrownBy(() -> gateway.connect(connection).close())
                    .as(connection)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000");
                        assertThat(e.getMessage()).contains("standard_conforming_strings = off");
                    });
        }
        assertStillServes();
    }

    @Test
    void aDatabaseDefaultClientEncodingTheGatewayCannotReadIsRefusedUnlessTheClientAsksForUtf8() throws Exception {
        for (String connection : List.of("sjis", "latin1")) {
            // A client that asks for nothing gets the database's default, and the server says which.
            try (RawPgClient client = new RawPgClient(gateway.port()).tls()) {
                client.startup(3, 0, Map.of("user", "alice", "database", connection));
                client.read();
                client.password(TestGateway.ALICE_TOKEN);
                ErrorResponse error = client.readUntilError();
                assertThat(error).as(connection).isNotNull();
                assertThat(error.sqlState()).isEqualTo("0A000");
                assertThat(error.message()).contains("client_encoding = " + (connection.equals("sjis") ? "SJIS" : "LATIN1"));
            }
            // pgjdbc asks for UTF8 at start-up, which overrides the default: the server reports UTF8.
            try (Connection c = gateway.connect(connection); Statement sql = c.createStatement();
                 ResultSet rs = sql.executeQuery("SHOW client_encoding")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("UTF8");
            }
        }
    }

    @Test
    void turningStandardConformingStringsOffInTheSessionEndsIt() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "app");
        String session;
        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app")) {
            session = gateway.newSession("apikey:alice", "app", earlier);
            List<PgFrame> frames = client.exchange(List.of(
                    query("SELECT set_config('standard_conforming_strings', 'off', false)"),
                    query("SELECT 'a\\', ' ; SELECT 1; SELECT '")), 2);
            ErrorResponse fatal = ErrorResponse.decode(frames.getLast().body());
            assertThat(fatal.severity()).isEqualTo("FATAL");
            assertThat(fatal.sqlState()).isEqualTo("0A000");
            assertThat(fatal.message()).contains("standard_conforming_strings = off");
            assertThat(ProtocolPairingThroughGatewayTest.types(frames)).as("nothing after the report").endsWith("CE");
            assertThat(client.closedByPeer()).isTrue();
        }
        List<JsonNode> events = gateway.closedSessionEvents(session);
        assertThat(events.getLast().path("detail").path("reason").asText()).contains("standard_conforming_strings");
        assertStillServes();
    }

    @Test
    void changingTheClientEncodingInTheSessionEndsIt() throws Exception {
        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app")) {
            List<PgFrame> frames = client.exchange(List.of(query("SET client_encoding = 'LATIN1'")), 1);
            ErrorResponse fatal = ErrorResponse.decode(frames.getLast().body());
            assertThat(fatal.sqlState()).isEqualTo("0A000");
            assertThat(fatal.message()).contains("client_encoding = LATIN1");
        }
        assertStillServes();
    }

    private static ConnectionConfig upstream(String name, String database) {
        return new PostgresConnectionConfig(name, "127.0.0.1", TestTarget.port(), database, TestTarget.TRUST_USER, null,
                UpstreamTlsMode.DISABLE, UpstreamAuth.TRUST, null, null);
    }

    private static void assertStillServes() {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT 'a\\b'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("a\\b");
        } catch (SQLException e) {
            throw new AssertionError("the gateway stopped serving other sessions", e);
        }
    }
}
