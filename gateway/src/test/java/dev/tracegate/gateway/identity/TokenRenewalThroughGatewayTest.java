package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.evidence.EventType;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renewing gateway tokens at {@code POST /api/tokens}, through the real API with real tokens: a
 * renewal never outlives the sign-in it comes from (a provider's token, an exchange, a key), keeps
 * the actor chain, is recorded, and a token derived from a service-account key dies with the key,
 * as do sessions open with either.
 */
class TokenRenewalThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = IdentityGateway.ADMIN_KEY;
    private static IdentityGateway gateway;
    private static MockIdentityProvider idp;

    @BeforeAll
    static void start() throws Exception {
        gateway = IdentityGateway.start();
        idp = gateway.idp();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aRenewalNeverOutlivesTheProvidersToken() throws Exception {
        String oktaToken = idp.token("okta", "00u-renew", "tracegate", Map.of(), Duration.ofMinutes(10));
        Instant oktaExpiry = claims(oktaToken).getExpirationTime().toInstant();

        JsonNode first = issue(oktaToken, "60");
        assertThat(Instant.parse(first.path("expires_at").asText())).as("capped by the provider's token")
                .isBeforeOrEqualTo(oktaExpiry);
        assertThat(Instant.parse(first.path("sign_in_ends_at").asText())).isBeforeOrEqualTo(oktaExpiry);

        String renewed = first.path("token").asText();
        for (int i = 0; i < 3; i++) {
            JsonNode next = issue(renewed, "60");
            assertThat(Instant.parse(next.path("expires_at").asText())).as("renewal %d", i).isBeforeOrEqualTo(oktaExpiry);
            renewed = next.path("token").asText();
        }
        assertThat(claims(renewed).getDateClaim("auth_time").toInstant())
                .isEqualTo(claims(oktaToken).getIssueTime().toInstant());

        JsonNode renewal = lastAdminAction("token.renew");
        assertThat(renewal.path("actor").path("sub").asText()).isEqualTo("00u-renew");
        assertThat(renewal.path("actor").path("iss").asText()).isEqualTo(idp.issuer("okta"));
        assertThat(renewal.path("detail").path("presented").path("type").asText()).isEqualTo("gateway-token");
        assertThat(Instant.parse(renewal.path("detail").path("sign_in_ends_at").asText())).isBeforeOrEqualTo(oktaExpiry);
    }

    @Test
    void aProviderTokenThatHasEndedBuysNothing() throws Exception {
        String ended = idp.tokenIssuedAt(Instant.now().minus(Duration.ofHours(2)), "okta", "00u-gone", "tracegate",
                Duration.ofHours(1));

        HttpResponse<String> refused = post("/api/tokens?minutes=15", ended);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("token expired");
    }

    @Test
    void aBadLifetimeIsAClientError() throws Exception {
        String oktaToken = idp.token("okta", "00u-minutes", "tracegate", Map.of());
        for (String minutes : List.of("0", "-5", "soon", "999999999999")) {
            HttpResponse<String> refused = post("/api/tokens?minutes=" + minutes, oktaToken);
            assertThat(refused.statusCode()).as(minutes).isEqualTo(400);
            assertThat(refused.body()).contains("minutes must be a whole number");
        }
    }

    @Test
    void anExchangedTokenKeepsItsActorChainAndCannotBeExtended() throws Exception {
        // The CI platform's own token already says who acted through it (a delegated token).
        String ciToken = gateway.ciToken("repo:acme/shop:ref:refs/heads/main",
                Map.of("repository", "acme/shop", "ref", "refs/heads/main", "act", Map.of("sub", "release-agent")));
        JsonNode exchanged = JSON.readTree(gateway.exchange(ciToken, null).body());
        String serviceToken = exchanged.path("access_token").asText();
        Instant exchangedExpiry = claims(serviceToken).getExpirationTime().toInstant();

        JsonNode renewed = issue(serviceToken, "60");
        String renewedToken = renewed.path("token").asText();

        assertThat(Instant.parse(renewed.path("expires_at").asText())).as("the rule's lifetime is the whole sign-in")
                .isEqualTo(exchangedExpiry);
        Map<String, Object> act = claims(renewedToken).getJSONObjectClaim("act");
        assertThat(act).containsEntry("iss", idp.issuer("github")).containsEntry("sub", "repo:acme/shop:ref:refs/heads/main")
                .containsEntry("act", Map.of("iss", idp.issuer("github"), "sub", "release-agent"));
        assertThat(claims(renewedToken).getJSONObjectClaim("act")).isEqualTo(claims(serviceToken).getJSONObjectClaim("act"));
        JsonNode renewal = lastAdminAction("token.renew");
        assertThat(renewal.path("actor").path("sub").asText()).isEqualTo("sa:shop-deployer");
        assertThat(renewal.path("detail").path("act").path("act").path("sub").asText()).isEqualTo("release-agent");
        assertThat(renewal.path("detail").path("presented").path("id").asText()).isEqualTo(claims(serviceToken).getJWTID());
    }

    @Test
    void aGatewayTokenIsNotASubjectTokenAndActorTokensAreRefused() throws Exception {
        String ciToken = gateway.ciToken("repo:acme/shop:ref:refs/heads/main",
                Map.of("repository", "acme/shop", "ref", "refs/heads/main"));
        String serviceToken = JSON.readTree(gateway.exchange(ciToken, null).body()).path("access_token").asText();

        HttpResponse<String> asSubject = gateway.exchange(serviceToken, null);
        assertThat(asSubject.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(asSubject.body()).path("error_description").asText())
                .contains("gateway tokens are renewed at POST /api/tokens");

        HttpResponse<String> withActor = gateway.exchange(ciToken, serviceToken);
        assertThat(withActor.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(withActor.body()).path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void tokensFromAServiceAccountKeyDieWithTheKey() throws Exception {
        HttpResponse<String> created = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/service-accounts"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"account\": \"nightly\", \"kind\": \"agent\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JSON.readTree(created.body()).path("secret").asText();
        String keyId = JSON.readTree(created.body()).path("key").path("id").asText();

        String fromKey = issue(secret, "30").path("token").asText();
        String renewed = issue(fromKey, "30").path("token").asText();
        assertThat(claims(renewed).getStringClaim("key")).isEqualTo("service-account-key:" + keyId);
        gateway.connect(renewed).close();
        String consoleCookie = consoleSignIn(secret);
        assertThat(me(consoleCookie).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/service-accounts/keys/" + keyId))
                .header("Authorization", "Bearer " + ADMIN_KEY).DELETE());
        assertThat(revoked.statusCode()).isEqualTo(200);

        for (String token : List.of(fromKey, renewed)) {
            assertThatThrownBy(() -> gateway.connect(token).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            HttpResponse<String> refused = post("/api/tokens", token);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("service account key revoked");
        }
        assertThat(me(consoleCookie).statusCode())
                .as("a console session opened with the key ends with it").isEqualTo(401);
    }

    @Test
    void aConsoleSessionOpenedWithAShortTokenEndsWithIt() throws Exception {
        String oktaToken = idp.token("okta", "00u-console", "tracegate", Map.of(), Duration.ofMinutes(5));
        Instant oktaExpiry = claims(oktaToken).getExpirationTime().toInstant();
        String cookie = consoleSignIn(issue(oktaToken, "5").path("token").asText());

        JsonNode me = JSON.readTree(me(cookie).body());
        assertThat(Instant.parse(me.path("session_expires_at").asText())).isBeforeOrEqualTo(oktaExpiry);

        HttpResponse<String> minted = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/tokens?minutes=60")).header("Cookie", cookie)
                .header("X-Tracegate-Csrf", me.path("csrf_token").asText()).header("Origin", gateway.origin())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        assertThat(Instant.parse(JSON.readTree(minted.body()).path("expires_at").asText())).isBeforeOrEqualTo(oktaExpiry);
        assertThat(lastAdminAction("token.issue").path("detail").path("presented").path("type").asText())
                .isEqualTo("console-session");
    }

    /**
     * A PostgreSQL session already open when the key it signed in with is revoked runs nothing more:
     * signed in with the key itself or with a gateway token derived from it (pgjdbc's statements are
     * Executes of statements allowed at their Parse). Before, both kept running statements.
     */
    @Test
    void sessionsOpenWithARevokedKeyOrItsTokenEndAtTheirNextStatement() throws Exception {
        JsonNode created = serviceAccountKey("reporting");
        String secret = created.path("secret").asText();
        String keyId = created.path("key").path("id").asText();
        HttpResponse<String> issued = gateway.api("POST", "/api/tokens?minutes=30", secret, null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String derivedToken = JSON.readTree(issued.body()).path("token").asText();

        try (Connection withKey = gateway.connect(secret); Connection withToken = gateway.connect(derivedToken);
             Connection unrelated = gateway.connect(IdentityGateway.ALICE_KEY)) {
            for (Connection session : List.of(withKey, withToken, unrelated)) {
                assertThat(one(session)).isEqualTo(1);
            }

            revokeKey(keyId);

            for (Connection session : List.of(withKey, withToken)) {
                assertThatThrownBy(() -> one(session)).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("the credential this session signed in with was revoked")
                            .contains("service account key revoked");
                });
                assertThat(session.isValid(5)).as("the session is ended, not only the statement refused").isFalse();
            }
            assertThat(one(unrelated)).as("a session of another key goes on").isEqualTo(1);
        }

        List<JsonNode> refusals = TestGateway.eventsOfType(gateway.gateway().evidence(), EventType.COMMAND_BLOCKED).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals("sa:reporting")).toList();
        assertThat(refusals).as("each refused statement is recorded as revoked").hasSize(2)
                .allSatisfy(event -> assertThat(event.path("detail").path("outcome").asText()).isEqualTo("revoked"));
        List<JsonNode> closes = TestGateway.eventsOfType(gateway.gateway().evidence(), EventType.SESSION_CLOSE).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals("sa:reporting"))
                .filter(event -> event.path("detail").path("reason").asText()
                        .contains("the credential this session signed in with was revoked")).toList();
        assertThat(closes).as("each session's end says why").hasSize(2);
    }

    /**
     * A person removed from a group at the provider keeps it only as long as the token that said so:
     * a PostgreSQL session open with a provider's token, or with a gateway token derived from it,
     * ends at its first statement after that token's end (the groups are read again only at a new
     * sign-in), and the evidence says why. Before, both sessions ran on with the old groups for as
     * long as the connection stayed open.
     */
    @Test
    void sessionsEndAtTheirNextStatementOnceTheTokenThatCarriedTheirGroupsHasEnded() throws Exception {
        String oktaToken = idp.token("okta", "00u-leaver", "tracegate", Map.of("groups", List.of("dba")), Duration.ofSeconds(6));
        Instant oktaExpiry = claims(oktaToken).getExpirationTime().toInstant();
        String derived = issue(oktaToken, "30").path("token").asText();

        try (Connection withProviderToken = gateway.connect(oktaToken); Connection withGatewayToken = gateway.connect(derived)) {
            for (Connection session : List.of(withProviderToken, withGatewayToken)) {
                assertThat(one(session)).isEqualTo(1);
            }
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(oktaExpiry));

            for (Connection session : List.of(withProviderToken, withGatewayToken)) {
                assertThatThrownBy(() -> one(session)).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("the sign-in this session stands for ended at " + oktaExpiry)
                            .contains("claimsMaxAgeSeconds").contains("sign in again");
                });
                assertThat(session.isValid(5)).as("the session is ended, not only the statement refused").isFalse();
            }
        }
        List<JsonNode> refusals = TestGateway.eventsOfType(gateway.gateway().evidence(), EventType.COMMAND_BLOCKED).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals("00u-leaver")).toList();
        assertThat(refusals).hasSize(2).allSatisfy(event ->
                assertThat(event.path("detail").path("outcome").asText()).isEqualTo("sign_in_ended"));
        List<JsonNode> opened = TestGateway.eventsOfType(gateway.gateway().evidence(), EventType.SESSION_OPEN).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals("00u-leaver")).toList();
        assertThat(opened).as("each session's opening says how long its groups count").hasSize(2).allSatisfy(event ->
                assertThat(event.path("detail").path("sign_in_ends_at").asText()).isEqualTo(oktaExpiry.toString()));
    }

    /**
     * A session signed in with a provider's token alone has no key for the revocation watch to ask
     * about, but its sign-in's end must stop what runs without commands as a revoked key does: a
     * statement running when the token's groups stop counting is ended then, not when it finishes
     * (here a minute later), and the evidence says why. Before, only the next command was refused.
     */
    @Test
    void aStatementRunningWhenTheProvidersTokenEndsIsEndedThenNotAtItsNextCommand() throws Exception {
        String oktaToken = idp.token("okta", "00u-long-running", "tracegate", Map.of("groups", List.of("dba")),
                Duration.ofSeconds(6));
        Instant oktaExpiry = claims(oktaToken).getExpirationTime().toInstant();

        try (Connection session = gateway.connect(oktaToken); Statement sql = session.createStatement()) {
            long started = System.nanoTime();
            // Both connections close under the statement: pgjdbc may read the FATAL or only the closed socket.
            assertThatThrownBy(() -> sql.execute("SELECT pg_sleep(60)")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ended at the token's end, not the statement's")
                    .isLessThan(Duration.ofSeconds(30));
            assertThat(Instant.now()).isAfterOrEqualTo(oktaExpiry);
            assertThat(session.isValid(5)).isFalse();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestGateway.eventsOfType(gateway.gateway().evidence(),
                EventType.SESSION_CLOSE).stream().anyMatch(event -> event.path("actor").path("sub").asText().equals("00u-long-running")
                && event.path("detail").path("reason").asText().contains("the sign-in this session stands for ended at " + oktaExpiry)));
    }

    /**
     * A provider may issue long-lived tokens (Entra ID lets a tenant set a day); the gateway acts on
     * one token's groups for at most {@code claimsMaxAgeSeconds} (an hour by default) after its
     * {@code iat}: a token older than that signs nothing in, and a session open with one ends when it
     * turns that old. Before, a two-hour token carried its groups for two hours in every session.
     */
    @Test
    void aLongLivedProviderTokenCarriesItsGroupsForAnHourAtMost() throws Exception {
        Instant issued = Instant.now().minusSeconds(3600 - 6);
        String almostAnHourOld = idp.tokenIssuedAt(issued, "okta", "00u-longlived", "tracegate", Duration.ofHours(2));
        String overAnHourOld = idp.tokenIssuedAt(Instant.now().minusSeconds(3700), "okta", "00u-longlived", "tracegate",
                Duration.ofHours(2));

        assertThatThrownBy(() -> gateway.connect(overAnHourOld)).isInstanceOf(SQLException.class);
        HttpResponse<String> refused = post("/api/tokens?minutes=15", overAnHourOld);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("issued more than claimsMaxAgeSeconds (3600 s) ago");

        try (Connection session = gateway.connect(almostAnHourOld)) {
            assertThat(one(session)).isEqualTo(1);
            Instant end = claims(almostAnHourOld).getIssueTime().toInstant().plusSeconds(3600);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(end));
            assertThatThrownBy(() -> one(session)).isInstanceOfSatisfying(SQLException.class, e ->
                    assertThat(e.getMessage()).contains("the sign-in this session stands for ended at " + end));
        }
    }

    /**
     * An approval does not outlive the key: a statement held for approvers when its session's key
     * is revoked does not run when a DBA approves it afterwards, and the session ends.
     */
    @Test
    void aStatementApprovedAfterItsSessionsKeyWasRevokedDoesNotRun() throws Exception {
        JsonNode created = serviceAccountKey("migrations");
        String secret = created.path("secret").asText();
        String keyId = created.path("key").path("id").asText();

        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple"); // one Query: its approval is the last look at it
        try (Connection session = gateway.connect(secret, simple)) {
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                try (Statement statement = session.createStatement()) {
                    statement.execute("CREATE TABLE approved_after_revocation (id int)");
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            });
            PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.gateway()
                    .approvals().pending().stream().filter(p -> p.request().command().contains("approved_after_revocation"))
                    .findFirst().orElse(null), p -> p != null);
            revokeKey(keyId);
            HttpResponse<String> approved = gateway.api("POST", "/api/approvals/" + pending.id() + "/approve",
                    IdentityGateway.DBA_KEY, "{\"reason\": \"looks fine\"}");
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

            assertThatThrownBy(() -> held.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class)
                    .cause().satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("28000");
                        assertThat(e.getMessage()).contains("the credential this session signed in with was revoked");
                    });
        }
        try (Connection other = gateway.connect(IdentityGateway.DBA_KEY); Statement statement = other.createStatement();
             ResultSet rows = statement.executeQuery("SELECT to_regclass('approved_after_revocation') IS NULL")) {
            rows.next();
            assertThat(rows.getBoolean(1)).as("the approved statement never ran").isTrue();
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /** A service-account key created through the API: its answer, with the secret and the key's id. */
    private static JsonNode serviceAccountKey(String account) throws Exception {
        HttpResponse<String> created = gateway.api("POST", "/api/service-accounts", IdentityGateway.ADMIN_KEY,
                JSON.createObjectNode().put("account", account).put("kind", "service").toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    private static void revokeKey(String keyId) throws Exception {
        HttpResponse<String> revoked = gateway.api("DELETE", "/api/service-accounts/keys/" + keyId, IdentityGateway.ADMIN_KEY,
                null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    }

    private static int one(Connection session) throws SQLException {
        try (Statement statement = session.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static JsonNode issue(String bearer, String minutes) throws Exception {
        HttpResponse<String> response = post("/api/tokens?minutes=" + minutes, bearer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String path, String bearer) throws Exception {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> me(String cookie) throws Exception {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/api/me")).header("Cookie", cookie).GET());
    }

    private static String consoleSignIn(String token) throws Exception {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/console/signin/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", gateway.origin())
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    /** The newest {@code admin.action} event with this action. */
    private static JsonNode lastAdminAction(String action) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode event : TestGateway.eventsOfType(gateway.gateway().evidence(), EventType.ADMIN_ACTION)) {
            if (event.path("detail").path("action").asText().equals(action)) {
                found.add(event);
            }
        }
        assertThat(found).as("an admin.action " + action).isNotEmpty();
        return found.getLast();
    }

    private static JWTClaimsSet claims(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

}
