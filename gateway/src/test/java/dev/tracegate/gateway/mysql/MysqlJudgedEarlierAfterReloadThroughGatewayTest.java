package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code PREPARE s FROM '...'} is judged when it is prepared, {@code EXECUTE s} names only the
 * statement. When a policy reload masks the caller in between, what {@code EXECUTE} runs must be
 * judged under the masking in force then: {@code upper(name)} is a computed column the masker
 * cannot find, so prepared while the caller was unmasked it would return every name in clear.
 */
class MysqlJudgedEarlierAfterReloadThroughGatewayTest {

    private static final String NAME = "Ada Lovelace";
    private static final String CLEAR = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: jr_people.name, entity: person_name, strategy: redact}
            rules:
              - name: mysql-text
                connections: [shop]
                classes: [unknown]
                action: allow
            """;
    private static final String MASKED = CLEAR + """
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [admins]
                mask: personal-data
            """;

    @Test
    void aStatementPreparedBeforeTheCallerWasMaskedIsJudgedAgainWhenExecuted() throws Exception {
        TestMariaDb mariadb = TestMariaDb.get();
        mariadb.sql("DROP TABLE IF EXISTS shop.jr_people",
                "CREATE TABLE shop.jr_people (id int PRIMARY KEY, name varchar(64))",
                "INSERT INTO shop.jr_people VALUES (1, '" + NAME + "')");
        try (TestGateway gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), CLEAR,
                4 * 1024 * 1024);
             Connection alice = connect(gateway); Statement sql = alice.createStatement()) {
            sql.execute("PREPARE shout FROM 'SELECT upper(name) FROM jr_people'");
            assertThat(single(sql, "EXECUTE shout")).isEqualTo(NAME.toUpperCase());

            Files.writeString(Path.of(gateway.gateway().config().policyFile()), MASKED);
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> !single(sql, "SELECT name FROM jr_people").equals(NAME));

            assertThatThrownBy(() -> single(sql, "EXECUTE shout"))
                    .as("upper(name) computed on a protected column, run under the new masking")
                    .isInstanceOf(SQLException.class).hasMessageContaining("masked");
            sql.execute("PREPARE plain FROM 'SELECT name FROM jr_people'");
            assertThat(single(sql, "EXECUTE plain")).as("a stored column, masked").isNotEqualTo(NAME);
        }
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static Connection connect(TestGateway gateway) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gateway.gateway().port(MysqlEngine.PROTOCOL)
                + "/shop?sslMode=trust&user=analyst&password=" + TestGateway.ALICE_TOKEN);
    }
}
