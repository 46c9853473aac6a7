package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MariaDB's {@code SETVAL(seq, n)} moves a sequence, as PostgreSQL's {@code setval} does, from a
 * {@code SELECT} or a {@code DO}: a rule blocking writes must block it (it was classified as a read,
 * and {@code SELECT SETVAL(tg_order_ids, 1)} rewound the sequence past the rule, so the next orders
 * would reuse old numbers). Reading the sequence's next value stays a read, as in PostgreSQL.
 */
class MysqlSequenceWritesThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: read-only-shop
                connections: [shop]
                minClass: write
                action: block
                reason: shop is read-only through the gateway
            """;

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        mariadb.sql("DROP SEQUENCE IF EXISTS shop.tg_order_ids", "CREATE SEQUENCE shop.tg_order_ids START WITH 500");
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), POLICY, 4 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void setvalIsAWriteWhateverStatementCarriesIt() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                + gateway.gateway().port(MysqlEngine.PROTOCOL) + "/shop?sslMode=trust&user=caller&password="
                + TestGateway.ADMIN_TOKEN); Statement sql = c.createStatement()) {
            for (String write : List.of("SELECT SETVAL(tg_order_ids, 1)", "DO SETVAL(tg_order_ids, 1)",
                    "SELECT `setval`(shop.tg_order_ids, 1, 0)", "select setval(tg_order_ids, 1) from dual")) {
                assertThatThrownBy(() -> sql.execute(write)).as(write).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule read-only-shop");
            }
            try (ResultSet next = sql.executeQuery("SELECT NEXTVAL(tg_order_ids)")) {
                assertThat(next.next()).isTrue();
                assertThat(next.getLong(1)).as("the sequence was not moved back").isEqualTo(500);
            }
        }
    }
}
