package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.ConsoleBrowser;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.identity.CreatedServiceAccountKey;
import dev.tracegate.gateway.identity.JdbcServiceAccountStore;
import dev.tracegate.gateway.identity.NewServiceAccountKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MySQL session open when the service-account key it signed in with is revoked runs nothing
 * more, through the real gateway with Connector/J: revoked through this node's API (at once) or by
 * another node sharing the store (here: straight in the store, which this node learns of through its
 * key cache within seconds). Before, the session kept running statements until the client left.
 */
class MysqlRevokedKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REVOKED = "the credential this session signed in with was revoked";
    private static MysqlGatewayFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = MysqlGatewayFixture.start("defaults:\n  action: allow\n");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aSessionEndsAtItsNextStatementOnceItsKeyIsRevokedHere() throws Exception {
        String admin = "Bearer " + TestGateway.ADMIN_TOKEN;
        HttpResponse<String> created = api(HttpRequest.newBuilder(api("/api/service-accounts")).header("Authorization", admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"account\": \"mysql-reports\", \"kind\": \"service\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JSON.readTree(created.body()).path("secret").asText();
        String keyId = JSON.readTree(created.body()).path("key").path("id").asText();

        try (Connection withKey = fixture.connect(secret); Connection unrelated = fixture.connect(TestGateway.ALICE_TOKEN)) {
            assertThat(one(withKey)).isEqualTo(1);
            HttpResponse<String> revoked = api(HttpRequest.newBuilder(api("/api/service-accounts/keys/" + keyId))
                    .header("Authorization", admin).DELETE());
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

            assertRefusedAndEnded(withKey);
            assertThat(one(unrelated)).as("a session of another key goes on").isEqualTo(1);
        }
        assertRecorded("sa:mysql-reports");
    }

    /** A session signed in with a token the console issued ends once that console session signs out. */
    @Test
    void aSessionOfAConsoleIssuedTokenEndsWhenTheConsoleSessionSignsOut() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.signIn(fixture.gateway, TestGateway.ALICE_TOKEN);
        HttpResponse<String> issued = browser.post("/api/tokens?minutes=60", null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = JSON.readTree(issued.body()).path("token").asText();

        try (Connection withToken = fixture.connect(token)) {
            assertThat(one(withToken)).isEqualTo(1);
            browser.signOut();

            // Until the gateway knows (a new session with the token is refused): a statement of the open session
            // running at the moment it learns of it is broken off with the session, and the client then says only
            // that its connection is closed.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refusesANewSession(token));
            assertThatThrownBy(() -> one(withToken)).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage())
                    .contains(REVOKED).contains("the console session has signed out or ended"));
            assertThat(withToken.isValid(5)).as("the session is ended, not only the statement refused").isFalse();
        }
    }

    @Test
    void aKeyRevokedByAnotherNodeEndsTheSessionWithinSeconds() throws Exception {
        JdbcServiceAccountStore store = new JdbcServiceAccountStore(fixture.gateway.gateway().store().dataSource());
        CreatedServiceAccountKey key = store.create(new NewServiceAccountKey("mysql-elsewhere", List.of(), "service", null,
                null, null));

        try (Connection withKey = fixture.connect(key.secret())) {
            assertThat(one(withKey)).isEqualTo(1);
            assertThat(store.revoke(key.key().id(), Instant.now())).isTrue();

            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline) {
                try {
                    one(withKey);
                    Thread.sleep(200);
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains(REVOKED);
                    break;
                }
            }
            assertThat(withKey.isValid(5)).as("ended within the key cache's time, not at the client's leisure").isFalse();
        }
        assertRecorded("sa:mysql-elsewhere");
    }

    @Test
    void aResultStreamingWhenItsKeyIsRevokedIsBrokenOffWithTheSession() throws Exception {
        JdbcServiceAccountStore store = new JdbcServiceAccountStore(fixture.gateway.gateway().store().dataSource());
        CreatedServiceAccountKey key = store.create(new NewServiceAccountKey("mysql-streaming", List.of(), "service", null,
                null, null));
        long rowsRead = 0;
        try (Connection withKey = fixture.connect(key.secret()); Statement statement = withKey.createStatement()) {
            statement.setFetchSize(1); // Connector/J streams: the server's rows wait in the sockets while this reads
            // A million rows of 200 bytes (not a recursive CTE: the server stops one at its recursion limit).
            try (ResultSet rows = statement.executeQuery("WITH d AS (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2"
                    + " UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7"
                    + " UNION ALL SELECT 8 UNION ALL SELECT 9) SELECT a.d, REPEAT('x', 200) FROM d a, d b, d c, d e, d f, d g")) {
                assertThat(rows.next()).isTrue();
                assertThat(api(HttpRequest.newBuilder(api("/api/service-accounts/keys/" + key.key().id()))
                        .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).DELETE()).statusCode()).isEqualTo(200);
                long revokedAt = System.nanoTime();
                try {
                    while (rows.next()) {
                        if (++rowsRead % 1000 == 0) {
                            Thread.sleep(10); // a client that reads at its own pace: the result takes a while
                        }
                    }
                } catch (SQLException brokenOff) {
                    assertThat(brokenOff.getMessage()).as("broken off by the gateway, not refused by the server")
                            .doesNotContain("syntax").doesNotContain("recurs");
                }
                assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).as("ended with the key, not at the result's end")
                        .isLessThan(Duration.ofSeconds(20));
            }
        } catch (SQLException closing) {
            // Connector/J reports the gateway's end of the connection again as it closes it.
        }
        assertThat(rowsRead).as("the result did not run to its end (%d rows read)", rowsRead).isLessThan(999_999);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestGateway.eventsOfType(
                fixture.gateway.gateway().evidence(), EventType.SESSION_CLOSE).stream().anyMatch(event ->
                event.path("actor").path("sub").asText().equals("sa:mysql-streaming")
                        && event.path("detail").path("reason").asText().contains(REVOKED)));
    }

    private static void assertRefusedAndEnded(Connection session) throws SQLException {
        assertThatThrownBy(() -> one(session)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("28000");
            assertThat(e.getMessage()).contains(REVOKED).contains("service account key revoked");
        });
        assertThat(session.isValid(5)).as("the session is ended, not only the statement refused").isFalse();
    }

    /** One refused statement recorded as {@code revoked}, and the session's end saying why. */
    private static void assertRecorded(String subject) throws Exception {
        var evidence = fixture.gateway.gateway().evidence();
        assertThat(TestGateway.eventsOfType(evidence, EventType.COMMAND_BLOCKED)).filteredOn(event ->
                event.path("actor").path("sub").asText().equals(subject)).singleElement()
                .satisfies(event -> assertThat(event.path("detail").path("outcome").asText()).isEqualTo("revoked"));
        List<JsonNode> closes = TestGateway.eventsOfType(evidence, EventType.SESSION_CLOSE).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals(subject)).toList();
        assertThat(closes).singleElement().satisfies(event ->
                assertThat(event.path("detail").path("reason").asText()).contains(REVOKED));
    }

    private static boolean refusesANewSession(String token) {
        try (Connection session = fixture.connect(token)) {
            return false;
        } catch (SQLException refused) {
            return true;
        }
    }

    private static int one(Connection session) throws SQLException {
        try (Statement statement = session.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + fixture.gateway.gateway().apiPort() + path);
    }

    private static HttpResponse<String> api(HttpRequest.Builder request) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
