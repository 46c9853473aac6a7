package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Commands in scope and their outcomes: the privileged ones (DDL, privilege, dangerous and
 * unclassifiable statements) with who ran them and under which approval, and the blocked ones.
 * A command's events share its session and sequence number; only commands still waiting for their
 * result, privileged ones and refused ones are kept in memory.
 */
final class Commands {
    /** Classes an auditor calls privileged. UNKNOWN is as risky as the worst known class (docs/policy.md). */
    static final Map<String, String> PRIVILEGED = TallyMap.labels(
            "ddl", "Schema changes (DDL)",
            "privilege", "Privilege changes (GRANT, roles, ownership)",
            "dangerous_admin", "Dangerous administration (files, programs, other sessions, identity)",
            "unknown", "Statements the gateway could not classify");

    /**
     * What a {@code command.blocked} without an outcome shows as its command's end. Every such event
     * ends its command unrun, whatever its outcome says why ({@code blocked}, {@code denied},
     * {@code expired}, {@code withdrawn}; {@code revoked}: its session's key was; {@code sign_in_ended}:
     * its session's sign-in had ended; {@code unshown}: held, but with what approvers would not see
     * whole; {@code limited}: held while the caller had as many waiting as they may; {@code refused}:
     * a body too large to hold; and any a newer gateway writes): an outcome the report does not know
     * is still no run. Until 2026-12-07 only the first six were read, and a held DDL refused as
     * {@code unshown} was listed as run without an approval.
     */
    private static final String UNNAMED_REFUSAL = "refused";

    private final Identities identities;
    private final Map<String, CommandRecord> awaitingResult = new HashMap<>();
    private final Map<String, CommandRecord> lastBySession = new HashMap<>();
    private final List<CommandRecord> privileged = new ArrayList<>();
    private final List<CommandRecord> blocked = new ArrayList<>();
    private final Tally privilegedTotal = new Tally();
    private final TallyMap privilegedByClass = new TallyMap();
    private final TallyMap privilegedByIdentity = new TallyMap();
    private final Tally blockedTotal = new Tally();
    private final TallyMap blockedByRule = new TallyMap();
    private final TallyMap blockedByIdentity = new TallyMap();
    private final Tally granted = new Tally();
    /** Commands with neither a result nor a refusal yet, by session and seq: what a session's end leaves so is an exception. */
    private final Map<String, Map<Long, CommandRecord>> unendedBySession = new HashMap<>();
    private final List<CommandRecord> withoutEnd = new ArrayList<>();
    private final Tally withoutEndTotal = new Tally();

    Commands(Identities identities) {
        this.identities = identities;
    }

    void accept(ReportEvent event) {
        switch (event.type()) {
            case EventTypes.COMMAND -> command(event);
            case EventTypes.COMMAND_BLOCKED -> refused(event);
            case EventTypes.COMMAND_RESULT -> result(event);
            case EventTypes.SESSION_CLOSE -> sessionClosed(event);
            case EventTypes.APPROVAL_DECIDED -> {
                if ("granted".equals(event.detailText("outcome"))) {
                    ranUnderGrant(event);
                }
            }
            default -> { }
        }
    }

    private void command(ReportEvent event) {
        CommandRecord record = new CommandRecord(event);
        awaitingResult.put(CommandRecord.key(event), record);
        lastBySession.put(event.session(), record);
        if (!"Parse".equals(event.detailText("message"))) { // a Parse recorded for its hold runs as its Executes
            unendedBySession.computeIfAbsent(event.session(), session -> new HashMap<>()).put(record.seq, record);
        }
        if (record.statementClass != null && PRIVILEGED.containsKey(record.statementClass)) {
            privileged.add(record);
            privilegedTotal.count(event.index());
            privilegedByClass.get(record.statementClass).count(event.index());
            privilegedByIdentity.get(identities.remember(event.actor())).count(event.index());
        }
    }

    private CommandRecord recordOf(ReportEvent event) {
        return awaitingResult.get(CommandRecord.key(event));
    }

    private void refused(ReportEvent event) {
        ended(event);
        String outcome = Objects.requireNonNullElse(event.detailText("outcome"), UNNAMED_REFUSAL);
        CommandRecord record = recordOf(event);
        if (record == null) {
            return;
        }
        record.refusal = outcome;
        record.refusalRule = event.detailText("rule");
        record.refusalReason = event.detailText("reason");
        record.refusalLeaf = event.index();
        if (outcome.equals("blocked")) {
            blocked.add(record);
            blockedTotal.count(event.index()).cite(record.leaf);
            blockedByRule.get(record.refusalRule).count(event.index());
            blockedByIdentity.get(identities.remember(record.actor)).count(event.index());
        }
    }

    private void result(ReportEvent event) {
        ended(event);
        CommandRecord record = awaitingResult.remove(CommandRecord.key(event));
        if (record != null) {
            record.resultLeaf = event.index();
            record.resultStatus = event.detailText("status");
        }
    }

