package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.wire.mysql.ComQuery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A large result streams through the MySQL gateway in bounded memory: a client that asks for
 * two gigabytes of rows and never reads them holds the server back at its own pace (the gateway
 * does not take the rows off the server to buffer them), other sessions are served meanwhile, and
 * when the client goes away its upstream thread is released.
 */
class MysqlSlowReaderTest {

    private static final String MARKER = "mysql-slow-reader-marker";

    @Test
    void aClientThatNeverReadsHoldsOnlyItsOwnSessionAndItsUpstreamThreadGoesWithIt() throws Exception {
        TestMariaDb mariadb = TestMariaDb.get();
        try (TestGateway gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb),
                MysqlThroughGatewayTest.POLICY, 4 * 1024 * 1024)) {
            int port = gateway.gateway().port(MysqlEngine.PROTOCOL);
            RawMysqlClient stalled = new RawMysqlClient(port);
            assertThat(stalled.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            stalled.send(0, new ComQuery("SELECT REPEAT('x', 1000), '" + MARKER + "' FROM seq_1_to_2000000").encode());
            // The server runs the query, then waits to send more rows than the client takes.
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> upstreamThreads(mariadb) == 1);

            for (int i = 0; i < 3; i++) {
                try (Connection other = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port
                        + "/shop?sslMode=trust&user=analyst&password=" + TestGateway.ADMIN_TOKEN
                        + MysqlThroughGatewayTest.MARIADB_CONNECTOR_J_SETTINGS);
                     Statement sql = other.createStatement();
                     ResultSet rs = sql.executeQuery("SELECT 'served meanwhile'")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("served meanwhile");
                }
            }
            // Two gigabytes of rows: had the gateway taken them all off the server, the query would be over.
            assertThat(upstreamThreads(mariadb)).as("the stalled query is still held back by its client's pace")
                    .isEqualTo(1);

            stalled.close();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(upstreamThreads(mariadb)).as("the upstream thread is released with its client").isZero());
        }
    }

    /** Server threads running the marked query (the probe's own thread excluded). */
    private static int upstreamThreads(TestMariaDb mariadb) {
        String count = mariadb.query("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%" + MARKER
                + "%' AND ID <> CONNECTION_ID()");
        return Integer.parseInt(count.strip());
    }
}
