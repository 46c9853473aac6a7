package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.frontend.Query;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Start-up parameters go through the allow-list SET goes through, as PostgreSQL reads them: names
 * in any case, encodings by any alias, and the {@code -c} / {@code --} switches inside
 * {@code options}. Each variant is sent by a raw client, since drivers only send a few of them.
 */
class StartupParametersTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void settingsThatChangeHowTheGatewayLexesAreRefusedInEverySpelling() throws Exception {
        for (Map.Entry<String, String> setting : List.of(
                Map.entry("standard_conforming_strings", "off"),
                Map.entry("Standard_Conforming_Strings", "off"),
                Map.entry("STANDARD_CONFORMING_STRINGS", "false"),
                Map.entry("standard_conforming_strings", "0"),
                Map.entry("client_encoding", "SJIS"),
                Map.entry("Client_Encoding", "sjis"),
                Map.entry("client_encoding", "Shift_JIS_2004"),
                Map.entry("client_encoding", "big5"),
                Map.entry("client_encoding", "GBK"),
                Map.entry("client_encoding", "latin1"),
                Map.entry("client_encoding", "sql_ascii"),
                Map.entry("client_encoding", "EUC_JP"))) {
            assertRefused(Map.of(setting.getKey(), setting.getValue()), "42501", setting.getKey());
        }
    }

    @Test
    void settingsThatSetWouldRefuseAreRefusedAtStartUp() throws Exception {
        for (Map.Entry<String, String> setting : List.of(
                Map.entry("role", "postgres"),
                Map.entry("ROLE", "postgres"),
                Map.entry("session_authorization", "postgres"),
                Map.entry("Session_Authorization", "postgres"),
                Map.entry("session_replication_role", "replica"),
                Map.entry("log_statement", "none"),
                Map.entry("app.tenant_id", "42"),
                Map.entry("Options", "-c role=postgres"),
                Map.entry("User", "postgres"))) {
            assertRefused(Map.of(setting.getKey(), setting.getValue()), "42501", setting.getKey());
        }
    }

    @Test
    void everySwitchInsideOptionsIsCheckedAsASetting() throws Exception {
        for (Map.Entry<String, String> options : List.of(
                Map.entry("-c role=postgres", "role"),
                Map.entry("-crole=postgres", "role"),
                Map.entry("--role=postgres", "role"),
                Map.entry("-c search_path=public -c session_authorization=postgres", "session_authorization"),
                Map.entry("--session-authorization=postgres", "session_authorization"),
                Map.entry("-c standard-conforming-strings=off", "standard_conforming_strings"),
                Map.entry("-c\tclient_encoding=SJIS", "client_encoding"),
                Map.entry("-c app.user\\ id=7", "app.user id"))) {
            assertRefused(Map.of("options", options.getKey()), "42501", options.getValue());
        }
    }

    @Test
    void optionsSwitchesOtherThanSettingsAreRefused() throws Exception {
        // -O is allow_system_table_mods, -P ignore_system_indexes: settings by another name.
        for (String options : List.of("-O", "-P", "-c", "-c role", "--", "stray")) {
            assertRefused(Map.of("options", options), "08P01", "options");
        }
    }

    @Test
    void replicationConnectionsAreRefused() throws Exception {
        assertRefused(Map.of("replication", "database"), "0A000", "replication");
        assertRefused(Map.of("replication", "true"), "0A000", "replication");
    }

    @Test
    void harmlessSettingsPassInAnySpellingAndTakeEffectUpstream() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("client_encoding", "UTF_8");
        settings.put("DateStyle", "ISO, MDY");
        settings.put("TimeZone", "UTC");
        settings.put("extra_float_digits", "3");
        settings.put("STANDARD_CONFORMING_STRINGS", "on");
        settings.put("options", "-c statement_timeout=1234 --lock-timeout=4321 -c application_name=from\\ options");
        try (RawPgClient client = startedSession(settings)) {
            assertThat(show(client, "statement_timeout")).isEqualTo("1234ms");
            assertThat(show(client, "lock_timeout")).isEqualTo("4321ms");
            assertThat(show(client, "application_name")).isEqualTo("from options");
            assertThat(show(client, "client_encoding")).isEqualTo("UTF8");
        }
        for (String utf8 : List.of("utf-8", "unicode", "UTF8", "Utf 8")) {
            try (RawPgClient client = startedSession(Map.of("client_encoding", utf8))) {
                assertThat(show(client, "client_encoding")).isEqualTo("UTF8");
            }
        }
    }

    @Test
    void aParameterWinsOverTheSameSettingInOptionsAsInPostgres() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("options", "-c statement_timeout=1111");
        settings.put("statement_timeout", "2222");
        try (RawPgClient client = startedSession(settings)) {
            assertThat(show(client, "statement_timeout")).isEqualTo("2222ms");
        }
    }

    /** The refusal comes before the token is asked for: the client learns why and sends nothing more. */
    private static void assertRefused(Map<String, String> extra, String sqlState, String named) throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port()).tls()) {
            client.startup(3, 0, withLogin(extra));
            PgFrame first = client.read();
            assertThat(first).as(extra.toString()).isNotNull();
            assertThat(first.type()).as(extra + " is refused before authentication").isEqualTo(ErrorResponse.TYPE);
            ErrorResponse error = ErrorResponse.decode(first.body());
            assertThat(error.severity()).isEqualTo("FATAL");
            assertThat(error.sqlState()).as(extra + ": " + error.message()).isEqualTo(sqlState);
            assertThat(error.message()).as(extra.toString()).contains(named);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    private static RawPgClient startedSession(Map<String, String> extra) throws Exception {
        RawPgClient client = new RawPgClient(gateway.port()).tls();
        client.startup(3, 0, withLogin(extra));
        PgFrame request = client.read();
        assertThat(request.type()).as(extra + " was refused").isEqualTo((byte) 'R');
        client.password(TestGateway.ALICE_TOKEN);
        awaitReady(client);
        return client;
    }

    private static Map<String, String> withLogin(Map<String, String> extra) {
        Map<String, String> parameters = new LinkedHashMap<>(Map.of("user", "alice", "database", "app"));
        parameters.putAll(extra);
        return parameters;
    }

    private static String show(RawPgClient client, String setting) throws Exception {
        client.send(new Query("SHOW " + setting).encode());
        String value = null;
        for (PgFrame frame = client.read(); frame.type() != ReadyForQuery.TYPE; frame = client.read()) {
            assertThat(frame.type()).isNotEqualTo(ErrorResponse.TYPE);
            if (frame.type() == DataRow.TYPE) {
                value = new String(DataRow.decode(frame.body()).value(0), StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    private static void awaitReady(RawPgClient client) throws Exception {
        for (PgFrame frame = client.read(); frame.type() != ReadyForQuery.TYPE; frame = client.read()) {
            assertThat(frame.type()).as(ErrorResponse.TYPE == frame.type()
                    ? ErrorResponse.decode(frame.body()).message() : "").isNotEqualTo(ErrorResponse.TYPE);
        }
    }
}
