package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.CallerLimits;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.platformThreadSessions}, driven with pgjdbc: that many signed-in sessions relay on
 * operating-system threads (both directions of each), the next ones on virtual threads, and a
 * session that ends gives its place, and its threads, to the next one to sign in. Every session is
 * served either way.
 */
class SessionThreadsThroughGatewayTest {

    @Test
    void theFirstSessionsRelayOnPlatformThreadsTheRestOnVirtualOnes() throws Exception {
        try (TestGateway gateway = TestGateway.start((String) null, limitsWithPlatformSessions(2))) {
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(gateway.connect("app"));
                }
                for (Connection session : open) {
                    assertThat(answer(session)).as("every session is served").isEqualTo(42);
                }
                assertThat(platformRelays("pg-client-")).as("client sides on platform threads").isEqualTo(2);
                assertThat(platformRelays("pg-server-")).as("server sides on platform threads").isEqualTo(2);

                open.removeFirst().close();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> platformRelays("pg-client-") == 1);
                open.add(gateway.connect("app"));
                assertThat(answer(open.getLast())).isEqualTo(42);
                assertThat(platformRelays("pg-client-")).as("a session's end frees its place").isEqualTo(2);
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> platformRelays("pg-client-") + platformRelays("pg-server-") == 0);
            int kept = platformRelays("session-relay-idle");
            assertThat(kept).as("the threads are kept for the next sessions").isGreaterThanOrEqualTo(2);
            try (Connection next = gateway.connect("app")) {
                assertThat(answer(next)).isEqualTo(42);
                assertThat(platformRelays("session-relay-idle")).as("a new session takes kept threads").isEqualTo(kept - 2);
            }
        }
    }

    @Test
    void noneWhenTheLimitIsZero() throws Exception {
        try (TestGateway gateway = TestGateway.start((String) null, limitsWithPlatformSessions(0));
             Connection session = gateway.connect("app")) {
            assertThat(answer(session)).isEqualTo(42);
            assertThat(platformRelays("pg-client-") + platformRelays("pg-server-")).isZero();
        }
    }

    private static CallerLimits limitsWithPlatformSessions(int sessions) {
        return new CallerLimits(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sessions);
    }

    private static int answer(Connection session) throws Exception {
        try (Statement sql = session.createStatement(); ResultSet rows = sql.executeQuery("SELECT 42")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Live platform threads by name: {@link Thread#getAllStackTraces} lists no virtual thread. */
    private static int platformRelays(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith(prefix))
                .count();
    }
}
