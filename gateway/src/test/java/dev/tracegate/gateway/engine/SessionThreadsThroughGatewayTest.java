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
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.platformThreadSessions}, driven with pgjdbc: that many connections run and relay on
 * operating-system threads (both directions of each), the next ones on virtual threads, and a
 * session that ends gives its place, and its threads, to the next connection. Every session is
 * served either way. Threads are counted by this gateway's session ids: other gateways of the same
 * test JVM relay on platform threads too (a count by name alone failed in CI when another class's
 * session was still ending).
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
                assertThat(platformRelays(gateway, "pg-client-")).as("client sides on platform threads").isEqualTo(2);
                assertThat(platformRelays(gateway, "pg-server-")).as("server sides on platform threads").isEqualTo(2);

                open.removeFirst().close();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> platformRelays(gateway, "pg-client-") == 1);
                open.add(gateway.connect("app"));
                assertThat(answer(open.getLast())).isEqualTo(42);
                assertThat(platformRelays(gateway, "pg-client-")).as("a session's end frees its place").isEqualTo(2);
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> platformRelays(gateway, "pg-client-") + platformRelays(gateway, "pg-server-") == 0);
            Set<Thread> kept = threadsNamed(SessionThreads.idleName());
            Set<String> earlier = gateway.sessionIds("apikey:alice", "app");
            try (Connection next = gateway.connect("app")) {
                assertThat(answer(next)).isEqualTo(42);
                String session = gateway.newSession("apikey:alice", "app", earlier);
                assertThat(threadsNamed("pg-client-" + session)).as("a new session takes a kept thread").hasSize(1)
                        .isSubsetOf(kept);
                assertThat(threadsNamed("pg-server-" + session)).hasSize(1).isSubsetOf(kept);
            }
        }
    }

    @Test
    void noneWhenTheLimitIsZero() throws Exception {
        try (TestGateway gateway = TestGateway.start((String) null, limitsWithPlatformSessions(0));
             Connection session = gateway.connect("app")) {
            assertThat(answer(session)).isEqualTo(42);
            assertThat(platformRelays(gateway, "pg-client-") + platformRelays(gateway, "pg-server-")).isZero();
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

    /** This gateway's sessions' relays on live platform threads named {@code prefix} and the session's id. */
    private static int platformRelays(TestGateway gateway, String prefix) {
        Set<String> names = gateway.sessionIds("apikey:alice", "app").stream().map(id -> prefix + id).collect(Collectors.toSet());
        return (int) liveThreads().stream().filter(thread -> names.contains(thread.getName())).count();
    }

    private static Set<Thread> threadsNamed(String name) {
        return liveThreads().stream().filter(thread -> thread.getName().equals(name)).collect(Collectors.toSet());
    }

    /** Live platform threads: {@link Thread#getAllStackTraces} lists no virtual thread. */
    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }
}
