package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.wire.postgres.frontend.Query;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A client that asks for a large result and never reads it: the gateway does not buffer the
 * result for it (the upstream is held back by the client's own pace), other sessions are served
 * meanwhile, and when the client goes away its upstream backend is released.
 */
class SlowReaderTest {

    private static final String MARKER = "slow-reader-marker";

    @Test
    void aClientThatNeverReadsHoldsOnlyItsOwnSessionAndItsBackendGoesWithIt() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            RawPgClient stalled = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app");
            stalled.send(new Query("SELECT repeat('x', 1000), '" + MARKER + "' FROM generate_series(1, 2000000)").encode());
            // The upstream runs the query, then waits to send more rows than the client will take.
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> backends(true) == 1);

            for (int i = 0; i < 3; i++) {
                try (Connection other = gateway.connect("app"); Statement sql = other.createStatement();
                     ResultSet rs = sql.executeQuery("SELECT 'served meanwhile'")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("served meanwhile");
                }
            }
            // Two gigabytes of rows: had the gateway taken them all off the upstream, the query would be over.
            assertThat(backends(true)).as("the stalled query is still held back by its client's pace").isEqualTo(1);

            stalled.close();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(backends(false)).as("the upstream backend is released with its client").isZero());
        }
    }

    /** Upstream backends whose query is the marked one (still running it, if {@code active}). */
    private static int backends(boolean active) throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%" + MARKER
                     + "%' AND pid <> pg_backend_pid()" + (active ? " AND state = 'active'" : ""))) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
