package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked caller whose policy lets it reach the server's files (a rule allowing {@code
 * dangerous_admin}, as for a team that loads exports): a file of the server may hold protected
 * values in clear (an unmasked colleague's {@code COPY ... TO} export, the server's log), and
 * {@code COPY t FROM 'file'} or {@code FROM PROGRAM} moves them into a table no rule protects,
 * where the caller reads them back. Rows in COPY's own format ({@code TO STDOUT}, binary or text)
 * and files written by the caller are refused too.
 */
class ServerFilesThroughGatewayTest {

    /** A name has no shape a content detector finds: only its column's rule masks it. */
    private static final String NAME = "Ada Lovelace";
    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: sf_customers.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
              - name: load-exports
                connections: [app]
                classes: [dangerous_admin]
                action: allow
            """;

    private static TestGateway gateway;
    private static String export;

    @BeforeAll
    static void start() throws SQLException {
        export = "/tmp/tg-sf-export-" + System.nanoTime() + ".csv";
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS sf_customers, sf_loot");
            sql.execute("CREATE TABLE sf_customers (id int PRIMARY KEY, name text)");
            sql.execute("INSERT INTO sf_customers VALUES (1, '" + NAME + "')");
            sql.execute("CREATE TABLE sf_loot (v text)");
            // An unmasked colleague's export, on the database server's disk.
            sql.execute("COPY (SELECT name FROM sf_customers) TO '" + export + "'");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aServerFileIsNotCopiedIntoATableTheCallerReads() throws SQLException {
        for (String load : List.of("COPY sf_loot (v) FROM '" + export + "'",
                "COPY sf_loot FROM '" + export + "' WITH (FORMAT csv)",
                "COPY sf_loot FROM PROGRAM 'cat " + export + "'",
                "COPY sf_loot FROM '/nonexistent-" + System.nanoTime() + "'")) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                SQLException refused = null;
                try {
                    sql.execute(load);
                } catch (SQLException e) {
                    refused = e;
                }
                assertThat(readBack(sql)).as("what " + load + " loaded").doesNotContain(NAME);
                assertThat((Throwable) refused).as(load).isNotNull().hasMessageContaining("blocked by policy rule mask-personal-data");
            }
            assertThat(loot()).as("rows loaded by " + load).isZero();
        }
    }

    @Test
    void rowsInCopysOwnFormatAndFilesAreRefused() throws SQLException {
        for (String copy : List.of("COPY sf_customers TO STDOUT WITH (FORMAT binary)",
                "COPY (SELECT name FROM sf_customers) TO STDOUT (FORMAT binary)",
                "COPY BINARY sf_customers TO STDOUT", "COPY sf_customers TO STDOUT WITH BINARY",
                "COPY sf_customers TO '" + export + ".again'",
                "COPY (SELECT name FROM sf_customers) TO PROGRAM 'cat > " + export + ".again'",
                "SELECT pg_read_file('" + export + "')",
                "SELECT convert_from(pg_read_binary_file('" + export + "'), 'utf8')")) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                assertThatThrownBy(() -> sql.execute(copy)).as(copy).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule mask-personal-data")
                        .hasMessageNotContaining(NAME);
                assertThat(c.isValid(5)).as("the session survives " + copy).isTrue();
            }
        }
    }

    private static List<String> readBack(Statement sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery("SELECT v FROM sf_loot")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static int loot() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM sf_loot")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
