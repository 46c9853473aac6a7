package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.recording.SessionQueries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session names the columns of a result shape once and reuses the naming and the row masker
 * for the same description later (ResultShapes). These tests change, in the middle of one
 * session and between two results of the very same description, what that reuse depends on: the
 * policy (hot reload), the catalog (a column renamed through the gateway), the search_path and
 * the role; the masking must follow every change, with pgjdbc in simple and extended modes.
 */
class ResultShapesThroughGatewayTest {

    private static final String CODE = "tok-ALPHA-42";
    private static final String BRAVO = "tok-BRAVO-77";
    private static final String PROFILES = """
            masking:
              record: record-b
              profiles:
                partial:
                  detect: []
                  hints: []
                  columns:
                    - {match: shape_codes.code, entity: card, strategy: "partial:2"}
                    - {match: shape_renames.code, entity: card, strategy: redact}
                redact:
                  detect: []
                  hints: []
                  columns:
                    - {match: shape_codes.code, entity: card, strategy: redact}
                record-b:
                  detect: []
                  hints: []
                  columns:
                    - {match: shape_b.accounts.code, entity: card, strategy: redact}
            """;
    private static final String CLEAR = "defaults:\n  action: allow\n" + PROFILES;
    private static final String MASKED_PARTIAL = CLEAR + rule("partial");
    private static final String MASKED_REDACT = CLEAR + rule("redact");

    private static String rule(String profile) {
        return """
                rules:
                  - name: roles-for-analysts
                    classes: [dangerous_admin]
                    command: '^\\s*(set|reset)\\s+role'
                    action: allow
                  - name: mask-codes
                    connections: [app]
                    exceptGroups: [admins]
                    mask: %s
                """.formatted(profile);
    }

