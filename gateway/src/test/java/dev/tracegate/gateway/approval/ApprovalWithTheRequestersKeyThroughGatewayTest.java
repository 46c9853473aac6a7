package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.identity.CreatedServiceAccountKey;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.JdbcServiceAccountStore;
import dev.tracegate.gateway.identity.NewServiceAccountKey;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service-account key's secret is shown once, to the administrator who created it: a vote cast
 * with it is theirs. An administrator who is not a DBA creates {@code sa:helper} in the dba group
 * and approves their own held DDL with it: refused as their own command, through the real API
 * with the key as its bearer token, and the DDL waits for someone else. The other way round too: a
 * command run with a key the approver created is not theirs to decide, nor is a denial with a key
 * the requester created, and a denial given with a key names in the evidence who created the key.
 */
class ApprovalWithTheRequestersKeyThroughGatewayTest {

    private static final Identity OTHER_DBA = new Identity("tracegate", "apikey:dan", "dan", null, List.of("dba"), "human");

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        // Administrators approve too: they create the keys, and must not decide what is run with them.
        gateway = TestGateway.start(List.of(), HeldDdl.POLICY.replace("approvers: [dba]", "approvers: [dba, admins]"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aKeyTheRequesterCreatedDoesNotApproveTheirCommand() throws Exception {
        GatewayApi api = new GatewayApi(gateway);
        JsonNode helper = api.dbaServiceAccount("helper");
        createTable("key_holder_audit");
        try (Connection admin = asAdmin(); Statement sql = admin.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE key_holder_audit");
            assertThat(held.pending().request().requester().subject()).isEqualTo("apikey:admin");

            HttpResponse<String> ownKey = api.call(helper.path("secret").asText(), "POST",
                    "/api/approvals/" + held.pending().id() + "/approve", "{\"reason\": \"looks fine\"}");
            assertThat(ownKey.statusCode()).as(ownKey.body()).isEqualTo(403);
            assertThat(ownKey.body()).contains("your own command", "was created by tracegate|apikey:admin, who asked")
                    .doesNotContain(helper.path("secret").asText());
            Thread.sleep(300);
            assertThat(held.run()).as("the DROP waits for someone else").isNotDone();
            assertThat(tableExists("key_holder_audit")).isTrue();

            gateway.gateway().approvals().approve(held.pending().id(), HeldDdl.DBA, "someone else's eyes", null);
            held.run().get(30, TimeUnit.SECONDS);
        }
        assertThat(tableExists("key_holder_audit")).isFalse();
    }

    /**
     * Until 2026-12-07 the administrator who created {@code sa:ci}'s key approved the DROP they ran
     * with it: the gateway asked only whether the approver's key was the requester's, not whether the
     * requester's key was the approver's. The request now keeps the key its command ran with.
     */
    @Test
    void aCommandRunWithAKeyTheApproverCreatedIsNotDecidedByThem() throws Exception {
        GatewayApi api = new GatewayApi(gateway);
        JsonNode ci = api.serviceAccount("ci", "deployers", "service");
        JsonNode helper = api.dbaServiceAccount("ci-helper");
        createTable("ci_owned");
        try (Connection asCi = withKey(ci); Statement sql = asCi.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE ci_owned");
            String id = held.pending().id();
            assertThat(held.pending().request().requester().subject()).isEqualTo("sa:ci");

            HttpResponse<String> asCreator = decide(api, TestGateway.ADMIN_TOKEN, id, "approve");
            assertThat(asCreator.statusCode()).as(asCreator.body()).isEqualTo(403);
            assertThat(asCreator.body()).contains("your own command: it was run with the key " + ci.path("key").path("id").asText()
                    + " of tracegate|sa:ci, which you created, so you hold its secret").doesNotContain(ci.path("secret").asText());

            HttpResponse<String> throughOtherKey = decide(api, helper.path("secret").asText(), id, "approve");
            assertThat(throughOtherKey.statusCode()).as(throughOtherKey.body()).isEqualTo(403);
            assertThat(throughOtherKey.body()).contains("both created by apikey:admin, who holds both secrets");

            JsonNode offered = GatewayApi.read(api.call(TestGateway.ADMIN_TOKEN, "GET", "/api/approvals/" + id, null).body());
            assertThat(offered.path("may_decide").asBoolean()).as("the console offers no Approve or Deny it would refuse").isFalse();
            assertThat(offered.path("cannot_decide").asText()).contains("which you created");

            HttpResponse<String> denied = decide(api, TestGateway.ADMIN_TOKEN, id, "deny");
            assertThat(denied.statusCode()).as("a denial is a decision too: " + denied.body()).isEqualTo(403);
            Thread.sleep(300);
            assertThat(held.run()).as("the DROP waits for someone else").isNotDone();
            assertThat(tableExists("ci_owned")).isTrue();

            gateway.gateway().approvals().approve(id, HeldDdl.DBA, "someone else's eyes", null);
            held.run().get(30, TimeUnit.SECONDS);
        }
        assertThat(tableExists("ci_owned")).isFalse();
        JsonNode requested = gateway.events("approval.requested", 0).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals("sa:ci")).findFirst().orElseThrow();
        assertThat(requested.path("detail").path("requester_key").path("key").asText())
                .isEqualTo("service-account-key:" + ci.path("key").path("id").asText());
        assertThat(requested.path("detail").path("requester_key").path("created_by").asText()).isEqualTo("apikey:admin");
    }

    /**
     * Until 2026-12-07 a denial was not asked about keys at all: the administrator denied their own
     * DROP with {@code sa:deny-helper}, a DBA key they created, and the evidence said the key's
     * account said no. Refused now; a denial with a key someone else created stands, and its event
     * names the key and who created it.
     */
    @Test
    void aDenialWithAKeyTheRequesterCreatedIsRefusedAndADenialNamesTheKeyItWasGivenWith() throws Exception {
        GatewayApi api = new GatewayApi(gateway);
        JsonNode helper = api.dbaServiceAccount("deny-helper");
        String helperKey = helper.path("key").path("id").asText();
        createTable("admin_owned");
        try (Connection admin = asAdmin(); Statement sql = admin.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE admin_owned");
            HttpResponse<String> ownKey = decide(api, helper.path("secret").asText(), held.pending().id(), "deny");
            assertThat(ownKey.statusCode()).as(ownKey.body()).isEqualTo(403);
            assertThat(ownKey.body()).contains("your own command", "was created by tracegate|apikey:admin, who asked");
            assertThat(gateway.gateway().approvals().find(held.pending().id()).orElseThrow().decided()).isFalse();
            gateway.gateway().approvals().deny(held.pending().id(), HeldDdl.DBA, "not today");
            assertThat(held.run()).failsWithin(30, TimeUnit.SECONDS);
        }

        createTable("alice_owned");
        try (Connection alice = gateway.connect("app"); Statement sql = alice.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE alice_owned");
            HttpResponse<String> denied = decide(api, helper.path("secret").asText(), held.pending().id(), "deny");
            assertThat(denied.statusCode()).as(denied.body()).isEqualTo(200);
            assertThat(held.run()).failsWithin(30, TimeUnit.SECONDS);
            JsonNode event = gateway.events("approval.decided", 0).stream()
                    .filter(e -> e.path("detail").path("id").asText().equals(held.pending().id())).findFirst().orElseThrow();
            assertThat(event.path("actor").path("sub").asText()).isEqualTo("sa:deny-helper");
            assertThat(event.path("detail").path("outcome").asText()).isEqualTo("denied");
            assertThat(event.path("detail").path("signed_in_with").path("key").asText()).isEqualTo("service-account-key:" + helperKey);
            assertThat(event.path("detail").path("signed_in_with").path("created_by").asText()).isEqualTo("apikey:admin");
        }
        assertThat(tableExists("alice_owned")).isTrue();
    }

    /**
     * A grant carries its approvers' word forward, so it covers no more than they could approve:
     * {@code sa:deploy-ci} has a key the administrator created and one a DBA created. The DBA approves
     * a DROP run with the first and grants 30 minutes; a DROP run with the DBA's own key waits for
     * approvers again (until 2026-12-07 the grant let it through unasked), the evidence says why,
     * and the DBA cannot approve it either.
     */
    @Test
    void aGrantDoesNotCoverACommandRunWithAKeyItsApproverCreated() throws Exception {
        JsonNode ci = new GatewayApi(gateway).serviceAccount("deploy-ci", "deployers", "service");
        CreatedServiceAccountKey dorasKey = new JdbcServiceAccountStore(gateway.gateway().store().dataSource()).create(
                new NewServiceAccountKey("deploy-ci", List.of("deployers"), "service", "the DBA's copy", null, HeldDdl.DBA.subject()));
        createTable("granted_one");
        createTable("granted_two");
        try (Connection asCi = withKey(ci); Statement sql = asCi.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE granted_one");
            gateway.gateway().approvals().approve(held.pending().id(), HeldDdl.DBA, "migration window", Duration.ofMinutes(30));
            held.run().get(30, TimeUnit.SECONDS);
        }
        try (Connection asDora = connect("alice", dorasKey.secret()); Statement sql = asDora.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE granted_two");
            assertThat(tableExists("granted_two")).as("the grant did not let it through").isTrue();
            assertThat(gateway.events("approval.decided", 0)).anySatisfy(event -> {
                assertThat(event.path("detail").path("outcome").asText()).isEqualTo("grant_lapsed");
                assertThat(event.path("detail").path("why").asText()).contains("the key " + dorasKey.key().id()
                        + ", created by apikey:dora, who holds its secret and gave this grant");
            });
            assertThat(catchThrowable(() -> gateway.gateway().approvals()
                    .approve(held.pending().id(), HeldDdl.DBA, "mine anyway", null))).hasMessageContaining("which you created");
            gateway.gateway().approvals().deny(held.pending().id(), OTHER_DBA, "not with a key you hold");
            assertThat(held.run()).failsWithin(30, TimeUnit.SECONDS);
        }
        assertThat(tableExists("granted_two")).isTrue();
    }

    /**
     * Keys recorded their creator by subject alone, so the same person under another identity (an API
     * key when they created the key, their account at the identity provider when they decide, one
     * mailbox) was read as someone else. Until 2026-12-07 Alice approved, as her account at the identity
     * provider, a DROP run with a key she had created as {@code apikey:alice}; she approved her own DROP
     * (as {@code apikey:alice}) with a DBA key she had created as her provider account; and she approved a
     * DROP run with one of her keys with another of them. The key keeps its creator's email (migration V16).
     */
    @Test
    void aKeyCreatedUnderAnotherIdentityOfTheSamePersonIsTheirs() throws Exception {
        JdbcServiceAccountStore keys = new JdbcServiceAccountStore(gateway.gateway().store().dataSource());
        CreatedServiceAccountKey ciKey = keys.create(new NewServiceAccountKey("alice-ci", List.of("deployers"), "service",
                "alice's CI", null, "apikey:alice", "alice@example.com"));
        // Her provider account spells the address otherwise; it reaches the same mailbox.
        Identity aliceAtIdp = new Identity("https://idp.example.com", "00u-alice", "Alice", "Alice+dba@Example.com", List.of("dba"),
                "human");
        CreatedServiceAccountKey dbaKey = keys.create(new NewServiceAccountKey("alice-dba", List.of("dba"), "service",
                "alice's DBA helper", null, aliceAtIdp.subject(), aliceAtIdp.email()));
        GatewayApi api = new GatewayApi(gateway);

        createTable("alice_ci_owned");
        try (Connection asCi = connect("alice", ciKey.secret()); Statement sql = asCi.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE alice_ci_owned");
            String id = held.pending().id();
            assertThat(catchThrowable(() -> gateway.gateway().approvals().approve(id, aliceAtIdp, "mine", null)))
                    .as("her provider account approves what her key ran").hasMessageContaining("which you created, so you hold its secret");
            HttpResponse<String> otherKey = decide(api, dbaKey.secret(), id, "approve");
            assertThat(otherKey.statusCode()).as("one of her keys approves what another ran: " + otherKey.body()).isEqualTo(403);
            assertThat(otherKey.body()).contains("who holds both secrets").doesNotContain(dbaKey.secret());
            Thread.sleep(300);
            assertThat(held.run()).as("the DROP waits for someone else").isNotDone();
            gateway.gateway().approvals().deny(id, OTHER_DBA, "not with keys you hold");
            assertThat(held.run()).failsWithin(30, TimeUnit.SECONDS);
        }
        assertThat(tableExists("alice_ci_owned")).isTrue();
        JsonNode requested = gateway.events("approval.requested", 0).stream()
                .filter(event -> event.path("actor").path("sub").asText().equals("sa:alice-ci")).findFirst().orElseThrow();
        assertThat(requested.path("detail").path("requester_key").path("created_by_email").asText())
                .as("the evidence names the creator as the gateway compares them, for the audit report").isEqualTo("alice@example.com");

        createTable("alice_owned_too");
        try (Connection alice = connect("alice", TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE alice_owned_too");
            HttpResponse<String> ownKey = decide(api, dbaKey.secret(), held.pending().id(), "approve");
            assertThat(ownKey.statusCode()).as("her own DROP, approved with a key her provider account created: " + ownKey.body())
                    .isEqualTo(403);
            assertThat(ownKey.body()).contains("your own command", "was created by tracegate|apikey:alice, who asked");
            Thread.sleep(300);
            assertThat(held.run()).as("the DROP waits for someone else").isNotDone();
            gateway.gateway().approvals().deny(held.pending().id(), OTHER_DBA, "not with a key you hold");
            assertThat(held.run()).failsWithin(30, TimeUnit.SECONDS);
        }
        assertThat(tableExists("alice_owned_too")).isTrue();
    }

    private static HttpResponse<String> decide(GatewayApi api, String token, String id, String how) throws Exception {
        return api.call(token, "POST", "/api/approvals/" + id + "/" + how, "{\"reason\": \"looks fine\"}");
    }

    /** A pgjdbc connection through the gateway signed in with a service account's first key. */
    private static Connection withKey(JsonNode account) throws SQLException {
        return connect("alice", account.path("secret").asText());
    }

    /** A pgjdbc connection through the gateway as the administrator (apikey:admin, group admins). */
    private static Connection asAdmin() throws SQLException {
        return connect("admin", TestGateway.ADMIN_TOKEN);
    }

    private static Connection connect(String user, String secret) throws SQLException {
        Properties props = new Properties();
        props.setProperty("password", secret);
        return DriverManager.getConnection(gateway.jdbcUrl("app").replace("user=alice", "user=" + user), props);
    }

    private static void createTable(String name) throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS " + name);
            sql.execute("CREATE TABLE " + name + " (id int)");
        }
    }

    private static boolean tableExists(String name) throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT to_regclass('" + name + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
