package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes whose WHERE reads like an equality with one value but holds for every row: the value is
 * the row's own, returned by a subquery tied to the row ({@code id = (SELECT l.order_id FROM links l
 * WHERE l.order_id = o.id LIMIT 1)}), or drawn anew for each row ({@code id = nextval('s')} of a
 * sequence standing at the first id). Through pgjdbc and the gateway, under a rule blocking bulk
 * writes, none runs; until 2026-12-07 each was a {@code write} and changed every row.
 */
class BoundedInAppearanceThroughGatewayTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), TestGateway.NO_BULK_WRITES_POLICY);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS ba_orders, ba_links");
            sql.execute("DROP SEQUENCE IF EXISTS ba_seq");
            sql.execute("CREATE TABLE ba_orders (id int PRIMARY KEY, note text)");
            sql.execute("CREATE TABLE ba_links (order_id int)");
            sql.execute("CREATE SEQUENCE ba_seq");
            sql.execute("GRANT ALL ON ba_orders, ba_links, ba_seq TO PUBLIC");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void refill() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("TRUNCATE ba_orders, ba_links");
            sql.execute("INSERT INTO ba_orders SELECT g, 'kept' FROM generate_series(1, 5) g");
            sql.execute("INSERT INTO ba_links SELECT g FROM generate_series(1, 5) g");
        }
    }

    @Test
    void aSubqueryThatReturnsTheRowsOwnValueBoundsNothing() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String write : List.of(
                    "UPDATE ba_orders o SET note = 'gone' WHERE id = (SELECT l.order_id FROM ba_links l"
                            + " WHERE l.order_id = o.id LIMIT 1)",
                    "DELETE FROM ba_orders WHERE id IN (SELECT l.order_id FROM ba_links l WHERE l.order_id = ba_orders.id)",
                    "DELETE FROM ba_orders o WHERE id = ANY (ARRAY(SELECT l.order_id FROM ba_links l"
                            + " WHERE l.order_id IN (o.id)))",
                    "DELETE FROM ba_orders o WHERE id = (SELECT s.v FROM (SELECT o.id AS v) s)",
                    "DELETE FROM ba_orders o WHERE id IS NOT DISTINCT FROM (SELECT coalesce(l.order_id, o.id)"
                            + " FROM ba_links l LIMIT 1)")) {
                assertThatThrownBy(() -> sql.execute(write)).as(write).isInstanceOf(SQLException.class)
                        .hasMessageContaining("no-bulk-writes");
            }
            // Tied to the row and AND'd with a test that tells rows apart, it is an ordinary write.
            sql.execute("UPDATE ba_orders o SET note = 'one' WHERE id = (SELECT l.order_id FROM ba_links l"
                    + " WHERE l.order_id = o.id LIMIT 1) AND id = 2");
        }
        assertThat(notes()).containsExactly("kept", "one", "kept", "kept", "kept");
    }

    @Test
    void aValueDrawnForEachRowBoundsNothing() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String write : List.of("UPDATE ba_orders SET note = 'gone' WHERE id = nextval('ba_seq')",
                    "DELETE FROM ba_orders WHERE id = pg_catalog.nextval('public.ba_seq'::regclass)",
                    "DELETE FROM ba_orders WHERE id IN (nextval('ba_seq'), 100)",
                    "DELETE FROM ba_orders WHERE id <> random()")) {
                try (Connection direct = TestTarget.direct(); Statement reset = direct.createStatement()) {
                    reset.execute("SELECT setval('ba_seq', 1, false)"); // the sequence stands at the first id
                }
                assertThatThrownBy(() -> sql.execute(write)).as(write).isInstanceOf(SQLException.class)
                        .hasMessageContaining("no-bulk-writes");
            }
        }
        assertThat(notes()).containsOnly("kept").hasSize(5);
    }

    private static List<String> notes() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT note FROM ba_orders ORDER BY id")) {
            List<String> notes = new java.util.ArrayList<>();
            while (rs.next()) {
                notes.add(rs.getString(1));
            }
            return notes;
        }
    }
}
