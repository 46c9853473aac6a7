package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DBA's generated column computes on a protected column of its table as a view's column does
 * (a search column, {@code to_tsvector(name)}; a normalised copy, {@code upper(name)},
 * {@code lower(email)}), but the table describes it as a column of its own: no rule names it, and a
 * name or a reversed address has no shape a content detector finds. Such a column is read as
 * computed from the columns it names: a masked caller cannot have it returned, nor test it without
 * {@code any}; a generated column computed from unprotected columns stays free.
 */
class GeneratedColumnsThroughGatewayTest {

    private static final String NAME = "Ada Lovelace";
    private static final String EMAIL = "ada@example.com";
    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: gc_customers.name, entity: person_name, strategy: hash}
                    - {match: gc_customers.email, entity: email, strategy: "hash:format"}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS gc_customers");
            sql.execute("CREATE TABLE gc_customers (id int PRIMARY KEY, name text, email text,"
                    + " name_upper text GENERATED ALWAYS AS (upper(name)) STORED,"
                    + " name_words tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED,"
                    + " \"Mail Reversed\" text GENERATED ALWAYS AS (reverse(email)) STORED,"
                    + " id_twice int GENERATED ALWAYS AS (id * 2) STORED)");
            sql.execute("INSERT INTO gc_customers (id, name, email) VALUES (1, '" + NAME + "', '" + EMAIL + "')");
            sql.execute("GRANT ALL ON gc_customers TO PUBLIC");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aGeneratedColumnComputedFromAProtectedOneIsNotReturnedNorTested() throws SQLException {
        for (String query : List.of("SELECT name_upper FROM gc_customers", "SELECT name_words FROM gc_customers",
                "SELECT \"Mail Reversed\" FROM gc_customers", "SELECT * FROM gc_customers",
                "SELECT g.name_upper FROM gc_customers g WHERE id = 1",
                "SELECT id FROM gc_customers WHERE name_upper LIKE 'ADA%'",
                "SELECT id FROM gc_customers WHERE name_words @@ to_tsquery('simple', 'lovelace')")) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                assertThatThrownBy(() -> readAll(sql, query)).as(query).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule mask-personal-data")
                        .hasMessageNotContaining(NAME.toUpperCase());
            }
        }
    }

    @Test
    void aGeneratedColumnOfUnprotectedColumnsAndTheStoredColumnsStayFree() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThat(readAll(sql, "SELECT id_twice FROM gc_customers")).isEqualTo("2;");
            String masked = readAll(sql, "SELECT id, name, email FROM gc_customers");
            assertThat(masked).startsWith("1|").doesNotContain(NAME).doesNotContain(EMAIL);
        }
    }

    @Test
    void anUnmaskedCallerReadsThemAll() throws SQLException {
        Properties admin = new Properties();
        admin.setProperty("password", TestGateway.ADMIN_TOKEN);
        String url = gateway.jdbcUrl("app").replace("user=alice", "user=admin");
        try (Connection c = DriverManager.getConnection(url, admin); Statement sql = c.createStatement()) {
            assertThat(readAll(sql, "SELECT name_upper, \"Mail Reversed\" FROM gc_customers"))
                    .isEqualTo("ADA LOVELACE|moc.elpmaxe@ada;");
        }
    }

    private static String readAll(Statement sql, String query) throws SQLException {
        StringBuilder rows = new StringBuilder();
        try (ResultSet rs = sql.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rows.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.append(';');
            }
        }
        return rows.toString();
    }
}