    private void ended(ReportEvent event) {
        Map<Long, CommandRecord> unended = unendedBySession.get(event.session());
        if (unended != null) {
            unended.remove(event.detail().path("seq").asLong(-1));
        }
    }

    /**
     * A session's end: a command of it that has neither a result nor a refusal by then has no end in
     * the evidence (the gateway closes such commands as {@code unanswered}; one without even that is
     * an exception an auditor follows up).
     */
    private void sessionClosed(ReportEvent event) {
        Map<Long, CommandRecord> unended = unendedBySession.remove(event.session());
        if (unended == null) {
            return;
        }
        unended.values().stream().sorted(Comparator.comparingLong(record -> record.leaf)).forEach(record -> {
            withoutEnd.add(record);
            withoutEndTotal.count(record.leaf).cite(event.index());
        });
    }

    private void ranUnderGrant(ReportEvent event) {
        CommandRecord record = recordOf(event);
        granted.count(event.index());
        if (record != null) {
            record.grantLeaf = event.index();
            record.grantedBy = event.detailText("granted_by");
            record.grantId = event.detailText("id");
            record.grantRule = event.detailText("rule");
        }
    }

    /** Judges every privileged command run under a grant against the grants the bundle shows given. */
    void judgeGrants(GivenGrants grants) {
        privileged.stream().filter(record -> record.grantLeaf >= 0)
                .forEach(record -> record.grantUnsupported = grants.unsupported(record));
    }

    /**
     * The command an approval request holds. A request that states its command's {@code seq} holds
     * that command of its session (none if the session recorded no such command still waiting).
     * Without one (a log from before requests stated it), the session's latest command still
     * waiting for its end with the request's text, else the session's latest command. Why not
     * simply the latest: an SSH session's channels run side by side, so another channel's command
     * can be recorded while the held one waits to be durable, before its request.
     */
    CommandRecord heldBy(ReportEvent request, String requestedText) {
        String session = request.session();
        if (session == null) {
            return null;
        }
        JsonNode seq = request.detail().path("seq");
        if (seq.isIntegralNumber()) {
            return awaitingResult.get(session + "#" + seq.asLong());
        }
        return unendedBySession.getOrDefault(session, Map.of()).values().stream()
                .filter(record -> record.approval == null && Objects.equals(record.statement, requestedText))
                .max(Comparator.comparingLong(record -> record.leaf))
                .orElse(lastBySession.get(session));
    }

    /** Commands whose session ended in scope without their result or refusal. */
    List<CommandRecord> withoutEnd() {
        return withoutEnd;
    }

    Tally withoutEndTotal() {
        return withoutEndTotal;
    }

    List<CommandRecord> privileged() {
        return privileged;
    }

    List<CommandRecord> blocked() {
        return blocked;
    }

    Tally granted() {
        return granted;
    }

    TallyMap privilegedByIdentity() {
        return privilegedByIdentity;
    }

    TallyMap blockedByIdentity() {
        return blockedByIdentity;
    }

    ObjectNode privilegedJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", Figures.of("privileged.total", "Privileged statements", privilegedTotal));
        json.set("by_class", TallyMap.fixed("privileged.class", PRIVILEGED, privilegedByClass));
        TallyMap byOutcome = new TallyMap();
        privileged.forEach(record -> byOutcome.get(record.outcome()).count(record.leaf));
        json.set("by_outcome", byOutcome.toJson("privileged.outcome", key -> "Privileged statements " + describeOutcome(key)));
        json.set("by_identity", identities.named(privilegedByIdentity.toJson("privileged.by_identity",
                key -> "Privileged statements by " + identities.display(key))));
        json.set("items", items(privileged));
        return json;
    }

    ObjectNode blockedJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", Figures.of("blocked.total", "Commands blocked by policy", blockedTotal));
        json.set("by_rule", blockedByRule.toJson("blocked.by_rule", key -> "Blocked by rule " + key));
        json.set("by_identity", identities.named(blockedByIdentity.toJson("blocked.by_identity",
                key -> "Blocked commands of " + identities.display(key))));
        json.set("under_grant", Figures.of("approvals.granted_runs",
                "Held classes of command run under a time-boxed grant", granted));
        json.set("items", items(blocked));
        return json;
    }

    static String describeOutcome(String outcome) {
        return switch (outcome) {
            case "allowed" -> "run without an approval";
            case "approved" -> "run after an approval";
            case CommandRecord.UNSUPPORTED -> "run after an approval the events do not support";
            case CommandRecord.UNSUPPORTED_GRANT -> "run under a grant the events do not support";
            case "granted" -> "run under a time-boxed grant";
            case "held" -> "still waiting for a decision when the period's evidence ends";
            default -> outcome;
        };
    }

    private static ArrayNode items(List<CommandRecord> records) {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        records.forEach(record -> items.add(record.toJson()));
        return items;
    }
}
