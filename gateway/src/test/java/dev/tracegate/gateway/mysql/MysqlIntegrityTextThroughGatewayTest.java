package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write that touches no protected column can still break a unique key that holds one, and
 * MariaDB quotes the whole key in its error or warning: moving a person to another tenant answers
 * {@code Duplicate entry '2-Ada Lovelace' for key 'tenant_name'}. Names have no shape a content
 * detector finds, and the caller's profile grants nothing on them. The admin, who sees clear text,
 * shows what the texts carry.
 */
class MysqlIntegrityTextThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: it_people.name, entity: person_name, strategy: redact}
            rules:
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [admins]
                mask: personal-data
              - name: mysql-text
                connections: [shop]
                classes: [unknown]
                action: allow
            """;
    private static final String MOVE = "UPDATE it_people SET tenant = 2 WHERE id = 1";

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        mariadb.sql("DROP TABLE IF EXISTS shop.it_people",
                "CREATE TABLE shop.it_people (id int PRIMARY KEY, tenant int, name varchar(64),"
                        + " UNIQUE KEY tenant_name (tenant, name))",
                "INSERT INTO shop.it_people VALUES (1, 1, 'Ada Lovelace'), (2, 2, 'Ada Lovelace'), (3, 2, 'Grace Hopper')");
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), POLICY, 4 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aDuplicateKeyErrorOfAMaskedCallerKeepsItsCodeAndWithholdsTheKey() throws Exception {
        try (Connection admin = connect(TestGateway.ADMIN_TOKEN, ""); Statement sql = admin.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate(MOVE)).as("what the error carries")
                    .hasMessageContaining("2-Ada Lovelace");
        }
        try (Connection alice = connect(TestGateway.ALICE_TOKEN, ""); Statement sql = alice.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate(MOVE))
                    .isInstanceOf(SQLIntegrityConstraintViolationException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1062))
                    .hasMessageContaining("tracegate: message withheld (error 1062, SQLSTATE 23000, integrity"
                            + " constraint violation for key 'tenant_name')")
                    .hasMessageNotContaining("Lovelace");
        }
        assertThat(gateway.events("command.result", 0).toString()).doesNotContain("Lovelace");
    }

    @Test
    void aPreparedWriteOfAMaskedCallerIsWithheldTheSame() throws Exception {
        try (Connection alice = connect(TestGateway.ALICE_TOKEN, "&useServerPrepStmts=true");
             PreparedStatement move = alice.prepareStatement("UPDATE it_people SET tenant = ? WHERE id = ?")) {
            move.setInt(1, 2);
            move.setInt(2, 1);
            assertThatThrownBy(move::executeUpdate)
                    .isInstanceOf(SQLIntegrityConstraintViolationException.class)
                    .hasMessageContaining("tracegate: message withheld (error 1062, SQLSTATE 23000, integrity"
                            + " constraint violation for key 'tenant_name')")
                    .hasMessageNotContaining("Lovelace");
        }
    }

    @Test
    void integrityErrorsThatNameOnlyColumnsKeepTheirText() throws Exception {
        try (Connection alice = connect(TestGateway.ALICE_TOKEN, ""); Statement sql = alice.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("INSERT INTO it_people (id, tenant, name) VALUES (NULL, 5, 'x')"))
                    .hasMessageContaining("Column 'id' cannot be null");
            assertThatThrownBy(() -> sql.executeQuery("SELECT no_such_column FROM it_people"))
                    .hasMessageContaining("no_such_column");
        }
    }

    private static Connection connect(String token, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gateway.gateway().port(MysqlEngine.PROTOCOL)
                + "/shop?sslMode=trust&user=analyst&password=" + token + options);
    }
}
