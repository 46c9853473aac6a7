package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.GatewayApi;
import java.io.Reader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * A service account's key is revoked while its session streams a COPY: copied rows are not
 * commands, so the check before each command alone would let the COPY run to its end and commit.
 * The session ends at the revocation instead, and nothing of the COPY lands.
 */
class RevokedWhileRunningThroughGatewayTest {

    @Test
    void aCopyRunningWhenItsKeyIsRevokedEndsAndLandsNothing() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS revoked_copy");
            sql.execute("CREATE TABLE revoked_copy (id int, note text)");
            sql.execute("GRANT ALL ON revoked_copy TO PUBLIC");
        }
        try (TestGateway gateway = TestGateway.start(List.of(), null)) {
            GatewayApi api = new GatewayApi(gateway);
            JsonNode loader = api.serviceAccount("copy-loader", "analysts", "service");
            long before = gateway.gateway().evidence().size();
            Properties props = new Properties();
            props.setProperty("password", loader.path("secret").asText());
            AtomicInteger sent = new AtomicInteger();
            Connection connection = DriverManager.getConnection(gateway.jdbcUrl("app"), props);
            try {
                CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> {
                    try {
                        return connection.unwrap(PGConnection.class).getCopyAPI()
                                .copyIn("COPY revoked_copy FROM STDIN", new SlowRows(sent, 200));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= 20);

                api.revokeKey(loader);

                assertThatThrownBy(() -> copy.get(15, TimeUnit.SECONDS)).as("the COPY ends with the session, not at its end")
                        .isInstanceOf(ExecutionException.class).rootCause().isInstanceOf(java.io.IOException.class);
                assertThat(sent.get()).as("ended before the client ran out of rows").isLessThan(200);
            } finally {
                closeEnded(connection);
            }
            gateway.awaitSessionClosed(before, "the credential this session signed in with was revoked");
        }
        try (Connection direct = TestTarget.direct(); ResultSet rows = direct.createStatement()
                .executeQuery("SELECT count(*) FROM revoked_copy")) {
            rows.next();
            assertThat(rows.getLong(1)).as("the COPY was not committed").isZero();
        }
    }

    /** pgjdbc reports the gateway's end of the connection again when it closes it. */
    private static void closeEnded(Connection connection) {
        try {
            connection.close();
        } catch (SQLException alreadyEnded) {
            // The gateway ended it: nothing is left to close.
        }
    }

    /** Rows of about a kilobyte, one every 100 ms, up to {@code rows} of them: a COPY that takes a while. */
    private static final class SlowRows extends Reader {

        private final AtomicInteger sent;
        private final int rows;

        SlowRows(AtomicInteger sent, int rows) {
            this.sent = sent;
            this.rows = rows;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            int row = sent.get();
            if (row >= rows) {
                return -1;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            String line = row + "\t" + "x".repeat(1000) + "\n";
            int n = Math.min(length, line.length());
            line.getChars(0, n, buffer, offset);
            sent.incrementAndGet();
            return n;
        }

        @Override
        public void close() {
        }
    }
}
