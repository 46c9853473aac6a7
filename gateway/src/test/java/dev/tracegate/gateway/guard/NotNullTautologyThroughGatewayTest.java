package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE FROM t WHERE id IS NOT NULL} on a NOT NULL {@code id} deletes every row: the
 * gateway asks the upstream's catalog which columns are NOT NULL and judges the write bulk, so a
 * rule blocking bulk writes blocks it. Until 2026-12-06 it was a write, and every row went.
 */
class NotNullTautologyThroughGatewayTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), TestGateway.NO_BULK_WRITES_POLICY);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS nn_orders");
            sql.execute("DROP DOMAIN IF EXISTS nn_code_outer");
            sql.execute("DROP DOMAIN IF EXISTS nn_code");
            sql.execute("CREATE DOMAIN nn_code AS int NOT NULL");
            sql.execute("CREATE DOMAIN nn_code_outer AS nn_code");
            sql.execute("CREATE TABLE nn_orders (id int NOT NULL, note text, code nn_code_outer DEFAULT 1,"
                    + " ref int DEFAULT 1 CHECK (ref IS NOT NULL))");
            sql.execute("GRANT ALL ON nn_orders TO PUBLIC");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aNullTestOfANotNullColumnIsABulkWriteWhateverTheProtocol() throws Exception {
        refill();
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String delete : List.of("DELETE FROM nn_orders WHERE id IS NOT NULL",
                    "DELETE FROM public.nn_orders o WHERE o.id NOTNULL", "UPDATE nn_orders SET note = 'gone' WHERE id IS"
                            + " DISTINCT FROM NULL OR note = 'x'",
                    // System columns are never null either.
                    "DELETE FROM nn_orders WHERE ctid IS NOT NULL", "UPDATE nn_orders SET note = 'gone' WHERE xmin NOTNULL"
                            + " OR note = 'x'", "DELETE FROM nn_orders WHERE NOT tableoid IS NULL",
                    // So are a column of a NOT NULL domain, and one whose CHECK says it is not null.
                    "DELETE FROM nn_orders WHERE code IS NOT NULL", "DELETE FROM nn_orders WHERE ref IS NOT NULL")) {
                assertThatThrownBy(() -> sql.execute(delete)).as(delete).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
            }
            try (PreparedStatement prepared = c.prepareStatement("DELETE FROM nn_orders WHERE id IS NOT NULL AND ? ")) {
                prepared.setBoolean(1, true);
                assertThatThrownBy(prepared::execute).isInstanceOf(SQLException.class);
            }
            assertThat(rows()).as("nothing deleted").isEqualTo(3);
            assertThat(gateway.events("command", 0).stream().filter(e -> e.toString().contains("WHERE id IS NOT NULL"))
                    .map(e -> e.path("detail").path("class").asText())).as("recorded bulk").contains("bulk_write");
            // A nullable column still tells rows apart.
            sql.execute("DELETE FROM nn_orders WHERE note IS NOT NULL");
            assertThat(rows()).isEqualTo(2);
        }
        // The schema is read at each statement: a column made NOT NULL counts from then on.
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("UPDATE nn_orders SET note = 'n'");
            sql.execute("ALTER TABLE nn_orders ALTER COLUMN note SET NOT NULL");
        }
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("DELETE FROM nn_orders WHERE note IS NOT NULL"))
                    .isInstanceOf(SQLException.class);
            assertThat(rows()).isEqualTo(2);
        }
    }

    private static void refill() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("TRUNCATE nn_orders");
            sql.execute("INSERT INTO nn_orders VALUES (1, NULL), (2, NULL), (3, 'noted')");
        }
    }

    private static int rows() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM nn_orders")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
