package dev.tracegate.ledger.report;

import static dev.tracegate.ledger.report.ReportLog.ANALYST;
import static dev.tracegate.ledger.report.ReportLog.DBA;
import static dev.tracegate.ledger.report.ReportLog.DBA_TWO;
import static dev.tracegate.ledger.report.ReportLog.DEPLOYER;
import static dev.tracegate.ledger.report.ReportLog.ONCALL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.BundleVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quarter's worth of gateway behaviour in miniature (masked reads, lineage refusals, held DDL
 * approved, denied, approved from inside the requester's group and by break-glass, a DBA's DDL
 * that needed no approval, a service without TLS, failed logins with a flood summary, policy
 * changes), and the report computed from its bundle: every figure, exception and sample.
 */
class AuditReportTest {

    static final Instant FROM = Instant.parse("2026-07-01T10:00:00Z");
    static final Instant TO = Instant.parse("2026-07-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    ReportLog log;
    long dbaOwnDdl;

    @BeforeEach
    void history() {
        log = new ReportLog();
        log.gatewayStarted(30);
        log.policy("a".repeat(64), true);
        log.checkpoint();
        log.advance(Duration.ofMinutes(60));
        writePeriod(log);
        dbaOwnDdl = findCommand("CREATE INDEX orders_day ON orders (day)");
        log.advance(Duration.ofHours(2));
        log.session(ANALYST, "shop").open(true);
        log.checkpoint();
    }

    static void writePeriod(ReportLog log) {
        ReportLog.Session read = log.session(ANALYST, "shop").open(true);
        long select = read.command("SELECT email FROM customers LIMIT 3", "read", "default");
        read.masked(select, "client", "public.customers.email", "EMAIL", 3);
        read.result(select, "ok", "5f1e@ab12.example", "9c0d@77aa.example", "0b3e@c4d2.example");
        read.close();

        ReportLog.Session refused = log.session(ANALYST, "shop").open(true);
        for (int i = 0; i < 3; i++) {
            long seq = refused.command("SELECT reverse(card_number) FROM customers", "read", "mask-personal-data");
            refused.blocked(seq, "blocked", "mask-personal-data", "computed from protected column public.customers.card_number", null);
            refused.result(seq, "blocked");
        }
        refused.close();
        log.checkpoint();

        held(log, ANALYST, "ALTER TABLE orders ADD COLUMN note text", "ap1", DBA, "approved", "planned, OPS-1", List.of(), 90);
        held(log, ANALYST, "DROP TABLE audit_trail", "ap2", DBA, "denied", "not now", List.of(), 30);
        ReportLog.Session own = log.session(DBA, "shop").open(true);
        long ddl = own.command("CREATE INDEX orders_day ON orders (day)", "ddl", "default");
        own.result(ddl, "ok");
        own.close();
        held(log, DBA, "ALTER TABLE customers DROP COLUMN fax", "ap3", DBA_TWO, "approved", "peer review", List.of(), 400);
        held(log, ANALYST, "TRUNCATE staging_orders", "ap4", ONCALL, "approved", "incident 77", List.of("oncall"), 20);
        log.checkpoint();

        ReportLog.Session deploy = log.session(DEPLOYER, "shop").open(false);
        deploy.close();
        log.authFailure(1);
        log.authFailure(5);
        log.policy("b".repeat(64), true);
        log.policy("c".repeat(64), false);
        log.checkpoint();
    }

    private static void held(ReportLog log, ReportLog.Actor requester, String statement, String approval, ReportLog.Actor decider,
                             String outcome, String reason, List<String> breakGlass, int secondsToDecide) {
        ReportLog.Session session = log.session(requester, "shop").open(true);
        long seq = session.command(statement, "ddl", "hold-ddl");
        session.requested(approval, statement, List.of("dba"), breakGlass);
        log.advance(Duration.ofSeconds(secondsToDecide - 1));
        session.decided(decider, approval, outcome, reason, !breakGlass.isEmpty());
        if (outcome.equals("approved")) {
            session.result(seq, "ok");
        } else {
            session.blocked(seq, outcome, "hold-ddl", reason, approval);
            session.result(seq, "blocked");
        }
        session.close();
    }

    /** A log whose sessions begin an hour into the period. */
    private static ReportLog logAnHourIn() {
        ReportLog log = new ReportLog();
        log.advance(Duration.ofMinutes(61));
        return log;
    }

    /** The verifier recomputes the same report.json and renders the same report.html from the bundle's events. */
    private static void assertReportVerifies(Path bundle, ReportLog log) {
        assertThat(ReportVerifier.afterBundle(bundle, BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey()))))
                .hasValueSatisfying(result -> assertThat(result.ok()).as(String.join("\n", result.lines())).isTrue());
    }

    private long findCommand(String text) {
        return findCommand(log, text);
    }

    /** The leaf of the first command event of {@code in} whose text is {@code text}. */
    private static long findCommand(ReportLog in, String text) {
        for (int i = 0; i < in.events.size(); i++) {
            String line = new String(in.events.get(i), StandardCharsets.UTF_8);
            if (line.contains("\"type\":\"command\"") && line.contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no command " + text);
    }

    private Map<String, JsonNode> figures(Path bundle) throws Exception {
        return AuditReport.figures(JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()));
    }

    private static long value(Map<String, JsonNode> figures, String id) {
        assertThat(figures).as("figure " + id).containsKey(id);
        return figures.get(id).path("value").asLong();
    }

    @Test
    void everyPopulationAndExceptionIsCountedFromTheEvents() throws Exception {
        Path bundle = log.bundle(dir.resolve("bundle"), ReportLog.parameters(FROM, TO));
        assertThat(BundleVerifier.verify(bundle, Optional.of(log.key.verifierKey())).ok()).as("still a valid bundle").isTrue();
        Map<String, JsonNode> figures = figures(bundle);

        assertThat(value(figures, "sessions.total")).isEqualTo(8);
        assertThat(value(figures, "sessions.kind.human")).isEqualTo(7);
        assertThat(value(figures, "sessions.kind.service")).isEqualTo(1);
        assertThat(value(figures, "sessions.without_tls")).isEqualTo(1);
        assertThat(value(figures, "auth_failures.total")).as("a summary counts its count").isEqualTo(6);
        assertThat(value(figures, "auth_failures.by_reason[token expired]")).isEqualTo(1);
        assertThat(value(figures, "privileged.total")).isEqualTo(5);
        assertThat(value(figures, "approvals.requested")).isEqualTo(4);
        assertThat(value(figures, "approvals.outcome.approved")).isEqualTo(3);
        assertThat(value(figures, "approvals.outcome.denied")).isEqualTo(1);
        assertThat(value(figures, "approvals.median_seconds_to_decide")).as("the lower middle of 20, 30, 90, 400").isEqualTo(30);
        assertThat(value(figures, "approvals.longest_seconds_to_decide")).isEqualTo(400);
        assertThat(value(figures, "break_glass.total")).isEqualTo(1);
        assertThat(value(figures, "blocked.total")).isEqualTo(3);
        assertThat(value(figures, "masking.values")).isEqualTo(3);
        assertThat(value(figures, "masking.by_column[public.customers.email EMAIL]")).isEqualTo(3);
        assertThat(value(figures, "policy.accepted")).isEqualTo(1);
        assertThat(value(figures, "policy.rejected")).isEqualTo(1);

        assertThat(value(figures, "exceptions.privileged_without_approval")).isEqualTo(1);
        assertThat(figures.get("exceptions.privileged_without_approval").path("leaves").toString())
                .as("the exception cites the DBA's own DDL").isEqualTo("[[" + dbaOwnDdl + "," + dbaOwnDdl + "]]");
        assertThat(value(figures, "exceptions.own_group_approvals")).as("dba approving dba").isEqualTo(1);
        assertThat(value(figures, "exceptions.repeatedly_refused_masked_callers")).isEqualTo(1);
        assertThat(value(figures, "exceptions.evidence_gaps")).isZero();
        assertThat(value(figures, "exceptions.commands_without_end")).as("every command has its result or refusal").isZero();
        assertThat(value(figures, "integrity.missing")).isZero();
        assertThat(value(figures, "integrity.events_not_proven")).isZero();
        assertThat(value(figures, "integrity.events_proven")).isEqualTo(log.events.size());

        JsonNode report = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile());
        assertThat(report.path("integrity").path("verified").asBoolean()).isTrue();
        assertThat(report.path("integrity").path("checkpoints")).hasSize(log.checkpoints.size() - 1)
                .allMatch(checkpoint -> checkpoint.path("consistent").asBoolean());
        assertThat(report.path("populations").path("policy").path("in_force_at_start").path("sha256").asText()).isEqualTo("a".repeat(64));
        assertThat(report.path("populations").path("retention").path("in_force_at_start").path("evidence")
                .path("blob_retention_days").asInt()).isEqualTo(30);
        JsonNode ownGroup = report.path("exceptions").path("own_group_approvals").path("items").get(0);
        assertThat(ownGroup.path("id").asText()).isEqualTo("ap3");
        assertThat(ownGroup.path("shared_groups").toString()).isEqualTo("[\"dba\"]");
        assertThat(report.path("controls")).hasSize(23);
        assertThat(report.path("controls").findValuesAsText("id")).contains("CC6.1", "CC8.1", "5.15", "8.16", "A.9.2", "A.13.2");
    }

    @Test
    void samplesAreReproducibleFromTheSeedAndCarryTheirProofsAndKeptRows() throws Exception {
        Path first = log.bundle(dir.resolve("first"), ReportLog.parameters(FROM, TO));
        Path second = log.bundle(dir.resolve("second"), ReportLog.parameters(FROM, TO));
        JsonNode samples = JSON.readTree(first.resolve(AuditReport.JSON_FILE).toFile()).path("samples");
        assertThat(samples).isEqualTo(JSON.readTree(second.resolve(AuditReport.JSON_FILE).toFile()).path("samples"));
        assertThat(samples.path("sessions")).hasSize(2);
        assertThat(samples.path("approvals")).hasSize(2);
        for (JsonNode sample : samples.path("sessions")) {
            assertThat(sample.path("key").asText()).as("sha256 of seed, newline, id")
                    .isEqualTo(SampleSelection.key("audit-2026-q3", sample.path("session").asText()));
            assertThat(sample.path("events")).isNotEmpty().allMatch(event -> event.path("proof").path("verified").asBoolean());
        }
        String pickedSessions = samples.path("sessions").findValuesAsText("session").toString();
        ReportParameters otherSeed = new ReportParameters(FROM, TO, List.of(), List.of(), 2, "another seed", 3, Instant.EPOCH, "");
        JsonNode other = AuditReport.compute(first, otherSeed).path("samples");
        assertThat(other.path("sessions").findValuesAsText("session").toString()).as("the seed steers the sample")
                .isNotEqualTo(pickedSessions);

        ReportParameters everything = new ReportParameters(FROM, TO, List.of(), List.of(), 100, "s", 3, Instant.EPOCH, "");
        JsonNode all = AuditReport.compute(first, everything).path("samples").path("sessions");
        JsonNode masked = all.findParents("results").stream().flatMap(s -> java.util.stream.StreamSupport.stream(s.path("results").spliterator(), false))
                .filter(r -> r.path("present").asBoolean()).findFirst().orElseThrow();
        assertThat(masked.path("columns").toString()).isEqualTo("[\"email\"]");
        assertThat(masked.path("rows").get(0).get(0).asText()).isEqualTo("5f1e@ab12.example");
    }

    @Test
    void narrowingToAUserKeepsGatewayWideEventsAndOnlyThatUsersActivity() throws Exception {
        ReportParameters dbaOnly = new ReportParameters(FROM, TO, List.of(), List.of("apikey:dba"), 2, "s", 3, Instant.EPOCH, "");
        Path bundle = log.bundle(dir.resolve("dba"), dbaOnly);
        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "sessions.total")).isEqualTo(2);
        assertThat(value(figures, "privileged.total")).isEqualTo(2);
        assertThat(value(figures, "approvals.requested")).isEqualTo(1);
        assertThat(value(figures, "policy.accepted")).as("policy changes concern everyone").isEqualTo(1);
        assertThat(value(figures, "blocked.total")).isZero();
        assertThat(ReportVerifier.verify(bundle).ok()).isTrue();
    }

    @Test
    void aCommandWhoseSessionEndedWithoutItsResultOrRefusalIsAnException() throws Exception {
        ReportLog cut = new ReportLog();
        cut.gatewayStarted(0);
        cut.checkpoint();
        cut.advance(Duration.ofMinutes(60));
        ReportLog.Session closedByTheGateway = cut.session(ANALYST, "shop").open(true);
        long answered = closedByTheGateway.command("UPDATE orders SET day = day", "write", "default");
        closedByTheGateway.result(answered, "unanswered");
        closedByTheGateway.command("Parse", "ALTER TABLE orders ADD COLUMN note text", "ddl", "hold-ddl"); // runs as its Execute
        long execute = closedByTheGateway.command("Execute", "ALTER TABLE orders ADD COLUMN note text", "ddl", "hold-ddl");
        closedByTheGateway.result(execute, "ok");
        closedByTheGateway.close();
        ReportLog.Session leftOpen = cut.session(ANALYST, "shop").open(true);
        long ended = leftOpen.command("SELECT 1", "read", "default");
        leftOpen.result(ended, "ok");
        long unended = leftOpen.command("DELETE FROM orders", "write", "default");
        leftOpen.close();
        ReportLog.Session stillOpen = cut.session(ANALYST, "shop").open(true);
        stillOpen.command("SELECT pg_sleep(600)", "read", "default");
        cut.checkpoint();
        Path bundle = cut.bundle(dir.resolve("cut"), ReportLog.parameters(FROM, TO));

        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "exceptions.commands_without_end")).as("only the closed session's command without an end")
                .isEqualTo(1);
        JsonNode item = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions")
                .path("commands_without_end").path("items").get(0);
        assertThat(item.path("seq").asLong()).isEqualTo(unended);
        assertThat(item.path("statement").asText()).isEqualTo("DELETE FROM orders");
        assertThat(Files.readString(bundle.resolve(AuditReport.HTML_FILE))).contains("Commands without a result or refusal")
                .contains("DELETE FROM orders");
        assertThat(ReportVerifier.verify(bundle).ok()).isTrue();
    }

    @Test
    void anAddressTheIdentityProviderDidNotVerifyIsMarkedWhereverTheReportNamesItsIdentity() throws Exception {
        ReportEvent.Actor unverified = ReportEvent.of(JSON.readTree("""
                {"v":1,"index":0,"type":"session.open","actor":{"sub":"f3a1","iss":"https://idp.example","name":"ceo@acme.com",
                 "email":"ceo@acme.com","email_verified":false,"kind":"human"},"detail":{}}""")).actor();
        assertThat(unverified.display()).isEqualTo("ceo@acme.com (f3a1) [email ceo@acme.com not verified]");
        ReportEvent.Actor verified = ReportEvent.of(JSON.readTree("""
                {"v":1,"index":0,"type":"session.open","actor":{"sub":"9b2c","iss":"https://idp.example","name":"ceo@acme.com",
                 "email":"ceo@acme.com","kind":"human"},"detail":{}}""")).actor();
        assertThat(verified.display()).isEqualTo("ceo@acme.com (9b2c)");
    }

    @Test
    void aStretchOfEventsSealedLateIsAnEvidenceGap() throws Exception {
        ReportLog gappy = new ReportLog();
        gappy.gatewayStarted(0);
        gappy.checkpoint();
        gappy.advance(Duration.ofMinutes(60));
        ReportLog.Session session = gappy.session(ANALYST, "shop").open(true);
        gappy.stall(Duration.ofMinutes(20)); // the gateway was killed: no checkpoint until it came back
        session.close();
        gappy.checkpoint();
        Path bundle = gappy.bundle(dir.resolve("gap"), ReportLog.parameters(FROM, TO));
        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "exceptions.evidence_gaps")).isEqualTo(1);
        JsonNode gap = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("integrity").path("gaps").get(0);
        assertThat(gap.path("events").path("value").asLong()).isEqualTo(2);
    }

    /**
     * One SSH session's channels run side by side: another channel's command can be recorded while
     * the held one waits to be durable, before its approval request. The request is the held
     * command's, not the session's latest: a privileged command approved must not read as run
     * without an approval, nor the other channel's as approved.
     */
    @Test
    void anApprovalIsTheHeldCommandsEvenWhenAnotherChannelsCommandWasRecordedBeforeTheRequest() throws Exception {
        ReportLog channels = logAnHourIn();
        ReportLog.Session session = channels.session(ANALYST, "bastion").open(true);
        long held = session.command("exec", "rm -rf /srv/exports", "dangerous_admin", "hold-dangerous");
        long meanwhile = session.command("exec", "uptime", "read", "default");
        session.requested("c1", "rm -rf /srv/exports", List.of("dba"), List.of());
        session.result(meanwhile, "ok");
        session.decided(DBA, "c1", "approved", "cleanup, OPS-9", false);
        session.result(held, "ok");
        session.close();
        Path bundle = channels.bundle(dir.resolve("channels"), ReportLog.parameters(FROM, TO));

        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "exceptions.privileged_without_approval")).as("the approved rm -rf ran after its approval")
                .isZero();
        assertThat(value(figures, "privileged.outcome[approved]")).isEqualTo(1);
        assertThat(firstApproval(bundle).path("command_leaf").asLong()).as("the approval holds the rm -rf, not uptime")
                .isEqualTo(findCommand(channels, "rm -rf /srv/exports"));
        assertReportVerifies(bundle, channels);
    }

    private static JsonNode firstApproval(Path bundle) throws Exception {
        return JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("populations").path("approvals").path("items").get(0);
    }

    /**
     * Segregation of duties asks about everyone whose approval counted: with two approvals needed,
     * a colleague in the requester's own group voting first is an own-group approval, whoever cast
     * the deciding vote; and an approval counted from the requester themselves is one whatever
     * their groups (the gateway refuses it; the report must not pass over it if the log holds one).
     */
    @Test
    void anOwnGroupVoteAndAnApprovalByTheRequesterAreOwnGroupApprovals() throws Exception {
        ReportLog votes = logAnHourIn();
        ReportLog.Session twoNeeded = votes.session(DBA, "shop").open(true);
        long drop = twoNeeded.command("DROP TABLE staging_orders", "ddl", "hold-ddl");
        twoNeeded.requested("v1", "DROP TABLE staging_orders", List.of("dba", "oncall"), List.of());
        twoNeeded.decided(DBA_TWO, "v1", "vote", "looks fine", false, List.of(DBA_TWO));
        twoNeeded.decided(ONCALL, "v1", "approved", "second pair of eyes", false, List.of(DBA_TWO, ONCALL));
        twoNeeded.result(drop, "ok");
        twoNeeded.close();
        approvedAlone(votes, "v2", ANALYST, ANALYST, "ALTER TABLE orders DROP COLUMN note");
        // The same person under another identity: their address, spelled otherwise, reaches the same mailbox.
        approvedAlone(votes, "v3", new ReportLog.Actor("apikey:ana", "ana", "human", List.of("analysts"), "ana@example.com"),
                new ReportLog.Actor("7f3e", "Ana", "human", List.of("dba"), "Ana+dba@Example.com."), "TRUNCATE orders");
        Path bundle = votes.bundle(dir.resolve("votes"), ReportLog.parameters(FROM, TO));

        assertThat(value(figures(bundle), "exceptions.own_group_approvals")).isEqualTo(3);
        JsonNode items = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions").path("own_group_approvals")
                .path("items");
        assertThat(items.get(0).path("id").asText()).isEqualTo("v1");
        assertThat(items.get(0).path("shared_groups").toString()).isEqualTo("[\"dba\"]");
        assertThat(items.get(1).path("id").asText()).isEqualTo("v2");
        assertThat(items.get(1).path("by_requester").asBoolean()).isTrue();
        assertThat(items.get(2).path("id").asText()).isEqualTo("v3");
        assertThat(items.get(2).path("by_requester").asBoolean()).isTrue();
        assertThat(Files.readString(bundle.resolve(AuditReport.HTML_FILE))).contains("approved by the requester");
        assertReportVerifies(bundle, votes);
    }

    /**
     * A held privileged command the gateway refused without asking approvers (a value they would
     * not see whole, `unshown`; too many of the caller's commands already waiting, `limited`; a
     * body too large to hold, `refused`) never ran: every `command.blocked` ends its command, whatever
     * its outcome, one a newer gateway writes included. Until 2026-12-07 the report read only the
     * outcomes it was written with, and listed such a command as run without an approval.
     */
    @Test
    void aHeldCommandRefusedWithoutAskingApproversDidNotRunWithoutAnApproval() throws Exception {
        ReportLog refusals = logAnHourIn();
        ReportLog.Session session = refusals.session(ANALYST, "shop").open(true);
        for (String outcome : List.of("unshown", "limited", "refused", "withheld_by_a_newer_gateway")) {
            long seq = session.command("ALTER TABLE orders DROP COLUMN note -- " + outcome, "ddl", "hold-ddl");
            session.blocked(seq, outcome, "hold-ddl", "not put to approvers", null);
        }
        session.close();
        Path bundle = refusals.bundle(dir.resolve("refusals"), ReportLog.parameters(FROM, TO));

        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "exceptions.privileged_without_approval")).as("none of them ran").isZero();
        assertThat(value(figures, "privileged.outcome[unshown]")).isEqualTo(1);
        assertThat(value(figures, "privileged.outcome[limited]")).isEqualTo(1);
        assertThat(value(figures, "privileged.outcome[refused]")).isEqualTo(1);
        assertThat(value(figures, "privileged.outcome[withheld_by_a_newer_gateway]")).isEqualTo(1);
        assertThat(figures).doesNotContainKey("privileged.outcome[allowed]");
        assertReportVerifies(bundle, refusals);
    }

    /**
     * An approval counts as approved only as far as its events bear it out: by someone of its
     * approver or break-glass groups, by as many people as it needed (or one of its break-glass
     * groups alone), before it expired. The gateway decides so; a log where it did not (a bug, an
     * event written by hand and signed with a stolen key) holds approvals an auditor must follow up,
     * not count. Until 2026-12-07 the report counted every `approved` outcome as approved.
     */
    @Test
    void anApprovalTheEventsDoNotSupportIsAnException() throws Exception {
        ReportLog unsupported = logAnHourIn();
        approvedAlone(unsupported, "u1", ANALYST, DEPLOYER, "DROP TABLE orders");
        heldNeedingTwo(unsupported, "u2", DBA, false, Duration.ofSeconds(30), "TRUNCATE orders");
        heldNeedingTwo(unsupported, "u3", DBA, true, Duration.ofSeconds(30), "TRUNCATE customers");
        heldNeedingTwo(unsupported, "u4", ONCALL, true, Duration.ofMinutes(20), "TRUNCATE payments");
        ReportLog.Session elsewhere = unsupported.session(DBA, "shop").open(true);
        ReportLog.Session held = unsupported.session(ANALYST, "shop").open(true);
        long drop = held.command("DROP TABLE invoices", "ddl", "hold-ddl");
        held.requested("u5", (Long) drop, "DROP TABLE invoices", List.of("dba"), List.of());
        elsewhere.decided(DBA, "u5", "approved", "filed in my own session", false, List.of(DBA));
        held.result(drop, "ok");
        long truncate = held.command("TRUNCATE invoices", "ddl", "hold-ddl");
        held.requested("u6", (Long) truncate, "TRUNCATE invoices", List.of("dba"), List.of());
        held.result(truncate, "ok");
        held.decided(DBA, "u6", "approved", "after the fact", false, List.of(DBA));
        held.close();
        elsewhere.close();
        approvedAlone(unsupported, "s1", ANALYST, DBA, "ALTER TABLE orders ADD COLUMN note text");
        heldNeedingTwo(unsupported, "s2", ONCALL, true, Duration.ofSeconds(30), "TRUNCATE staging");
        Path bundle = unsupported.bundle(dir.resolve("unsupported"), ReportLog.parameters(FROM, TO));

        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "exceptions.unsupported_approvals")).isEqualTo(6);
        assertThat(value(figures, "privileged.outcome[approved]")).as("s1 and s2").isEqualTo(2);
        assertThat(value(figures, "privileged.outcome[unsupported_approval]")).isEqualTo(6);
        assertThat(value(figures, "exceptions.privileged_without_approval")).as("what ran on an unsupported approval")
                .isEqualTo(6);
        JsonNode items = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions")
                .path("unsupported_approvals").path("items");
        assertThat(items.get(0).path("id").asText()).isEqualTo("u1");
        assertThat(items.get(0).path("unsupported").toString()).contains("deploy (sa:deploy) approved through none of its approver"
                + " or break-glass groups");
        assertThat(items.get(1).path("unsupported").toString()).contains("approved by 1 of the 2 people it needed");
        assertThat(items.get(2).path("unsupported").toString()).contains("approved by 1 of the 2 people it needed");
        assertThat(items.get(3).path("id").asText()).isEqualTo("u4");
        assertThat(items.get(3).path("unsupported").toString()).contains("after it expired at");
        assertThat(items.get(4).path("id").asText()).isEqualTo("u5");
        assertThat(items.get(4).path("unsupported").toString()).contains("not in the session");
        assertThat(items.get(5).path("unsupported").toString()).contains("was recorded before it was approved");
        assertThat(Files.readString(bundle.resolve(AuditReport.HTML_FILE))).contains("Approvals the events do not support",
                "approved through none of its approver or break-glass groups");
        assertReportVerifies(bundle, unsupported);
    }

    /**
     * A session of {@link ReportLog#ANALYST} whose held DDL needs two DBAs (or one of on-call alone),
     * approved by {@code approver} alone after {@code wait}, marked break-glass or not.
     */
    private static void heldNeedingTwo(ReportLog log, String id, ReportLog.Actor approver, boolean breakGlass, Duration wait,
                                       String statement) {
        ReportLog.Session session = log.session(ANALYST, "shop").open(true);
        long seq = session.command(statement, "ddl", "hold-ddl");
        ObjectNode request = ReportLog.detail().put("id", id).put("seq", seq).put("command", statement).put("class", "ddl")
                .put("rule", "hold-ddl").put("reason", "two DBAs").put("min_approvals", 2)
                .put("expires_at", log.clock.plusSeconds(900).toString());
        request.putArray("approver_groups").add("dba");
        request.putArray("break_glass_groups").add("oncall");
        log.append("approval.requested", ANALYST, session.id, "shop", request);
        log.advance(wait);
        session.decided(approver, id, "approved", "fine", breakGlass, List.of(approver));
        session.result(seq, "ok");
        session.close();
    }

    /**
     * A service-account key's secret is shown once, to whoever created it: a DBA who is also an
     * admin creates a key of {@code sa:helper} in group dba and approves their own DDL with it, or
     * runs DDL with the key of {@code sa:deploy} they created and approves it as themselves. Either
     * way the approval comes from the requester's side of the key. Until 2026-12-07 neither was an
     * own-group approval: the identities differ and share no group.
     */
    @Test
    void anApprovalThroughAServiceAccountKeyTheRequesterCreatedIsAnOwnApproval() throws Exception {
        ReportLog keys = logAnHourIn();
        ReportLog.Actor admin = new ReportLog.Actor("apikey:ada", "ada", "human", List.of("admins"));
        ReportLog.Actor helper = new ReportLog.Actor("sa:helper", "helper", "service", List.of("dba"));
        keys.append("admin.action", admin, null, null, ReportLog.detail().put("action", "service_account.key.create")
                .put("key_id", "k1").put("account", "helper"));
        keys.append("admin.action", DBA, null, null, ReportLog.detail().put("action", "service_account.key.create")
                .put("key_id", "k2").put("account", "deploy"));
        approvedAlone(keys, "k1", admin, helper, "DROP TABLE orders");
        approvedAlone(keys, "k2", DEPLOYER, DBA, "ALTER TABLE orders DROP COLUMN note");
        approvedAlone(keys, "k3", ANALYST, DBA, "ALTER TABLE orders ADD COLUMN note text");
        Path bundle = keys.bundle(dir.resolve("keys"), ReportLog.parameters(FROM, TO));

        assertThat(value(figures(bundle), "exceptions.own_group_approvals")).isEqualTo(2);
        JsonNode items = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions").path("own_group_approvals")
                .path("items");
        assertThat(items.get(0).path("id").asText()).isEqualTo("k1");
        assertThat(items.get(0).path("by_key_creator").asBoolean()).isTrue();
        assertThat(items.get(1).path("id").asText()).isEqualTo("k2");
        assertThat(items.get(1).path("by_key_creator").asBoolean()).isTrue();
        assertThat(Files.readString(bundle.resolve(AuditReport.HTML_FILE)))
                .contains("approved by whoever created the requester&#39;s service-account key");
        assertReportVerifies(bundle, keys);
    }

    /**
     * Two more approvals the gateway never gives, which the report counted as approved until
     * 2026-12-07: one recorded after the session whose command it holds ended (the gateway withdraws
     * a request whose client is gone), and one of an id two requests gave (the gateway gives each an
     * id of its own, so the approval cannot be told to be of the one it holds).
     */
    @Test
    void anApprovalAfterItsSessionEndedOrOfAReusedIdIsNotBorneOut() throws Exception {
        ReportLog late = logAnHourIn();
        ReportLog.Session gone = late.session(ANALYST, "shop").open(true);
        long drop = gone.command("DROP TABLE invoices", "ddl", "hold-ddl");
        gone.requested("e1", (Long) drop, "DROP TABLE invoices", List.of("dba"), List.of());
        gone.close();
        gone.decided(DBA, "e1", "approved", "late", false, List.of(DBA));
        ReportLog.Session first = late.session(ANALYST, "shop").open(true);
        long truncate = first.command("TRUNCATE invoices", "ddl", "hold-ddl");
        first.requested("e2", (Long) truncate, "TRUNCATE invoices", List.of("dba"), List.of());
        ReportLog.Session second = late.session(ANALYST, "shop").open(true);
        long alter = second.command("ALTER TABLE invoices ADD COLUMN x int", "ddl", "hold-ddl");
        second.requested("e2", (Long) alter, "ALTER TABLE invoices ADD COLUMN x int", List.of("dba"), List.of());
        first.decided(DBA, "e2", "approved", "which one?", false, List.of(DBA));
        first.result(truncate, "ok");
        first.close();
        second.close();
        Path bundle = late.bundle(dir.resolve("late"), ReportLog.parameters(FROM, TO));

        JsonNode items = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions")
                .path("unsupported_approvals").path("items");
        assertThat(items.findValuesAsText("id")).containsExactly("e1", "e2");
        assertThat(items.get(0).path("unsupported").toString()).contains("after the session whose command it holds ended");
        assertThat(items.get(1).path("unsupported").toString()).contains("its id was requested again");
        assertReportVerifies(bundle, late);
    }

    /**
     * The events name the keys themselves (the request its command's key, a decision the key it was
     * given with, each with its creator), so an approval from the key's side is listed whenever the
     * key was created: before the bundle's first event, or with the approver's key and the
     * requester's made by one person. Until 2026-12-07 only key creations in the bundle were read,
     * and two keys of one creator were not.
     */
    @Test
    void anApprovalFromTheSideOfTheKeyTheCommandRanWithIsAnOwnApproval() throws Exception {
        ReportLog keys = logAnHourIn();
        ReportLog.Actor ada = new ReportLog.Actor("apikey:ada", "ada", "human", List.of("dba"));
        ReportLog.Actor helper = new ReportLog.Actor("sa:helper", "helper", "service", List.of("dba"));
        approvedWithKeys(keys, "k1", DEPLOYER, "apikey:ada", ada, null);
        approvedWithKeys(keys, "k2", DEPLOYER, "apikey:ada", helper, "apikey:ada");
        approvedWithKeys(keys, "k3", DEPLOYER, "apikey:ada", helper, "apikey:bob");
        // Ada under another identity (her provider account, the same mailbox), as the keys record their creator since 2026-12-07.
        ReportLog.Actor adaAtIdp = new ReportLog.Actor("00u-ada", "Ada", "human", List.of("dba"), "Ada+work@Example.com");
        approvedWithKeys(keys, "k4", DEPLOYER, new RecordedKeyCreator("apikey:ada", "ada@example.com"), adaAtIdp, null);
        approvedWithKeys(keys, "k5", DEPLOYER, new RecordedKeyCreator("apikey:ada", "ada@example.com"), helper,
                new RecordedKeyCreator("00u-ada", "ada@example.com"));
        approvedWithKeys(keys, "k6", new ReportLog.Actor("apikey:ada", "ada", "human", List.of("deployers"), "ada@example.com"), null,
                helper, new RecordedKeyCreator("00u-ada", "ADA@example.com"));
        approvedWithKeys(keys, "k7", DEPLOYER, new RecordedKeyCreator("apikey:ada", "ada@example.com"), helper,
                new RecordedKeyCreator("00u-bob", "bob@example.com"));
        Path bundle = keys.bundle(dir.resolve("keys"), ReportLog.parameters(FROM, TO));

        JsonNode items = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions").path("own_group_approvals")
                .path("items");
        assertThat(items.findValuesAsText("id")).containsExactly("k1", "k2", "k4", "k5", "k6");
        assertThat(items.findValues("by_key_creator")).allMatch(JsonNode::asBoolean);
        assertReportVerifies(bundle, keys);
    }

    /** A request whose command ran with a key {@code requesterKeyCreator} created, approved alone with a key {@code approverKeyCreator} created (null: no key). */
    private static void approvedWithKeys(ReportLog log, String id, ReportLog.Actor requester, String requesterKeyCreator,
                                         ReportLog.Actor approver, String approverKeyCreator) {
        approvedWithKeys(log, id, requester, new RecordedKeyCreator(requesterKeyCreator, null), approver,
                approverKeyCreator == null ? null : new RecordedKeyCreator(approverKeyCreator, null));
    }

    private static void keyCreatedBy(ObjectNode key, RecordedKeyCreator creator) {
        key.put("created_by", creator.subject());
        if (creator.email() != null) {
            key.put("created_by_email", creator.email());
        }
    }

    /** As above, with each creator's email address as the events state it (none when null). */
    private static void approvedWithKeys(ReportLog log, String id, ReportLog.Actor requester, RecordedKeyCreator requesterKeyCreator,
                                         ReportLog.Actor approver, RecordedKeyCreator approverKeyCreator) {
        ReportLog.Session session = log.session(requester, "shop").open(true);
        long seq = session.command("DROP TABLE t_" + id, "ddl", "hold-ddl");
        ObjectNode requested = ReportLog.detail().put("id", id).put("seq", seq).put("command", "DROP TABLE t_" + id).put("class", "ddl")
                .put("rule", "hold-ddl").put("min_approvals", 1).put("expires_at", log.clock.plusSeconds(900).toString());
        requested.putArray("approver_groups").add("dba");
        if (requesterKeyCreator != null) {
            keyCreatedBy(requested.putObject("requester_key").put("key", "service-account-key:" + id), requesterKeyCreator);
        }
        log.append("approval.requested", requester, session.id, "shop", requested);
        ObjectNode approved = ReportLog.detail().put("id", id).put("outcome", "approved").put("reason", "fine").put("min_approvals", 1)
                .put("break_glass", false);
        approved.putArray("votes").addObject().put("iss", "tracegate").put("sub", approver.sub()).put("at", log.clock.toString());
        if (approverKeyCreator != null) {
            keyCreatedBy(approved.putObject("signed_in_with").put("key", "service-account-key:h-" + id), approverKeyCreator);
        }
        log.append("approval.decided", approver, session.id, "shop", approved);
        session.result(seq, "ok");
        session.close();
    }

    /**
     * A command run under a grant is counted as approved only when the bundle does not contradict
     * the grant: the approval it cites gave one, for its class, rule and connection, and it had not
     * expired. A grant whose approval the bundle does not hold is not judged. Until 2026-12-07 every
     * `granted` run counted as run under a grant.
     */
    @Test
    void aRunUnderAGrantTheEventsDoNotSupportIsAnException() throws Exception {
        ReportLog grants = logAnHourIn();
        ReportLog.Session session = grants.session(ANALYST, "shop").open(true);
        long first = session.command("ALTER TABLE orders ADD COLUMN a int", "ddl", "hold-ddl");
        session.requested("g1", (Long) first, "ALTER TABLE orders ADD COLUMN a int", List.of("dba"), List.of());
        ObjectNode approved = ReportLog.detail().put("id", "g1").put("outcome", "approved").put("reason", "migration")
                .put("min_approvals", 1).put("break_glass", false);
        approved.putArray("votes").addObject().put("iss", "tracegate").put("sub", DBA.sub()).put("at", grants.clock.toString());
        approved.putObject("grant").put("statement_class", "ddl").put("rule", "hold-ddl").put("connection", "shop")
                .put("expires_at", grants.clock.plusSeconds(1800).toString());
        grants.append("approval.decided", DBA, session.id, "shop", approved);
        session.result(first, "ok");
        grantedRun(grants, session, "ALTER TABLE orders ADD COLUMN b int", "g1");
        long second = session.command("ALTER TABLE orders ADD COLUMN c int", "ddl", "hold-ddl");
        session.requested("g2", (Long) second, "ALTER TABLE orders ADD COLUMN c int", List.of("dba"), List.of());
        session.decided(DBA, "g2", "approved", "this one only", false, List.of(DBA));
        session.result(second, "ok");
        grantedRun(grants, session, "DROP TABLE orders", "g2");
        grantedRun(grants, session, "ALTER TABLE orders ADD COLUMN d int", "before-the-bundle");
        grants.advance(Duration.ofMinutes(40));
        grantedRun(grants, session, "ALTER TABLE orders DROP COLUMN a", "g1");
        session.close();
        Path bundle = grants.bundle(dir.resolve("grants"), ReportLog.parameters(FROM, TO));

        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "privileged.outcome[granted]")).as("b, and d under a grant the bundle does not show").isEqualTo(2);
        assertThat(value(figures, "privileged.outcome[unsupported_grant]")).as("the DROP and the late DROP COLUMN").isEqualTo(2);
        assertThat(value(figures, "exceptions.privileged_without_approval")).isEqualTo(2);
        JsonNode items = JSON.readTree(bundle.resolve(AuditReport.JSON_FILE).toFile()).path("exceptions")
                .path("privileged_without_approval").path("items");
        assertThat(items.get(0).path("unsupported").asText()).isEqualTo("approval g2 gave no grant");
        assertThat(items.get(1).path("unsupported").asText()).contains("expired at");
        assertReportVerifies(bundle, grants);
    }

    /** A privileged command of {@code session} run under the grant of approval {@code id}, as the gateway records it. */
    private static void grantedRun(ReportLog log, ReportLog.Session session, String statement, String id) {
        long seq = session.command(statement, "ddl", "hold-ddl");
        log.append("approval.decided", ANALYST, session.id, "shop", ReportLog.detail().put("seq", seq).put("outcome", "granted")
                .put("id", id).put("granted_by", "tracegate|" + DBA.sub()).put("rule", "hold-ddl"));
        session.result(seq, "ok");
    }

    /** A session of {@code requester} whose held DDL {@code approver} approved alone, and which then ran. */
    private static void approvedAlone(ReportLog log, String id, ReportLog.Actor requester, ReportLog.Actor approver, String statement) {
        ReportLog.Session session = log.session(requester, "shop").open(true);
        long seq = session.command(statement, "ddl", "hold-ddl");
        session.requested(id, statement, List.of("dba"), List.of());
        session.decided(approver, id, "approved", "fine", false, List.of(approver));
        session.result(seq, "ok");
        session.close();
    }

    /** Without the text to tell them apart, the request names its command by {@code seq}, as the gateway records it. */
    @Test
    void anApprovalRequestStatingItsCommandsSeqHoldsThatCommand() throws Exception {
        ReportLog twice = logAnHourIn();
        ReportLog.Session restarts = twice.session(ANALYST, "bastion").open(true);
        long[] seqs = new long[2];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = restarts.command("exec", "systemctl restart postgresql", "dangerous_admin", "hold-dangerous");
        }
        long first = seqs[0];
        long second = seqs[1];
        restarts.requested("c2", first, "systemctl restart postgresql", List.of("dba"), List.of());
        restarts.decided(DBA, "c2", "approved", "fine", false);
        restarts.result(first, "ok");
        restarts.blocked(second, "blocked", "hold-dangerous", "held elsewhere", null);
        restarts.close();
        Path bundle = twice.bundle(dir.resolve("seq"), ReportLog.parameters(FROM, TO));

        assertThat(firstApproval(bundle).path("command_leaf").asLong()).isEqualTo(findCommand(twice, "systemctl restart postgresql"));
        assertReportVerifies(bundle, twice);
    }

    /**
     * A bundle of one stretch of the period (one session's events, contiguous in the log) has no
     * index missing between its first and last event; only the events next to that stretch, which
     * are not in it, show the period goes on. The report must not call it complete.
     */
    @Test
    void aBundleOfOnlyAStretchOfThePeriodIsNotCalledComplete() throws Exception {
        long firstOfStretch = findCommand("ALTER TABLE orders ADD COLUMN note text") - 1;
        long lastOfStretch = findCommand("DROP TABLE audit_trail") - 2;
        Path whole = log.bundle(dir.resolve("whole"), ReportLog.parameters(FROM, TO));
        Path stretch = log.bundle(dir.resolve("stretch"), ReportLog.parameters(FROM, TO),
                index -> index >= firstOfStretch && index <= lastOfStretch, blob -> true);

        JsonNode wholeIntegrity = JSON.readTree(whole.resolve(AuditReport.JSON_FILE).toFile()).path("integrity");
        assertThat(wholeIntegrity.path("verified").asBoolean()).isTrue();
        JsonNode integrity = JSON.readTree(stretch.resolve(AuditReport.JSON_FILE).toFile()).path("integrity");
        assertThat(integrity.path("range").path("missing").path("value").asLong()).as("no index missing inside the stretch").isZero();
        assertThat(integrity.path("range").path("boundary").asText()).contains("just before the period) is NOT in the bundle")
                .contains("just after the period) is NOT in the bundle");
        assertThat(integrity.path("verified").asBoolean()).as("a stretch is not the whole period").isFalse();
        assertThat(Files.readString(stretch.resolve(AuditReport.HTML_FILE))).contains("NOT fully verified when the report was generated");
        assertReportVerifies(stretch, log);
    }

    @Test
    void anApprovalTheGatewaysStoreDidNotKeepIsNotCountedAsApprovedButAsHowTheRequestReallyEnded() throws Exception {
        ReportLog voided = logAnHourIn();
        ReportLog.Session session = voided.session(ANALYST, "shop").open(true);
        long seq = session.command("DROP TABLE orders", "ddl", "hold-ddl");
        session.requested("q1", "DROP TABLE orders", List.of("dba"), List.of());
        Instant approvedAt = voided.clock;
        session.decided(DBA, "q1", "approved", "fine", false);
        // The gateway's store failed at COMMIT: the approval was refused to the DBA and the command never ran.
        ObjectNode notTaken = ReportLog.detail().put("id", "q1").put("outcome", "not_taken")
                .put("reason", "the store could not keep this approved, so it was not taken");
        notTaken.putObject("not_taken").put("outcome", "approved").put("iss", "tracegate").put("sub", DBA.sub())
                .put("at", approvedAt.toString());
        voided.append("approval.decided", ReportLog.GATEWAY, session.id, "shop", notTaken);
        session.decided(ReportLog.GATEWAY, "q1", "expired", "no decision within 15m", false);
        session.blocked(seq, "expired", "hold-ddl", "no decision within 15m", "q1");
        session.result(seq, "blocked");
        session.close();
        Path bundle = voided.bundle(dir.resolve("voided"), ReportLog.parameters(FROM, TO));

        Map<String, JsonNode> figures = figures(bundle);
        assertThat(value(figures, "approvals.outcome.approved")).isZero();
        assertThat(value(figures, "approvals.outcome.expired")).isEqualTo(1);
        assertReportVerifies(bundle, voided);
    }

    @Test
    void textThatWouldDisplayInAnotherOrderOrHideCharactersIsShownByItsCodePoints() throws Exception {
        ReportLog crafted = logAnHourIn();
        ReportLog.Actor reversedName = new ReportLog.Actor("apikey:ev\u202Eil", "ana\u2067lyst\u2069", "human", List.of("analysts"));
        ReportLog.Session session = crafted.session(reversedName, "shop").open(true);
        // Displayed as written, the override turns the tail around: the auditor would read "WHERE id = 7" before a DELETE of every row.
        long seq = session.command("DELETE FROM orders -- \u202E7 = di EREHW\nSELECT 1\u200B;\u2028DROP TABLE x", "write", "default");
        session.result(seq, "ok", "\u2066row\u2069");
        session.close();
        Path bundle = crafted.bundle(dir.resolve("bidi"), ReportLog.parameters(FROM, TO));

        String html = Files.readString(bundle.resolve(AuditReport.HTML_FILE));
        assertThat(html.codePoints().filter(c -> Character.getType(c) == Character.FORMAT || c == 0x2028).boxed().toList())
                .as("no direction override, isolate, zero-width or line separator character reaches the page").isEmpty();
        assertThat(html).contains("-- &lt;U+202E&gt;7 = di EREHW").contains("SELECT 1&lt;U+200B&gt;;&lt;U+2028&gt;DROP TABLE x")
                .contains("ana&lt;U+2067&gt;lyst&lt;U+2069&gt;");
        assertReportVerifies(bundle, crafted);
    }

    @Test
    void theHtmlEscapesWhatTheLogHoldsAndNeedsNoScriptOrExternalResource() throws Exception {
        ReportLog hostile = logAnHourIn();
        ReportLog.Session session = hostile.session(ANALYST, "shop\"><img src=x onerror=alert(1)>").open(true);
        long seq = session.command("SELECT '</pre><script>alert(document.cookie)</script>'", "read", "default");
        session.result(seq, "ok", "<b>bold</b>");
        hostile.append("x\" onmouseover=\"alert(1)", ReportLog.ANALYST, session.id, "shop", ReportLog.detail().put("<i>", "</i>"));
        session.close();
        Path bundle = hostile.bundle(dir.resolve("hostile"), ReportLog.parameters(FROM, TO));
        String html = Files.readString(bundle.resolve(AuditReport.HTML_FILE));
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContain("<img").doesNotContain("<b>bold").doesNotContain("<i>")
                .doesNotContain("\" onmouseover")
                .contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt;").contains("&lt;b&gt;bold&lt;/b&gt;");
        assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("@import").doesNotContain("url(");
        assertThat(html.substring(0, html.indexOf("</head>"))).as("a second wall: the page itself forbids scripts")
                .contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';");
    }
}
