package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamPoolConfig;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.CopyInResponse;
import dev.tracegate.wire.postgres.frontend.Terminate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * The pool of upstream sessions (connections[].upstreamPool), through the gateway with pgjdbc and
 * a raw client against the embedded PostgreSQL: a backend is reused only by the same caller with
 * the same start-up settings, only after a clean end and a clean {@code DISCARD ALL}, and the next
 * session sees nothing of the one before.
 */
class UpstreamPoolThroughGatewayTest {

    /** Everything the tests leave behind in a session is allowed, so the reset is what removes it. */
    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: everything-allowed
                classes: [dangerous_admin, unknown]
                action: allow
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS pool_copy (v text)");
            sql.execute("CREATE EXTENSION IF NOT EXISTS dblink");
        }
        gateway = TestGateway.start(List.of(upstream("pooled", new UpstreamPoolConfig(4, 60)),
                upstream("pooled_briefly", new UpstreamPoolConfig(4, 1)), upstream("metered", new UpstreamPoolConfig(1, 60)),
                upstream("unpooled", null), upstream("queued", new UpstreamPoolConfig(4, 60, 2, 60)),
                upstream("single", new UpstreamPoolConfig(4, 60, 1, 10)),
                upstream("single_briefly", new UpstreamPoolConfig(4, 60, 1, 1))), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void sequentialSessionsOfOneCallerRunOnOneBackendAndTheEvidenceSaysSo() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "pooled");
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pids.add(backendPid("pooled", "sequential"));
        }
        assertThat(Set.copyOf(pids)).hasSize(1);

        List<JsonNode> opens = new ArrayList<>();
        for (String session : newSessions("pooled", earlier, 5)) {
            opens.add(gateway.closedSessionEvents(session).getFirst());
        }
        assertThat(opens).allSatisfy(open -> {
            assertThat(open.path("type").asText()).isEqualTo("session.open");
            assertThat(open.path("detail").path("upstream").path("backend_pid").asInt()).isEqualTo(pids.getFirst());
        });
        assertThat(opens.stream().filter(open -> open.path("detail").path("upstream").path("reused").asBoolean()))
                .hasSize(4);
    }

    @Test
    void withoutAnUpstreamPoolEverySessionHasItsOwnBackend() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "unpooled");
        Set<Integer> pids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            pids.add(backendPid("unpooled", "sequential"));
        }
        assertThat(pids).hasSize(3);
        for (String session : newSessions("unpooled", earlier, 3)) {
            assertThat(gateway.closedSessionEvents(session).getFirst().path("detail").has("upstream")).isFalse();
        }
    }

    @Test
    void aReusedBackendKeepsNothingOfTheSessionBefore() throws Exception {
        String intervalStyle;
        int first;
        try (Connection c = connect("pooled", "leftovers"); Statement sql = c.createStatement()) {
            first = pid(sql);
            intervalStyle = text(sql, "SHOW IntervalStyle");
            sql.execute("CREATE TEMP TABLE pool_leftover (v int)");
            sql.execute("SET IntervalStyle = 'sql_standard'");
            sql.execute("SET statement_timeout = '7s'");
            sql.execute("PREPARE pool_prepared AS SELECT 1");
            sql.execute("LISTEN pool_channel");
            sql.execute("SELECT pg_advisory_lock(4242)");
            sql.execute("DECLARE pool_cursor CURSOR WITH HOLD FOR SELECT 1");
            assertThat(c.unwrap(PGConnection.class).getParameterStatus("IntervalStyle")).isEqualTo("sql_standard");
        }
        try (Connection c = connect("pooled", "leftovers"); Statement sql = c.createStatement()) {
            assertThat(pid(sql)).as("the same backend").isEqualTo(first);
            assertThat(number(sql, "SELECT count(*) FROM pg_class WHERE relname = 'pool_leftover'")).isZero();
            assertThat(text(sql, "SHOW IntervalStyle")).isEqualTo(intervalStyle);
            assertThat(c.unwrap(PGConnection.class).getParameterStatus("IntervalStyle"))
                    .as("the start-up report is the backend's state after the reset").isEqualTo(intervalStyle);
            assertThat(text(sql, "SHOW statement_timeout")).isEqualTo("0");
            assertThat(number(sql, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'pool_prepared'")).isZero();
            assertThat(number(sql, "SELECT count(*) FROM pg_listening_channels()")).isZero();
            assertThat(number(sql, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"))
                    .isZero();
            assertThat(number(sql, "SELECT count(*) FROM pg_cursors WHERE name = 'pool_cursor'")).isZero();
        }
    }

    @Test
    void aSessionThatEndsInsideATransactionClosesItsBackend() throws Exception {
        int first;
        try (Connection c = connect("pooled", "in-transaction"); Statement sql = c.createStatement()) {
            first = pid(sql);
            c.setAutoCommit(false);
            sql.execute("INSERT INTO pool_copy VALUES ('uncommitted')");
        }
        assertThat(backendPid("pooled", "in-transaction")).isNotEqualTo(first);
        awaitGone(first);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            assertThat(number(sql, "SELECT count(*) FROM pool_copy WHERE v = 'uncommitted'")).isZero();
        }
    }

    @Test
    void aSessionThatEndsInTheMiddleOfACopyClosesItsBackend() throws Exception {
        Map<String, String> settings = Map.of("application_name", "mid-copy");
        int first;
        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "pooled",
                settings)) {
            first = rawPid(client);
            client.sendBatch(List.of(query("COPY pool_copy FROM STDIN")));
            assertThat(client.readUntil(CopyInResponse.TYPE, 1).getLast().type()).isEqualTo(CopyInResponse.TYPE);
            client.send(Terminate.INSTANCE.encode());
        }
        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "pooled",
                settings)) {
            assertThat(rawPid(client)).isNotEqualTo(first);
        }
        awaitGone(first);
    }

    @Test
    void anotherCallerOrAnotherApplicationNameNeverGetsTheBackend() throws Exception {
        int alices = backendPid("pooled", "mine");
        assertThat(backendPid("pooled", "another application")).isNotEqualTo(alices);
        try (Connection c = connectAsAdmin("pooled", "mine"); Statement sql = c.createStatement()) {
            assertThat(pid(sql)).as("another caller").isNotEqualTo(alices);
        }
        assertThat(backendPid("pooled", "mine")).as("still kept for alice").isEqualTo(alices);
    }

    @Test
    void aBackendACancelWasForwardedToIsClosedNotReused() throws Exception {
        int first;
        try (Connection c = connect("pooled", "cancelled"); Statement sql = c.createStatement()) {
            first = pid(sql);
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    sql.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> sql.execute("SELECT pg_sleep(30)"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
            cancel.join();
            assertThat(pid(sql)).isEqualTo(first);
        }
        assertThat(backendPid("pooled", "cancelled")).isNotEqualTo(first);
        awaitGone(first);
    }

    @Test
    void aBackendTheServerEndedWhileIdleIsNeverHandedOut() throws Exception {
        int first = backendPid("pooled", "terminated");
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("SELECT pg_terminate_backend(" + first + ")");
        }
        awaitGone(first);
        int second = backendPid("pooled", "terminated");
        assertThat(second).isNotEqualTo(first);
        assertThat(backendPid("pooled", "terminated")).isEqualTo(second);
    }

    @Test
    void anIdleBackendIsClosedAfterTheIdleTimeout() throws Exception {
        int first = backendPid("pooled_briefly", "expiring");
        awaitGone(first);
        assertThat(backendPid("pooled_briefly", "expiring")).isNotEqualTo(first);
    }

    @Test
    void metricsShowTheBackendsKeptReusedOpenedAndClosedByWhy() throws Exception {
        backendPid("metered", "metrics");
        awaitMetric("tracegate_upstream_pool_idle{connection=\"metered\"}", 1);
        try (Connection first = connect("metered", "metrics"); Statement firstSql = first.createStatement()) {
            pid(firstSql);
            backendPid("metered", "metrics"); // while the kept one is taken: a backend of its own, then kept
            awaitMetric("tracegate_upstream_pool_idle{connection=\"metered\"}", 1);
        } // maxIdle is 1: this one is closed
        awaitMetric(closed("pool_full"), 1);
        try (Connection c = connect("metered", "metrics"); Statement sql = c.createStatement()) {
            c.setAutoCommit(false);
            sql.execute("INSERT INTO pool_copy VALUES ('metered')");
        } // ends inside a transaction
        awaitMetric(closed("not_clean_end"), 1);

        assertThat(metric("tracegate_upstream_pool_sessions_total{backend=\"reused\",connection=\"metered\"}")).isEqualTo(2);
        assertThat(metric("tracegate_upstream_pool_sessions_total{backend=\"opened\",connection=\"metered\"}")).isEqualTo(2);
        assertThat(metric("tracegate_upstream_pool_idle{connection=\"metered\"}")).isZero();
        for (String reason : List.of("reset_failed", "cancel_forwarded", "expired", "server_ended_while_idle")) {
            assertThat(metric(closed(reason))).as(reason).isZero();
        }
        assertThat(metrics()).as("a connection without a pool has no pool metrics")
                .doesNotContain("connection=\"unpooled\"");
    }

    @Test
    void withMaxSessionsFiveConcurrentSessionsTakeTurnsOnTwoBackends() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "queued");
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> sessions = new ArrayList<>();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < 5; i++) {
            sessions.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    try (Connection c = connect("queued", "five at once"); Statement sql = c.createStatement()) {
                        sql.execute("SELECT pg_sleep(1)"); // long enough for all five to ask while two hold
                        return pid(sql);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        go.countDown();
        Set<Integer> seen = new HashSet<>();
        CompletableFuture<Void> all = CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new));
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            while (!all.isDone()) {
                try (ResultSet rs = sql.executeQuery(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = 'five at once'")) {
                    while (rs.next()) {
                        seen.add(rs.getInt(1));
                    }
                }
                Thread.sleep(20);
            }
        }
        List<Integer> pids = sessions.stream().map(CompletableFuture::join).toList();
        clients.close();

        assertThat(pids).as("every session succeeded").hasSize(5);
        assertThat(Set.copyOf(pids)).as("backends the sessions ran on").hasSizeLessThanOrEqualTo(2);
        assertThat(seen).as("backends PostgreSQL ever had for them").hasSizeLessThanOrEqualTo(2);
        List<JsonNode> opens = new ArrayList<>();
        for (String session : newSessions("queued", earlier, 5)) {
            opens.add(gateway.closedSessionEvents(session).getFirst());
        }
        long waited = opens.stream().filter(open -> open.path("detail").path("upstream").has("waited_ms")).count();
        assertThat(waited).as("sessions that waited for their turn, as the evidence says").isGreaterThanOrEqualTo(1);
        assertThat(metric("tracegate_upstream_pool_wait_seconds_count{connection=\"queued\"}")).isEqualTo(waited);
        assertThat(metric("tracegate_upstream_pool_waiting{connection=\"queued\"}")).isZero();
    }

    @Test
    void aSessionWaitingPastTheQueueTimeoutIsRefusedAndRecorded() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "single_briefly");
        try (Connection holder = connect("single_briefly", "timing out"); Statement sql = holder.createStatement()) {
            pid(sql);
            assertThatThrownBy(() -> connect("single_briefly", "timing out"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"))
                    .hasMessageContaining("no upstream session of connection \"single_briefly\" became free within 1 s");
        }
        List<String> reasons = new ArrayList<>();
        for (String session : newSessions("single_briefly", earlier, 2)) {
            reasons.add(gateway.closedSessionEvents(session).getLast().path("detail").path("reason").asText());
        }
        assertThat(reasons).anySatisfy(reason -> assertThat(reason)
                .startsWith("upstream unavailable: no upstream session of connection \"single_briefly\" became free"));
        assertThat(metric("tracegate_upstream_pool_queue_timeouts_total{connection=\"single_briefly\"}")).isEqualTo(1);
        assertThat(backendPid("single_briefly", "timing out")).as("the slot of the session that ended is free").isPositive();
    }

    @Test
    void aBackendClosedInsteadOfKeptFreesItsSlot() throws Exception {
        Set<Integer> pids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            try (Connection c = connect("single", "ends in a transaction"); Statement sql = c.createStatement()) {
                pids.add(pid(sql));
                c.setAutoCommit(false);
                sql.execute("INSERT INTO pool_copy VALUES ('slot')");
            } // ends inside a transaction: its backend is closed, and maxSessions is 1
        }
        assertThat(pids).as("each session after one that ended in a transaction got a new backend").hasSize(3);
    }

    @Test
    void oneCallersQueueNeverHoldsUpAnotherCallerOrOtherSettings() throws Exception {
        try (Connection holder = connect("single", "per key"); Statement sql = holder.createStatement()) {
            int alices = pid(sql);
            try (Connection c = connectAsAdmin("single", "per key"); Statement adminSql = c.createStatement()) {
                assertThat(pid(adminSql)).as("another caller, while alice holds her only slot").isNotEqualTo(alices);
            }
            assertThat(backendPid("single", "other settings")).as("alice with other start-up settings").isNotEqualTo(alices);
        }
    }

    @Test
    void waitingSessionsGetTheirTurnInTheOrderTheyCame() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> second;
        CompletableFuture<Void> third;
        // Threads of their own: the common pool may have a single worker on a small machine.
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try (Connection holder = connect("single", "in order"); Statement sql = holder.createStatement()) {
                pid(sql);
                second = CompletableFuture.runAsync(() -> takeTurn("second", order), clients);
                awaitMetric("tracegate_upstream_pool_waiting{connection=\"single\"}", 1);
                third = CompletableFuture.runAsync(() -> takeTurn("third", order), clients);
                awaitMetric("tracegate_upstream_pool_waiting{connection=\"single\"}", 2);
            }
            CompletableFuture.allOf(second, third).get(30, TimeUnit.SECONDS);
        }
        assertThat(order).containsExactly("second", "third");
    }

    @Test
    void aClientThatLeavesWhileWaitingGivesUpItsPlaceAndNoBackendIsOpenedForIt() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "single");
        String waiting = "tracegate_upstream_pool_waiting{connection=\"single\"}";
        String opened = "tracegate_upstream_pool_sessions_total{backend=\"opened\",connection=\"single\"}";
        Map<String, String> settings = Map.of("application_name", "leaving");
        CompletableFuture<Integer> next;
        int held;
        long openedBefore;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try (RawPgClient holder = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "single",
                    settings)) {
                held = rawPid(holder);
                openedBefore = metric(opened);
                try (RawPgClient leaver = new RawPgClient(gateway.port()).tls()) {
                    leaver.startup(3, 0, Map.of("user", "alice", "database", "single", "application_name", "leaving"));
                    leaver.read(); // the gateway asks for the token
                    leaver.password(TestGateway.ALICE_TOKEN);
                    awaitMetric(waiting, 1);
                    next = CompletableFuture.supplyAsync(() -> {
                        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN,
                                "single", settings)) {
                            return rawPid(client);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, clients);
                    awaitMetric(waiting, 2);
                } // the leaver closes its connection while it waits first in line
                awaitMetric(waiting, 1); // while the holder still holds the only slot: the leaver's place is given up
                holder.send(Terminate.INSTANCE.encode());
            }
            assertThat(next.get(30, TimeUnit.SECONDS)).as("the next waiter runs on the holder's kept backend")
                    .isEqualTo(held);
        }
        assertThat(metric(opened)).as("no backend opened for the client that left").isEqualTo(openedBefore);
        List<List<JsonNode>> sessions = new ArrayList<>();
        for (String session : newSessions("single", earlier, 3)) {
            sessions.add(gateway.closedSessionEvents(session));
        }
        List<JsonNode> left = sessions.stream().filter(events -> events.getLast().path("detail").path("reason").asText()
                .equals("client left while waiting for an upstream session (upstreamPool.maxSessions)")).findFirst()
                .orElseThrow(() -> new AssertionError("no session recorded as left while waiting"));
        assertThat(left).extracting(event -> event.path("type").asText()).containsExactly("session.open", "session.close");
        assertThat(left.getFirst().path("detail").has("upstream")).as("no backend was taken or opened for it").isFalse();
    }

    /** A session that notes when it got its backend, and holds it a little so the next one's turn comes after. */
    private static void takeTurn(String name, List<String> order) {
        try (Connection c = connect("single", "in order"); Statement sql = c.createStatement()) {
            order.add(name);
            sql.execute("SELECT pg_sleep(0.2)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stoppingTheGatewayEndsTheSessionsWaitingForABackendAndRecordsThem() throws Exception {
        TestGateway own = TestGateway.start(List.of(upstream("stopping", new UpstreamPoolConfig(1, 60, 1, 120))), POLICY);
        Properties props = new Properties();
        props.setProperty("ApplicationName", "stopping");
        props.setProperty("assumeMinServerVersion", "9.4");
        Connection holder = own.connect("stopping", props);
        TestGateway restarted = null;
        try {
            pid(holder.createStatement());
            CompletableFuture<Connection> waiter = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    waiter.complete(own.connect("stopping", props));
                } catch (SQLException e) {
                    waiter.completeExceptionally(e);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> metric(own, "tracegate_upstream_pool_waiting{connection=\"stopping\"}") == 1);
            restarted = own.restarted();
            assertThat(waiter).failsWithin(Duration.ofSeconds(30));
            assertThat(restarted.events("session.close", 0)).as("the waiting session's end is in the evidence")
                    .anySatisfy(close -> assertThat(close.path("detail").path("reason").asText())
                            .isEqualTo("upstream unavailable: the gateway is shutting down"));
        } finally {
            holder.close(); // its socket was closed by the stop: pgjdbc closes quietly
            (restarted == null ? own : restarted).close();
        }
    }

    @Test
    void thePoolIsOffUnlessAConnectionAsksForIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pool.yaml");
        String connection = "connections: [{name: shop, host: db, port: 5432, username: app, upstreamAuth: trust%s}]\n";
        Files.writeString(file, connection.formatted(""));
        assertThat(shop(file).upstreamPool()).isNull();
        Files.writeString(file, connection.formatted(", upstreamPool: {}"));
        assertThat(shop(file).upstreamPool()).isEqualTo(new UpstreamPoolConfig(8, 60));
        Files.writeString(file, connection.formatted(", upstreamPool: {maxIdle: 64, idleTimeoutSeconds: 600}"));
        assertThat(shop(file).upstreamPool()).isEqualTo(new UpstreamPoolConfig(64, 600));
        Files.writeString(file, connection.formatted(", upstreamPool: {maxIdle: -1}"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("upstreamPool.maxIdle cannot be negative");
        assertThat(new UpstreamPoolConfig(64, 600).queues()).as("no bound on sessions unless set").isFalse();
        Files.writeString(file, connection.formatted(", upstreamPool: {maxIdle: 64, maxSessions: 64, queueTimeoutSeconds: 30}"));
        assertThat(shop(file).upstreamPool()).isEqualTo(new UpstreamPoolConfig(64, 60, 64, 30));
        Files.writeString(file, connection.formatted(", upstreamPool: {maxSessions: 64}"));
        assertThat(shop(file).upstreamPool().queueTimeoutSeconds()).isEqualTo(120);
        Files.writeString(file, connection.formatted(", upstreamPool: {maxSessions: -1}"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("upstreamPool.maxSessions cannot be negative");
    }

    private static PostgresConnectionConfig shop(Path file) {
        return (PostgresConnectionConfig) ConfigLoader.load(file).connection("shop").orElseThrow();
    }

    @Test
    void aBackendASessionSetUpAReplicationOriginOnIsClosedNotReused() throws Exception {
        // DISCARD ALL leaves the origin set up: the next session's commits would carry it.
        int first;
        try (Connection c = connect("pooled", "origin"); Statement sql = c.createStatement()) {
            first = pid(sql);
            sql.execute("SELECT pg_replication_origin_create('pool_origin')");
            sql.execute("SELECT pg_replication_origin_session_setup('pool_origin')");
        }
        try (Connection c = connect("pooled", "origin"); Statement sql = c.createStatement()) {
            assertThat(text(sql, "SELECT pg_replication_origin_session_is_setup()::text")).isEqualTo("false");
            assertThat(pid(sql)).isNotEqualTo(first);
        }
        awaitGone(first);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("SELECT pg_replication_origin_drop('pool_origin')");
        }
        assertThat(backendPid("pooled", "origin")).as("a backend without an origin is still kept")
                .isEqualTo(backendPid("pooled", "origin"));
    }

    @Test
    void aBackendASessionLeftADblinkConnectionOnIsClosedNotReused() throws Exception {
        String target = "host=127.0.0.1 port=" + TestTarget.port() + " dbname=" + TestTarget.DATABASE
                + " user=" + TestTarget.TRUST_USER;
        for (String connect : List.of("SELECT dblink_connect('pool_link', '" + target + "')",
                "SELECT dblink_connect('" + target + "')")) {
            int first;
            try (Connection c = connect("pooled", "dblink"); Statement sql = c.createStatement()) {
                first = pid(sql);
                sql.execute(connect);
            }
            try (Connection c = connect("pooled", "dblink"); Statement sql = c.createStatement()) {
                assertThat(text(sql, "SELECT coalesce(array_length(dblink_get_connections(), 1), 0)::text"))
                        .as(connect).isEqualTo("0");
                assertThat(pid(sql)).as(connect).isNotEqualTo(first);
            }
            awaitGone(first);
        }
        assertThat(backendPid("pooled", "dblink")).as("a backend without a dblink connection is still kept")
                .isEqualTo(backendPid("pooled", "dblink"));
    }

    private static ConnectionConfig upstream(String name, UpstreamPoolConfig pool) {
        return new PostgresConnectionConfig(name, "127.0.0.1", TestTarget.port(), TestTarget.DATABASE,
                TestTarget.TRUST_USER, null, UpstreamTlsMode.DISABLE, UpstreamAuth.TRUST, null, pool);
    }

    /** As alice, with application_name in the start-up message (pgjdbc sends it so only for a 9.0 server or later). */
    private static Connection connect(String connection, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("assumeMinServerVersion", "9.4");
        return gateway.connect(connection, props);
    }

    /** As admin, another caller than alice, with application_name in the start-up message. */
    private static Connection connectAsAdmin(String connection, String applicationName) throws SQLException {
        Properties admin = new Properties();
        admin.setProperty("ApplicationName", applicationName);
        admin.setProperty("assumeMinServerVersion", "9.4");
        admin.setProperty("password", TestGateway.ADMIN_TOKEN);
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + gateway.port() + "/" + connection + "?sslmode=require&user=admin", admin);
    }

    /** One whole session as alice: its backend's process id. */
    private static int backendPid(String connection, String applicationName) throws SQLException {
        try (Connection c = connect(connection, applicationName); Statement sql = c.createStatement()) {
            return pid(sql);
        }
    }

    private static int pid(Statement sql) throws SQLException {
        return (int) number(sql, "SELECT pg_backend_pid()");
    }

    private static int rawPid(RawPgClient client) throws Exception {
        List<PgFrame> frames = client.exchange(List.of(query("SELECT pg_backend_pid()")), 1);
        PgFrame row = frames.stream().filter(frame -> frame.type() == 'D').findFirst().orElseThrow();
        byte[] body = row.body();
        // One column: a 2-byte count, a 4-byte length, then the text.
        int length = ((body[2] & 0xff) << 24) | ((body[3] & 0xff) << 16) | ((body[4] & 0xff) << 8) | (body[5] & 0xff);
        return Integer.parseInt(new String(body, 6, length, StandardCharsets.US_ASCII));
    }

    private static long number(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The backend has left the server (the gateway closed it). */
    private static void awaitGone(int pid) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
                return number(sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 0;
            }
        });
    }

    private static String closed(String reason) {
        return "tracegate_upstream_pool_closed_total{connection=\"metered\",reason=\"" + reason + "\"}";
    }

    /** The gateway's {@code /metrics}, as an operator's scraper reads it. */
    private static String metrics() throws Exception {
        return metrics(gateway);
    }

    private static String metrics(TestGateway of) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + of.gateway().apiPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One series' value; {@code series} is its name and labels as Prometheus prints them. */
    private static long metric(String series) throws Exception {
        return metric(gateway, series);
    }

    private static long metric(TestGateway of, String series) throws Exception {
        return metrics(of).lines().filter(line -> line.startsWith(series + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in /metrics"));
    }

    /** The backend is kept or closed after its client is told the session ended: wait for the figure. */
    private static void awaitMetric(String series, long value) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> metric(series) == value);
    }

    private static List<String> newSessions(String connection, Set<String> earlier, int count) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> gateway.sessionIds("apikey:alice", connection).stream()
                        .filter(id -> !earlier.contains(id)).toList(), ids -> ids.size() == count);
    }
}
