package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.policy.sql.SqlClassifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The same policy language decides HTTP requests: method, path and header conditions, and the shared defaults. */
class HttpRulesTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: hold-deletes
                connections: [traces]
                methods: [DELETE]
                action: approve
                approvers: [dba]
              - name: no-admin-area
                paths: ["/admin/**"]
                action: block
                reason: the admin API is not reachable through the gateway
              - name: no-debug-uploads
                methods: [POST]
                paths: ["/traces/*/attachments"]
                headers: {content-type: "^application/octet-stream"}
                action: block
              - name: writes-need-a-ticket
                classes: [write]
                headers: {x-ticket: "^$"}
                action: block
              - name: no-prod-deploys
                methods: [POST]
                paths: ["/deploys"]
                fields: {"$.target.env": "^prod$", "$.steps[0].kind": "migrate"}
                action: block
              - name: no-sql-ddl
                classes: [ddl]
                action: block
            """;

    private final Policy policy = PolicyParser.parse(POLICY);
    private final Subject agent = new Subject("traces", "http", Set.of("analysts"), "agent");

    private Decision decide(String method, String path, Map<String, String> headers) {
        return PolicyEngine.decide(policy, agent, new HttpRequestFacts(method, path, headers));
    }

    @Test
    void methodsPathsAndHeadersMatch() {
        assertThat(decide("GET", "/traces/abc", Map.of()).action()).isEqualTo(Action.ALLOW);
        assertThat(decide("DELETE", "/traces/abc", Map.of()).rule()).isEqualTo("hold-deletes");
        assertThat(decide("delete", "/traces/abc", Map.of()).action()).isEqualTo(Action.APPROVE);
        assertThat(decide("GET", "/admin/users/7", Map.of()).rule()).isEqualTo("no-admin-area");
        assertThat(decide("GET", "/administrator", Map.of()).action()).isEqualTo(Action.ALLOW);
        assertThat(decide("POST", "/traces/abc/attachments", Map.of("Content-Type", "application/octet-stream")).rule())
                .isEqualTo("no-debug-uploads");
        assertThat(decide("POST", "/traces/abc/attachments", Map.of("Content-Type", "application/json")).action())
                .isEqualTo(Action.ALLOW);
        assertThat(decide("POST", "/traces/a/b/attachments", Map.of("Content-Type", "application/octet-stream")).action())
                .as("* stays within one segment").isEqualTo(Action.ALLOW);
    }

    /** PHP and other CGI-style servers read Content_Type as Content-Type: a blocking rule's headers read both. */
    @Test
    void aBlockingRuleReadsAHeaderNameWithUnderscoresAsItsHyphenatedName() {
        assertThat(decide("POST", "/traces/abc/attachments", Map.of("Content_Type", "application/octet-stream")).rule())
                .isEqualTo("no-debug-uploads");
        assertThat(decide("POST", "/traces/abc", Map.of("X_Ticket", "")).rule()).isEqualTo("writes-need-a-ticket");
        assertThat(decide("POST", "/traces/abc", Map.of("X_HTTP_Method_Override", "DELETE")).rule())
                .isEqualTo("hold-deletes");
        assertThat(decide("POST", "/traces/abc", Map.of("X_Ticket_Id", "")).action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void aRuleThatBlocksOrHoldsMatchesEveryPathATargetMayReadTheRequestAs() {
        for (String path : new String[] {"/ADMIN/users", "/Admin/x", "/admin./users", "/admin /users", "/admin%20/users", "/%61dmin%2e/x", "/admin;x/users",
            "/admin/users.json", "/aDmIn/", "/admin.../x", "/ADMIN/x.php", "/admin", "/ADMIN", "/admin.",
            "/\uFF41dmin/x", "/%EF%BD%81dmin/x", "/\uFF21\uFF24\uFF2D\uFF29\uFF2E", "/admin\uFF0Fx",
            // Allowed through until 2026-12-06: an NTFS stream, a segment read as nothing between slashes.
            "/admin::$INDEX_ALLOCATION/x", "/admin::$DATA", "/admin:x/users", "/%3b/admin/x", "/%20/admin/x", "/.%20/admin/x",
            // Allowed through until 2026-12-06: the path ended by a decoded ? or # (a target that parses it again).
            "/admin%3F/x", "/admin%3fpage=2", "/ADMIN%23/x"}) {
            assertThat(decide("GET", path, Map.of()).rule()).as(path).isEqualTo("no-admin-area");
        }
        assertThat(decide("GET", "/administrator", Map.of()).action()).isEqualTo(Action.ALLOW);
        assertThat(decide("GET", "/admins/x", Map.of()).action()).isEqualTo(Action.ALLOW);
        assertThat(decide("GET", "/items/urn:isbn:0451450523", Map.of()).action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void aBlockingRuleOnBodyFieldsReadsFieldNamesWithoutRegardToCase() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String body : new String[] {"{\"target\":{\"env\":\"prod\"},\"steps\":[{\"kind\":\"migrate\"}]}",
            "{\"Target\":{\"ENV\":\"prod\"},\"STEPS\":[{\"Kind\":\"migrate\"}]}"}) {
            HttpRequestFacts deploy = new HttpRequestFacts("POST", "/deploys", Map.of()).withBody(json.readTree(body));
            assertThat(PolicyEngine.decide(policy, agent, deploy).rule()).as(body).isEqualTo("no-prod-deploys");
        }
        HttpRequestFacts staging = new HttpRequestFacts("POST", "/deploys", Map.of())
                .withBody(json.readTree("{\"TARGET\":{\"env\":\"staging\"},\"steps\":[{\"kind\":\"migrate\"}]}"));
        assertThat(PolicyEngine.decide(policy, agent, staging).action()).isEqualTo(Action.ALLOW);
    }

    /**
     * Express (by default) and Spring before 6 route {@code /deploys/} to the handler of
     * {@code /deploys}: a trailing slash walked around an exact path of a blocking rule.
     */
    @Test
    void aTrailingSlashDoesNotWalkAroundAnExactPath() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String path : new String[] {"/deploys/", "/Deploys/", "/deploys.json/", "/deploys;v=1/"}) {
            HttpRequestFacts deploy = new HttpRequestFacts("POST", path, Map.of()).withBody(json.readTree("{\"target\":"
                    + "{\"env\":\"prod\"},\"steps\":[{\"kind\":\"migrate\"}]}"));
            assertThat(PolicyEngine.decide(policy, agent, deploy).rule()).as(path).isEqualTo("no-prod-deploys");
        }
        assertThat(decide("GET", "/administrator/", Map.of()).action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void aMethodOverrideHeaderIsWeighedAsTheMethodItNames() {
        for (String header : new String[] {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"}) {
            assertThat(decide("POST", "/traces/abc", Map.of(header, "DELETE")).rule()).as(header)
                    .isEqualTo("hold-deletes");
            assertThat(decide("GET", "/traces/abc", Map.of(header, "delete", "X-Ticket", "")).rule()).as(header)
                    .isEqualTo("writes-need-a-ticket");
        }
        assertThat(decide("POST", "/traces/abc/attachments", Map.of("Content-Type", "Application/Octet-Stream")).rule())
                .as("a media type in another case").isEqualTo("no-debug-uploads");
        assertThat(new HttpRequestFacts("GET", "/x", Map.of("X-HTTP-Method-Override", "PROPFIND")).statementClass())
                .isEqualTo(dev.tracegate.policy.sql.StatementClass.UNKNOWN);
    }

    @Test
    void anAllowRuleAllowsOnlyTheRequestAsSentWithNoOverrideItDoesNotList() {
        Policy readOnly = PolicyParser.parse("""
                defaults:
                  action: block
                rules:
                  - {name: reports-readable, methods: [GET], paths: ["/reports/**"], action: allow}
                """);
        assertThat(PolicyEngine.decide(readOnly, agent, new HttpRequestFacts("GET", "/reports/q3", Map.of())).action())
                .isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(readOnly, agent, new HttpRequestFacts("GET", "/reports/q3",
                Map.of("X-HTTP-Method-Override", "DELETE"))).action()).isEqualTo(Action.BLOCK);
        assertThat(PolicyEngine.decide(readOnly, agent, new HttpRequestFacts("GET", "/REPORTS/q3", Map.of())).action())
                .isEqualTo(Action.BLOCK);
    }

    @Test
    void blockBeatsApproveAndClassesApplyToMethods() {
        Decision decision = decide("DELETE", "/admin/cache", Map.of());
        assertThat(decision.action()).isEqualTo(Action.BLOCK);
        assertThat(decide("PUT", "/traces/abc", Map.of("X-Ticket", "")).rule()).isEqualTo("writes-need-a-ticket");
        assertThat(decide("PUT", "/traces/abc", Map.of("X-Ticket", "OPS-12")).action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void jsonBodyFieldsMatchWhenTheBodyIsRead() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        HttpRequestFacts deploy = new HttpRequestFacts("POST", "/deploys", Map.of());
        assertThat(PolicyEngine.needsBody(policy, agent, deploy)).isTrue();
        assertThat(PolicyEngine.needsBody(policy, agent, new HttpRequestFacts("POST", "/other", Map.of()))).isFalse();
        assertThat(PolicyEngine.decide(policy, agent, deploy.withBody(json.readTree(
                "{\"target\": {\"env\": \"prod\"}, \"steps\": [{\"kind\": \"migrate\"}]}"))).rule())
                .isEqualTo("no-prod-deploys");
        assertThat(PolicyEngine.decide(policy, agent, deploy.withBody(json.readTree(
                "{\"target\": {\"env\": \"staging\"}, \"steps\": [{\"kind\": \"migrate\"}]}"))).action())
                .isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(policy, agent, deploy.withBody(json.readTree("{\"target\": \"prod\"}"))).action())
                .isEqualTo(Action.ALLOW);
    }

    @Test
    void unknownMethodsAreHighRisk() {
        Decision decision = decide("TRACE", "/traces/", Map.of());
        assertThat(decision.action()).isEqualTo(Action.BLOCK);
        assertThat(decision.rule()).isEqualTo("default:high-risk");
        assertThat(decide("PROPFIND", "/", Map.of()).action()).isEqualTo(Action.BLOCK);
    }

    @Test
    void minClassMatchesRequestsByRiskWithoutWeakeningTheHighRiskDefault() {
        Policy byRisk = PolicyParser.parse("""
                defaults: {action: allow, highRisk: block}
                rules:
                  - {name: hold-writes, connections: [traces], minClass: write, action: approve, approvers: [dba]}
                """);
        assertThat(PolicyEngine.decide(byRisk, agent, new HttpRequestFacts("GET", "/traces/a", Map.of())).action())
                .isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(byRisk, agent, new HttpRequestFacts("DELETE", "/traces/a", Map.of())).rule())
                .isEqualTo("hold-writes");
        Decision unknownMethod = PolicyEngine.decide(byRisk, agent, new HttpRequestFacts("PURGE", "/traces/a", Map.of()));
        assertThat(unknownMethod.action()).isEqualTo(Action.BLOCK);
        assertThat(unknownMethod.rule()).isEqualTo("default:high-risk");
    }

    @Test
    void httpRulesNeverMatchSqlAndSqlRulesNeverMatchHttp() {
        Subject sql = new Subject("traces", "postgres", Set.of("analysts"), "human");
        assertThat(PolicyEngine.decide(policy, sql, new SqlClassifier().classify("DELETE FROM t WHERE id = 1")).action())
                .isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(policy, sql, new SqlClassifier().classify("DROP TABLE t")).rule())
                .isEqualTo("no-sql-ddl");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, paths: [traces], action: block}]"))
                .hasMessageContaining("rule r").hasMessageContaining("must start with /");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, methods: [GET], tables: [t], action: block}]"))
                .hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, headers: {x: \"(\"}, action: block}]"))
                .hasMessageContaining("rule r: header x");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, fields: {\"action\": x}, action: block}]"))
                .hasMessageContaining("must start with $");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, fields: {\"$.a..b\": x}, action: block}]"))
                .hasMessageContaining("not a path");
        // Found by PolicyParserFuzzTest: a field or header without a pattern was a NullPointerException.
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, fields: {\"$.env\"}, action: block}]"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rules[0].fields.$.env");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: r, headers: {x-tenant: }, action: block}]"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rules[0].headers.x-tenant");
    }
}
