package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MySQL and MariaDB clients through the gateway to a real MariaDB: MySQL Connector/J (which signs
 * in with caching_sha2_password), MariaDB Connector/J and the {@code mariadb} command-line client.
 * Alice (analysts) gets the masking profile, admin is exempt; the evidence records every command
 * before it runs, with its parameters.
 */
class MysqlThroughGatewayTest {

    static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: customers.email, entity: email, strategy: "hash:format"}
                    - {match: customers.card_number, entity: card, strategy: "partial:4"}
                    - {match: customers.loyalty_points, entity: card, strategy: redact}
                    - {match: notes.body, entity: email, strategy: "hash:format"}
                    - {match: notes.code, entity: card, strategy: "partial:4"}
            rules:
              - name: mask-personal-data
                connections: [shop, shop_ed]
                exceptGroups: [admins]
                mask: personal-data
              - name: no-drop
                connections: [shop]
                command: "drop\\\\s+table"
                action: block
                reason: tables are not dropped through the gateway
              - name: no-system-databases
                connections: [shop]
                command: "^use\\\\s+`(mysql|performance_schema)`"
                action: block
                reason: the server's own databases are not for callers
              - name: load-local-files
                connections: [shop]
                groups: [admins]
                classes: [dangerous_admin]
                command: "^load\\\\s+data\\\\s+local\\\\s+infile"
                action: allow
              - name: mysql-text
                connections: [shop, shop_ed, rogue_infile]
                classes: [unknown]
                action: allow
            """;

    /**
     * What MySQL Connector/J sets at connect that the MySQL classifier refuses (docs/mysql.md, "Client
     * flags"): {@code SET character_set_results = NULL}. MariaDB Connector/J connects unchanged (its
     * {@code CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')} only makes the server stricter).
     */
    static final String MYSQL_CONNECTOR_J_SETTINGS = "&characterSetResults=utf8mb4";
    static final String MARIADB_CONNECTOR_J_SETTINGS = "";

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        gateway = TestGateway.start(connections(mariadb), POLICY, 4 * 1024 * 1024);
    }

    static List<ConnectionConfig> connections(TestMariaDb mariadb) throws IOException {
        Path secret = Files.createTempFile("tracegate-mysql", ".secret");
        Files.writeString(secret, TestMariaDb.PASSWORD, StandardCharsets.UTF_8);
        SecretReference password = SecretReference.of("file:" + secret);
        return List.of(
                new MysqlConnectionConfig("shop", "127.0.0.1", mariadb.port(), "shop", TestMariaDb.NATIVE_USER, password,
                        null, null),
                new MysqlConnectionConfig("shop_ed", "127.0.0.1", mariadb.port(), "shop", TestMariaDb.ED25519_USER,
                        password, null, null));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static int port() {
        return gateway.gateway().port(MysqlEngine.PROTOCOL);
    }

    private static Connection mysqlConnectorJ(String connection, String token, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port() + "/" + connection
                + "?sslMode=REQUIRED&user=analyst&password=" + token + MYSQL_CONNECTOR_J_SETTINGS + options);
    }

    private static Connection mariadbConnectorJ(String connection, String token, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port() + "/" + connection
                + "?sslMode=trust&user=analyst&password=" + token + MARIADB_CONNECTOR_J_SETTINGS + options);
    }

    @Test
    void mysqlConnectorJSelectsOverTlsAndTheCommandIsRecordedBeforeItRan() throws Exception {
        long from = gateway.events("command", 0).size();
        try (Connection c = mysqlConnectorJ("shop", TestGateway.ADMIN_TOKEN, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT name, email FROM customers ORDER BY id")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            assertThat(names).containsExactly("Ada Lovelace", "Grace Hopper", "Alan Turing");
        }
        List<JsonNode> commands = gateway.events("command", 0);
        assertThat(commands.stream().map(e -> e.path("detail").path("text").asText()))
                .contains("SELECT name, email FROM customers ORDER BY id");
        JsonNode opened = gateway.events("session.open", 0).getLast();
        assertThat(opened.path("detail").path("tls").asBoolean()).isTrue();
        assertThat(opened.path("detail").path("auth_plugin").asText()).isEqualTo("caching_sha2_password");
        assertThat(commands.size()).isGreaterThan((int) from);
    }

    @Test
    void preparedStatementsRunWithTheirParametersRecorded() throws Exception {
        try (Connection c = mysqlConnectorJ("shop", TestGateway.ADMIN_TOKEN, "&useServerPrepStmts=true");
             PreparedStatement select = c.prepareStatement("SELECT name, loyalty_points FROM customers WHERE id = ? AND name <> ?")) {
            select.setInt(1, 2);
            select.setString(2, "nobody-7731");
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Grace Hopper");
                assertThat(rs.getLong(2)).isEqualTo(1906);
            }
        }
        JsonNode execute = gateway.events("command", 0).stream()
                .filter(e -> "COM_STMT_EXECUTE".equals(e.path("detail").path("message").asText()))
                .filter(e -> e.path("detail").path("params").toString().contains("nobody-7731"))
                .findFirst().orElseThrow();
        assertThat(execute.path("detail").path("text").asText())
                .isEqualTo("SELECT name, loyalty_points FROM customers WHERE id = ? AND name <> ?");
        assertThat(execute.path("detail").path("params").get(0).asText()).isEqualTo("2");
    }

    @Test
    void aBlockedStatementGetsAClearErrorIsRecordedAndTheSessionGoesOn() throws Exception {
        try (Connection c = mariadbConnectorJ("shop", TestGateway.ADMIN_TOKEN, "");
             Statement statement = c.createStatement()) {
            assertThatThrownBy(() -> statement.execute("DROP TABLE scratch"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("blocked by policy rule no-drop: tables are not dropped through the gateway");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM scratch")) {
                assertThat(rs.next()).isTrue();
            }
        }
        assertThat(gateway.events("command.blocked", 0).stream()
                .map(e -> e.path("detail").path("rule").asText())).contains("no-drop");
    }

    /**
     * A card number kept in a DOUBLE column arrives as {@code 4.111111111111111e15} in text rows
     * and as eight bytes in binary ones: it is scanned as the whole number it is, and masked (NULL,
     * since no masked text is a double), while a price passes as stored.
     */
    @Test
    void aCardNumberInADoubleColumnIsMaskedInTextAndBinaryRows() throws Exception {
        mariadb.sql("DROP TABLE IF EXISTS shop.float_cards",
                "CREATE TABLE shop.float_cards (id int PRIMARY KEY, card double, price double)",
                "INSERT INTO shop.float_cards VALUES (1, 4111111111111111, 12.5), (2, 5555555555554444, 20)");
        for (String options : List.of("", "&useServerPrepStmts=true")) {
            try (Connection c = mariadbConnectorJ("shop", TestGateway.ALICE_TOKEN, options);
                 PreparedStatement select = c.prepareStatement("SELECT card, price FROM float_cards WHERE id > ? ORDER BY id")) {
                select.setInt(1, 0);
                try (ResultSet rs = select.executeQuery()) {
                    List<String> cards = new ArrayList<>();
                    List<Double> prices = new ArrayList<>();
                    while (rs.next()) {
                        cards.add(rs.getString(1));
                        prices.add(rs.getDouble(2));
                    }
                    assertThat(cards).as(options).containsExactly(null, null);
                    assertThat(prices).as(options).containsExactly(12.5, 20.0);
                }
            }
        }
        try (Connection c = mariadbConnectorJ("shop", TestGateway.ADMIN_TOKEN, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT card FROM float_cards WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble(1)).as("admins are exempt").isEqualTo(4111111111111111.0);
        }
    }

    @Test
    void anAnalystsResultsAreMaskedInTextAndBinaryRowsWithBothDrivers() throws Exception {
        for (String options : List.of("", "&useServerPrepStmts=true")) {
            try (Connection c = mariadbConnectorJ("shop", TestGateway.ALICE_TOKEN, options);
                 PreparedStatement select = c.prepareStatement(
                         "SELECT id, name, email, card_number, loyalty_points FROM customers WHERE id <= ? ORDER BY id")) {
                select.setInt(1, 2);
                assertMasked(select.executeQuery(), options);
            }
            try (Connection c = mysqlConnectorJ("shop", TestGateway.ALICE_TOKEN, options);
                 PreparedStatement select = c.prepareStatement(
                         "SELECT id, name, email, card_number, loyalty_points FROM customers WHERE id <= ? ORDER BY id")) {
                select.setInt(1, 2);
                assertMasked(select.executeQuery(), options);
            }
        }
        try (Connection c = mysqlConnectorJ("shop", TestGateway.ADMIN_TOKEN, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT email FROM customers WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("admins are exempt").isEqualTo(TestMariaDb.EMAIL);
        }
    }

    private static void assertMasked(ResultSet rs, String options) throws SQLException {
        try (rs) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt("id")).isEqualTo(1);
            assertThat(rs.getString("name")).as("names are found by the profile's detectors").isNotEqualTo("Ada Lovelace");
            assertThat(rs.getString("email")).as(options).isNotEqualTo(TestMariaDb.EMAIL).contains("@");
            assertThat(rs.getString("card_number")).as(options).isNotEqualTo(TestMariaDb.CARD).endsWith("1111");
            assertThat(rs.getObject("loyalty_points")).as(options).isNull();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("email")).isNotEqualTo("grace@example.org");
        }
    }

    @Test
    void maskedValuesKeepTheirShapeInTextAndCharColumns() throws Exception {
        // MariaDB describes TEXT as a blob with a text character set and CHAR as "string": a masked
        // value is still text there, not NULL.
        mariadb.sql("CREATE OR REPLACE TABLE shop.notes (id int PRIMARY KEY, body text, code char(30))",
                "INSERT INTO shop.notes VALUES (1, '" + TestMariaDb.EMAIL + "', '" + TestMariaDb.CARD + "')");
        for (String options : List.of("", "&useServerPrepStmts=true")) {
            try (Connection c = mariadbConnectorJ("shop", TestGateway.ALICE_TOKEN, options);
                 PreparedStatement select = c.prepareStatement("SELECT body, code FROM notes WHERE id = ?")) {
                select.setInt(1, 1);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("body")).as(options).isNotNull().isNotEqualTo(TestMariaDb.EMAIL).contains("@");
                    assertThat(rs.getString("code")).as(options).isNotNull().isNotEqualTo(TestMariaDb.CARD).endsWith("1111");
                }
            }
        }
    }

    @Test
    void aMaskedCallerReadsViewsMaskedInTextAndBinaryRows() throws Exception {
        // The server names a column read through a view by the view (org_table), so the rule on
        // customers.email would not find it by that name: the gateway traces the view to the stored
        // column and masks it as that column (MysqlViewsThroughGatewayTest has the attacks).
        mariadb.sql("CREATE OR REPLACE VIEW shop.customer_contacts AS SELECT id, email AS contact, card_number FROM shop.customers",
                "CREATE OR REPLACE VIEW shop.contact_cards AS SELECT id, contact AS reach, card_number AS pan FROM shop.customer_contacts");
        for (String options : List.of("", "&useServerPrepStmts=true")) {
            try (Connection c = mariadbConnectorJ("shop", TestGateway.ALICE_TOKEN, options)) {
                for (String query : List.of("SELECT contact, card_number FROM customer_contacts WHERE id = ?",
                        "SELECT reach, pan FROM contact_cards WHERE id = ?")) {
                    try (PreparedStatement select = c.prepareStatement(query)) {
                        select.setInt(1, 1);
                        try (ResultSet rs = select.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getString(1)).as(query + options).isNotEqualTo(TestMariaDb.EMAIL).contains("@");
                            assertThat(rs.getString(2)).as(query + options).isNotEqualTo(TestMariaDb.CARD).endsWith("1111");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMaskedCallerCannotComputeFromAProtectedColumnButMayCount() throws Exception {
        for (String options : List.of("", "&useServerPrepStmts=true")) {
            try (Connection c = mariadbConnectorJ("shop", TestGateway.ALICE_TOKEN, options);
                 Statement statement = c.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT reverse(`email`) FROM customers"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("mask-personal-data");
                assertThatThrownBy(() -> {
                    PreparedStatement concat = c.prepareStatement("SELECT concat(email, ?) FROM customers");
                    concat.setString(1, "x");
                    concat.executeQuery();
                }).isInstanceOf(SQLException.class).hasMessageContaining("mask-personal-data");
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM customers")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(3);
                }
            }
        }
    }

    @Test
    void theMariadbCommandLineClientWorksWithItsTokenAsPassword() throws Exception {
        Process mariadbCli = new ProcessBuilder("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", Integer.toString(port()),
                "--ssl", "-u", "analyst", "-p" + TestGateway.ADMIN_TOKEN, "shop", "-N", "-e",
                "SELECT name FROM customers WHERE id = 3; SELECT 40 + 2").redirectErrorStream(true).start();
        String output = new String(mariadbCli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mariadbCli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("Alan Turing").contains("42");
        assertThat(mariadbCli.exitValue()).as(output).isZero();
    }

    @Test
    void comInitDbIsRecordedAndDecidedAsUse() throws Exception {
        // The mariadb client's "use" command sends COM_INIT_DB, not SQL.
        assertThat(cli(TestGateway.ADMIN_TOKEN, "use mysql")).contains("ERROR 1227")
                .contains("blocked by policy rule no-system-databases: the server's own databases are not for callers");
        assertThat(cli(TestGateway.ADMIN_TOKEN, "use performance_schema")).contains("ERROR 1227");
        assertThat(cli(TestGateway.ADMIN_TOKEN, "use shop\nSELECT DATABASE()")).isEqualTo("shop");
        // A masked caller's names must resolve where the lineage check resolves them.
        assertThat(cli(TestGateway.ALICE_TOKEN, "use shop")).contains("ERROR 1227").contains("mask-personal-data");
        List<String> initDbs = gateway.events("command", 0).stream().map(e -> e.path("detail"))
                .filter(d -> "COM_INIT_DB".equals(d.path("message").asText())).map(d -> d.path("text").asText()).toList();
        assertThat(initDbs).contains("USE `mysql`", "USE `performance_schema`", "USE `shop`");
    }

    @Test
    void longDataIsRecordedWithTheExecuteItBelongsTo() throws Exception {
        mariadb.sql("CREATE OR REPLACE TABLE shop.documents (id int PRIMARY KEY, body text)");
        String body = "streamed-long-data-" + "x".repeat(300);
        try (Connection c = mysqlConnectorJ("shop", TestGateway.ADMIN_TOKEN, "&useServerPrepStmts=true");
             PreparedStatement insert = c.prepareStatement("INSERT INTO documents VALUES (?, ?)")) {
            insert.setInt(1, 7);
            insert.setCharacterStream(2, new java.io.StringReader(body));
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        assertThat(mariadb.query("SELECT body FROM shop.documents WHERE id = 7").strip()).isEqualTo(body);
        JsonNode execute = gateway.events("command", 0).stream().map(e -> e.path("detail"))
                .filter(d -> "COM_STMT_EXECUTE".equals(d.path("message").asText()))
                .filter(d -> d.path("text").asText().equals("INSERT INTO documents VALUES (?, ?)")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(execute.path("params").get(0).asText()).isEqualTo("7");
        assertThat(execute.path("params").get(1).asText()).isEqualTo(body);
    }

    @Test
    void loadDataLocalInfileRunsOnlyWhereThePolicyAllowsItAndTheFileIsRecordedBySizeAndHash() throws Exception {
        mariadb.sql("CREATE OR REPLACE TABLE shop.loaded (id int)");
        Path file = Files.createTempFile("tracegate-infile", ".txt");
        byte[] content = "11\n12\n13\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, content);
        String load = "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE loaded";

        assertThat(cli(TestGateway.ADMIN_TOKEN, load + ";")).isEmpty();
        assertThat(mariadb.query("SELECT group_concat(id ORDER BY id) FROM shop.loaded").strip()).isEqualTo("11,12,13");
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(gateway.events("command.result", 0).stream().map(e -> e.path("detail").path("tags").toString()))
                .anyMatch(tags -> tags.contains("LOCAL INFILE " + content.length + " bytes sha256 " + sha256));

        // Not allowed for analysts: refused before the server could ask for the file.
        assertThat(cli(TestGateway.ALICE_TOKEN, load + ";")).contains("ERROR 1227");
        assertThat(mariadb.query("SELECT count(*) FROM shop.loaded").strip()).isEqualTo("3");
    }

    /** The real mariadb client through the gateway, one statement or client command a line; its output. */
    private static String cli(String token, String commands) throws Exception {
        Process mariadbCli = new ProcessBuilder("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", Integer.toString(port()),
                "--ssl", "-u", "analyst", "-p" + token, "-A", "shop", "-N", "-B", "--force", "--local-infile=1")
                .redirectErrorStream(true).start();
        try (var in = mariadbCli.getOutputStream()) {
            in.write((commands + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(mariadbCli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mariadbCli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.strip();
    }

    @Test
    void theHeldPasswordLogsInWithMariadbsEd25519() throws Exception {
        try (Connection c = mariadbConnectorJ("shop_ed", TestGateway.ADMIN_TOKEN, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT current_user()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith(TestMariaDb.ED25519_USER + "@");
        }
    }

    @Test
    void withoutTlsTheCallerIsRefusedAndAWrongTokenIsRecorded() throws Exception {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port()
                + "/shop?sslMode=DISABLED&allowPublicKeyRetrieval=true&user=analyst&password=" + TestGateway.ADMIN_TOKEN).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("the gateway requires TLS");
        long failures = gateway.events("auth.failure", 0).size();
        assertThatThrownBy(() -> mysqlConnectorJ("shop", "not-a-token", "").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("must be a valid gateway token");
        assertThat(gateway.events("auth.failure", 0).size()).isGreaterThan((int) failures);
    }
}
