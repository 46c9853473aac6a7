package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.approval.ApprovalOutcome;
import dev.tracegate.gateway.approval.ApprovalRequest;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.Grant;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.console.ConsoleSession;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.policy.rules.ApprovalSpec;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The approvals API over real HTTP, with bearer tokens mapped to identities as ApiServer does. */
class ApprovalRoutesTest {

    private static final Identity ANALYST = person("analyst", "analysts");
    private static final Identity MALLORY = person("mallory", "analysts");
    private static final Identity DBA = person("dana", "dba");
    private static final Identity OTHER_DBA = person("dmitri", "dba");
    private static final Identity AUDITOR = person("aude", "auditors");
    private static final Map<String, Identity> TOKENS = Map.of("t-analyst", ANALYST, "t-mallory", MALLORY, "t-dba", DBA,
            "t-dba2", OTHER_DBA, "t-auditor", AUDITOR);
    /** Console sessions of the DBA, by how long ago they signed in. */
    private static final Map<String, Duration> CONSOLE_AGES = Map.of("console-this-morning", Duration.ofHours(3),
            "console-just-now", Duration.ofMinutes(2));
    /** Gateway tokens of the DBA issued through a console session, by how long ago that session signed in. */
    private static final Map<String, Duration> CONSOLE_TOKEN_AGES = Map.of("console-token-this-morning", Duration.ofHours(3),
            "console-token-just-now", Duration.ofMinutes(2));
    private static final ApprovalSpec ONE_DBA = new ApprovalSpec(List.of("dba"), 1, Duration.ofMinutes(10), List.of());
    private static final ApprovalSpec TWO_DBAS = new ApprovalSpec(List.of("dba"), 2, Duration.ofMinutes(10), List.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Store store;
    private static EvidenceLog log;
    private static ApprovalService approvals;
    private static Javalin app;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Answer(int status, JsonNode body) {
    }

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-approval-api");
        store = Store.open(new StoreConfig(null, null, null, null, null), dir);
        log = new EvidenceLog(store, dir.resolve("journal"), false);
        approvals = new ApprovalService(log, Clock.systemUTC(), List.of(), null);
        app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.routes.before("/api/*", ctx -> {
                String header = ctx.header("Authorization");
                String token = header == null ? "" : header.replaceFirst("^Bearer ", "");
                Duration consoleAge = CONSOLE_AGES.get(token);
                Duration consoleTokenAge = CONSOLE_TOKEN_AGES.get(token);
                Identity caller = consoleAge != null || consoleTokenAge != null ? DBA : TOKENS.get(token);
                if (caller == null) {
                    throw new ApiException(HttpStatus.UNAUTHORIZED, "send a bearer token");
                }
                ctx.attribute(ApiServer.IDENTITY, caller);
                // As a bearer token's verifier gives it: a sign-in that lasts an hour and names no key.
                SignIn signIn = new SignIn(caller, Instant.now(), Instant.now().plus(Duration.ofHours(1)), null, null,
                        new CredentialRef(CredentialRef.OIDC_TOKEN, null));
                if (consoleTokenAge != null) {
                    // As a gateway token issued through a console session gives it: that session's sign-in, carried through it.
                    signIn = new SignIn(caller, Instant.now().minus(consoleTokenAge), Instant.now().plus(Duration.ofHours(5)), null, null,
                            new CredentialRef(CredentialRef.GATEWAY_TOKEN, "jti"), new CredentialRef(CredentialRef.CONSOLE_SESSION, "ref"));
                }
                ctx.attribute(ApiServer.SIGN_IN, signIn);
                if (consoleAge != null) {
                    // As ApiServer finds a console session by its cookie: signed in that long ago, for eight hours.
                    Instant signedIn = Instant.now().minus(consoleAge);
                    ctx.attribute(ApiServer.CONSOLE_SESSION, new ConsoleSession(token, signIn, "csrf", signedIn.plus(Duration.ofHours(8)),
                            signedIn));
                }
            });
            ApprovalRoutes.register(javalin.routes, approvals, new SessionQueries(log));
            javalin.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
        });
        app.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        app.stop();
        approvals.close();
        log.close();
        store.close();
    }

    private static Identity person(String name, String... groups) {
        return new Identity("tracegate", "apikey:" + name, name, null, List.of(groups), "human");
    }

    private static PendingApproval held(ApprovalSpec spec, String command) throws Exception {
        return approvals.request(new ApprovalRequest("session-1", ANALYST, "shop", "postgres", command, "ddl", "hold-ddl",
                "schema changes on shop need a DBA", spec, null));
    }

    private static Answer get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).GET(), token);
    }

    private static Answer post(String path, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    private static Answer send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    @Test
    void aDbaSeesTheHeldCommandAndApprovesItWithAGrant() throws Exception {
        PendingApproval pending = held(ONE_DBA, "ALTER TABLE orders ADD COLUMN a1 text");

        Answer listed = get("/api/approvals", "t-dba");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().findValuesAsText("id")).contains(pending.id());
        Answer shown = get("/api/approvals/" + pending.id(), "t-dba");
        assertThat(shown.body().path("status").asText()).isEqualTo("pending");
        assertThat(shown.body().path("command").asText()).isEqualTo("ALTER TABLE orders ADD COLUMN a1 text");
        assertThat(shown.body().path("requester").asText()).isEqualTo("analyst");
        assertThat(shown.body().path("approve_command").asText()).isEqualTo("tracegate approvals approve " + pending.id());

        Answer approved = post("/api/approvals/" + pending.id() + "/approve", "t-dba", "{\"reason\": \"planned\", \"grant\": \"30m\"}");

        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().path("status").asText()).isEqualTo("approved");
        assertThat(approved.body().path("decision").path("by").asText()).isEqualTo("dana");
        assertThat(approved.body().path("votes").get(0).path("reason").asText()).isEqualTo("planned");
        assertThat(approved.body().path("grant").path("class").asText()).isEqualTo("ddl");
        assertThat(pending.decision().getNow(null).outcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).isPresent();
        assertThat(get("/api/approvals", "t-dba").body().findValuesAsText("id")).doesNotContain(pending.id());
        assertThat(get("/api/approvals?all=true", "t-dba").body().findValuesAsText("id")).contains(pending.id());
    }

    @Test
    void approversSeeEveryDirectionOverrideAndInvisibleCharacterOfAHeldCommandAsItsCodePoint() throws Exception {
        // Displayed as sent, the override reverses the comment's tail: the approver would read a harmless
        // "WHERE id = 7" on the DELETE's line, and a zero-width space hides where one identifier ends.
        PendingApproval pending = held(ONE_DBA, "DELETE FROM orders -- \u202E7 = di EREHW\nSELECT 1\u2066;\u2069\u200B");

        JsonNode shown = get("/api/approvals/" + pending.id(), "t-dba").body();
        assertThat(shown.path("command").asText()).isEqualTo("DELETE FROM orders -- <U+202E>7 = di EREHW\nSELECT 1<U+2066>;<U+2069><U+200B>");
        assertThat(post("/api/approvals/" + pending.id() + "/deny", "t-dba", "{\"reason\": \"re\u202Everse\"}").status()).isEqualTo(200);
        assertThat(get("/api/approvals/" + pending.id(), "t-dba").body().path("decision").path("reason").asText())
                .isEqualTo("re<U+202E>verse");
    }

    @Test
    void throughAConsoleSessionSignedInHoursAgoADecisionAsksToSignInAgain() throws Exception {
        PendingApproval pending = held(ONE_DBA, "ALTER TABLE orders ADD COLUMN a5 text");

        Answer stale = post("/api/approvals/" + pending.id() + "/approve", "console-this-morning", "{\"reason\": \"ok\"}");
        assertThat(stale.status()).as("the console signs in again on 401").isEqualTo(401);
        assertThat(stale.body().path("error").asText()).startsWith("sign in to the console again to approve or deny")
                .contains("within the last 60 minutes (console.decisionSignInMinutes)");
        assertThat(post("/api/approvals/" + pending.id() + "/deny", "console-this-morning", "{\"reason\": \"no\"}").status())
                .isEqualTo(401);
        assertThat(get("/api/approvals/" + pending.id(), "console-this-morning").status()).as("reading needs no fresh sign-in")
                .isEqualTo(200);
        assertThat(pending.decided()).isFalse();

        Answer fresh = post("/api/approvals/" + pending.id() + "/approve", "console-just-now", "{\"reason\": \"ok\"}");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.body().path("status").asText()).isEqualTo("approved");
    }

    /**
     * A token the console issued carries the console session's groups for as long as the session
     * lasts: through it, a decision asks for a recent sign-in as the console does. Until 2026-12-07
     * it decided over the API hours after the console itself asked its user to sign in again.
     */
    @Test
    void throughATokenAConsoleSessionIssuedHoursAgoADecisionAsksToSignInAgain() throws Exception {
        PendingApproval pending = held(ONE_DBA, "ALTER TABLE orders ADD COLUMN a6 text");

        for (String how : List.of("approve", "deny")) {
            Answer stale = post("/api/approvals/" + pending.id() + "/" + how, "console-token-this-morning", "{\"reason\": \"ok\"}");
            assertThat(stale.status()).isEqualTo(401);
            assertThat(stale.body().path("error").asText()).startsWith("sign in again to approve or deny: this token was issued"
                    + " through a console session").contains("(console.decisionSignInMinutes)");
        }
        assertThat(pending.decided()).isFalse();

        // A recent one passes this check; the service then asks whether its console session stands, which this
        // harness cannot answer (ActiveKeys.NONE, fail closed): no sign-in is asked for.
        Answer fresh = post("/api/approvals/" + pending.id() + "/approve", "console-token-just-now", "{\"reason\": \"ok\"}");
        assertThat(fresh.status()).as(fresh.body().toString()).isNotEqualTo(401);
        assertThat(fresh.body().path("error").asText()).doesNotContain("sign in again");
    }

    @Test
    void aGrantLongerThanTheConfiguredMaximumIsRefusedAndNothingIsApproved() throws Exception {
        PendingApproval pending = held(ONE_DBA, "ALTER TABLE orders ADD COLUMN a4 text");

        Answer aMonth = post("/api/approvals/" + pending.id() + "/approve", "t-dba", "{\"reason\": \"ok\", \"grant\": \"30d\"}");
        assertThat(aMonth.status()).isEqualTo(400);
        assertThat(aMonth.body().path("error").asText()).contains("at most 8h").contains("approvals.maxGrantHours");
        Answer forever = post("/api/approvals/" + pending.id() + "/approve", "t-dba",
                "{\"reason\": \"ok\", \"grant\": \"99999999999999999999h\"}");
        assertThat(forever.status()).as("more digits than a duration holds is a client's mistake, not a crash").isEqualTo(400);
        Answer justOver = post("/api/approvals/" + pending.id() + "/approve", "t-dba", "{\"reason\": \"ok\", \"grant\": \"481m\"}");
        assertThat(justOver.status()).isEqualTo(400);
        assertThat(get("/api/approvals/" + pending.id(), "t-dba").body().path("status").asText())
                .as("a refused grant is no approval either").isEqualTo("pending");
        assertThat(approvals.grants()).extracting(Grant::id).doesNotContain(pending.id());

        Answer aWorkingDay = post("/api/approvals/" + pending.id() + "/approve", "t-dba", "{\"reason\": \"ok\", \"grant\": \"8h\"}");
        assertThat(aWorkingDay.status()).isEqualTo(200);
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).isPresent();
    }

    @Test
    void selfApprovalIsForbiddenWithAReasonAndOutsidersLearnNothing() throws Exception {
        PendingApproval pending = held(ONE_DBA, "ALTER TABLE orders ADD COLUMN a2 text");

        Answer own = post("/api/approvals/" + pending.id() + "/approve", "t-analyst", "{\"reason\": \"mine\"}");
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.body().path("error").asText()).contains("your own command");
        Answer outsider = post("/api/approvals/" + pending.id() + "/deny", "t-mallory", "{\"reason\": \"no\"}");
        // As for reading it: someone who may not see a request is not told it exists, nor who decides it.
        assertThat(outsider.status()).isEqualTo(404);
        assertThat(outsider.body().path("error").asText()).doesNotContain("dba");
        assertThat(pending.decided()).isFalse();
    }

    @Test
    void onlyTheRequesterDecidersAndAuditorsCanSeeARequest() throws Exception {
        PendingApproval pending = held(ONE_DBA, "ALTER TABLE customers ADD COLUMN secret_note text");

        assertThat(get("/api/approvals/" + pending.id(), "t-analyst").status()).isEqualTo(200);
        assertThat(get("/api/approvals/" + pending.id(), "t-auditor").status()).isEqualTo(200);
        assertThat(get("/api/approvals/" + pending.id(), "t-mallory").status()).isEqualTo(404);
        assertThat(get("/api/approvals", "t-mallory").body().findValuesAsText("id")).doesNotContain(pending.id());
        assertThat(get("/api/approvals", null).status()).isEqualTo(401);
    }

    @Test
    void decidedUnknownAndMalformedRequestsGetTheirOwnStatus() throws Exception {
        PendingApproval pending = held(TWO_DBAS, "ALTER TABLE orders ADD COLUMN a3 text");

        Answer vote = post("/api/approvals/" + pending.id() + "/approve", "t-dba", "{\"reason\": \"ok\"}");
        assertThat(vote.status()).isEqualTo(200);
        assertThat(vote.body().path("status").asText()).isEqualTo("pending");
        assertThat(vote.body().path("votes").size()).isEqualTo(1);
        assertThat(post("/api/approvals/" + pending.id() + "/approve", "t-dba", "{\"reason\": \"again\"}").status())
                .as("the same approver twice").isEqualTo(409);
        assertThat(post("/api/approvals/" + pending.id() + "/approve", "t-dba2", "{\"reason\": \"ok\", \"grant\": \"soon\"}").status())
                .as("a grant that is not a duration").isEqualTo(400);
        assertThat(post("/api/approvals/" + pending.id() + "/deny", "t-dba2", "{}").status()).as("no reason").isEqualTo(400);
        Answer notJson = post("/api/approvals/" + pending.id() + "/deny", "t-dba2", "reason=no");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("error").asText()).contains("JSON");
        Answer denied = post("/api/approvals/" + pending.id() + "/deny", "t-dba2", "{\"reason\": \"not today\"}");
        assertThat(denied.body().path("status").asText()).isEqualTo("denied");
        assertThat(denied.body().path("decision").path("reason").asText()).isEqualTo("not today");

        Answer late = post("/api/approvals/" + pending.id() + "/approve", "t-dba2", "{\"reason\": \"ok\"}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().path("error").asText()).contains("already denied");
        assertThat(get("/api/approvals/nosuchid2345", "t-dba").status()).isEqualTo(404);
        assertThat(post("/api/approvals/nosuchid2345/approve", "t-dba", "{\"reason\": \"ok\"}").status()).isEqualTo(404);
        assertThat(Instant.parse(get("/api/approvals/" + pending.id(), "t-dba").body().path("decision").path("at").asText()))
                .isBefore(Instant.now().plusSeconds(1));
    }
}