    @BeforeAll
    static void tables() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS shape_codes, shape_renames");
            sql.execute("CREATE TABLE shape_codes (id int, code text)");
            sql.execute("INSERT INTO shape_codes VALUES (1, '" + CODE + "')");
            sql.execute("CREATE TABLE shape_renames (id int, label text)");
            sql.execute("INSERT INTO shape_renames VALUES (1, '" + CODE + "')");
            sql.execute("DROP SCHEMA IF EXISTS shape_a CASCADE");
            sql.execute("DROP SCHEMA IF EXISTS shape_b CASCADE");
            for (String schema : List.of("shape_a", "shape_b")) {
                sql.execute("CREATE SCHEMA " + schema);
                sql.execute("CREATE TABLE " + schema + ".accounts (id int, code text)");
                sql.execute("INSERT INTO " + schema + ".accounts VALUES (1, '" + BRAVO + "')");
            }
            sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shape_reader') THEN"
                    + " CREATE ROLE shape_reader; END IF; END $$");
            sql.execute("GRANT SELECT ON shape_codes TO shape_reader");
            sql.execute("GRANT shape_reader TO " + TestTarget.SCRAM_USER);
        }
    }

    @Test
    void aPolicyReloadMidSessionChangesTheMaskingOfAShapeAlreadySeen() throws Exception {
        for (String mode : List.of("simple", "extended")) {
            try (TestGateway gateway = TestGateway.start(List.of(), CLEAR);
                 Connection alice = connect(gateway, "alice", TestGateway.ALICE_TOKEN, mode)) {
                Path policy = Path.of(gateway.gateway().config().policyFile());
                for (int i = 0; i < 3; i++) {
                    assertThat(code(alice)).as(mode + ": no rule masks alice yet").isEqualTo(CODE);
                }
                Files.writeString(policy, MASKED_PARTIAL);
                awaitCode(alice, "***-*****-42");
                assertThat(code(alice)).as(mode).isEqualTo("***-*****-42");

                Files.writeString(policy, MASKED_REDACT);
                awaitCode(alice, "[CARD]");
                assertThat(code(alice)).as(mode + ": the new profile, not the masker built for the old one")
                        .isEqualTo("[CARD]");

                Files.writeString(policy, CLEAR);
                awaitCode(alice, CODE);
                Files.writeString(policy, MASKED_REDACT);
                awaitCode(alice, "[CARD]");
            }
        }
    }

    @Test
    void aColumnRenamedThroughTheGatewayIsMaskedByItsNewNameAtOnce() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), MASKED_PARTIAL);
             Connection alice = connect(gateway, "alice", TestGateway.ALICE_TOKEN, "simple");
             Connection admin = connect(gateway, "admin", TestGateway.ADMIN_TOKEN, "simple");
             Statement aliceSql = alice.createStatement(); Statement adminSql = admin.createStatement()) {
            for (int i = 0; i < 3; i++) {
                try (ResultSet rs = aliceSql.executeQuery("SELECT label AS code FROM shape_renames")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("label is not protected").isEqualTo(CODE);
                }
            }
            adminSql.execute("ALTER TABLE shape_renames RENAME COLUMN label TO code");
            try {
                // The same description, byte for byte (output name, table, attribute number, type), names
                // another column now: the protected shape_renames.code.
                try (ResultSet rs = aliceSql.executeQuery("SELECT code AS code FROM shape_renames")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("[CARD]");
                }
                try (ResultSet rs = aliceSql.executeQuery("SELECT code FROM shape_renames")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("[CARD]");
                }
            } finally {
                adminSql.execute("ALTER TABLE shape_renames RENAME COLUMN code TO label");
            }
        }
    }

    @Test
    void theRecordFollowsTheSearchPathOfAClearTextCaller() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), MASKED_PARTIAL)) {
            String session;
            try (Connection admin = connect(gateway, "admin", TestGateway.ADMIN_TOKEN, "simple");
                 Statement sql = admin.createStatement()) {
                for (String schema : List.of("shape_a", "shape_b", "shape_a", "shape_b")) {
                    sql.execute("SET search_path = " + schema);
                    try (ResultSet rs = sql.executeQuery("SELECT code FROM accounts")) {
                        rs.next();
                        assertThat(rs.getString(1)).as("admins see clear text").isEqualTo(BRAVO);
                    }
                }
                gateway.gateway().evidence().awaitStored();
                session = new SessionQueries(gateway.gateway().evidence()).list("apikey:admin", "app", 1).getFirst().id();
            }
            List<String> kept = keptResults(gateway, session);
            assertThat(kept).hasSize(4);
            for (int i = 0; i < kept.size(); i++) {
                if (i % 2 == 0) {
                    assertThat(kept.get(i)).as("shape_a.accounts is not protected in the record").contains(BRAVO);
                } else {
                    assertThat(kept.get(i)).as("shape_b.accounts.code is").contains("[CARD]").doesNotContain(BRAVO);
                }
            }
        }
    }

    @Test
    void aRoleSetMidSessionDoesNotUnmaskAShapeAlreadySeen() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), MASKED_PARTIAL)) {
            for (String mode : List.of("simple", "extended")) {
                try (Connection alice = connect(gateway, "alice", TestGateway.ALICE_TOKEN, mode);
                     Statement sql = alice.createStatement()) {
                    assertThat(code(alice)).as(mode).isEqualTo("***-*****-42");
                    sql.execute("SET ROLE shape_reader");
                    assertThat(code(alice)).as(mode + ": under another role").isEqualTo("***-*****-42");
                    sql.execute("RESET ROLE");
                    assertThat(code(alice)).as(mode).isEqualTo("***-*****-42");
                }
            }
        }
    }

    private static void awaitCode(Connection c, String expected) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> code(c).equals(expected));
    }

    /** The same statement every time, so the same result description. */
    private static String code(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT code FROM shape_codes WHERE id = ?")) {
            select.setInt(1, 1);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** The result data the evidence kept for each of the session's SELECTs, in order. */
    private static List<String> keptResults(TestGateway gateway, String session) {
        gateway.gateway().evidence().awaitStored();
        List<JsonNode> events = new SessionQueries(gateway.gateway().evidence()).events(session);
        return events.stream()
                .filter(e -> e.path("type").asText().equals("command.result") && e.path("detail").has("data"))
                .map(e -> e.path("detail").path("data").path("blob").asText())
                .map(digest -> new String(gateway.gateway().evidence().blobs().get(digest).orElseThrow(),
                        StandardCharsets.UTF_8))
                .filter(data -> data.contains("\"code\""))
                .toList();
    }

    private static Connection connect(TestGateway gateway, String user, String token, String mode) throws SQLException {
        Properties props = new Properties();
        props.setProperty("preferQueryMode", mode);
        props.setProperty("user", user);
        props.setProperty("password", token);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require", props);
    }
}
