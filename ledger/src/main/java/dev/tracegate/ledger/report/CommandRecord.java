package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** One command in scope and what became of it, gathered from the events that mention its session and sequence number. */
final class CommandRecord {
    /** The outcome of a command run after an approval its events do not support. */
    static final String UNSUPPORTED = "unsupported_approval";
    /** The outcome of a command run under a grant its events do not support ({@link GivenGrants}). */
    static final String UNSUPPORTED_GRANT = "unsupported_grant";
    final long leaf;
    final Instant time;
    final ReportEvent.Actor actor;
    final String session;
    final long seq;
    final String connection;
    final String statementClass;
    final String rule;
    final String statement;
    /** Why it did not run, from command.blocked ({@code blocked}, {@code denied}, {@code unshown}, ...; {@code refused} when unnamed). */
    String refusal;
    String refusalRule;
    String refusalReason;
    long refusalLeaf = -1;
    long grantLeaf = -1;
    String grantedBy;
    /** The approval whose grant it ran under, and the rule the run cites. */
    String grantId;
    String grantRule;
    /** Why the events do not support the grant it ran under, or null. */
    String grantUnsupported;
    long resultLeaf = -1;
    String resultStatus;
    ApprovalRecord approval;

    CommandRecord(ReportEvent command) {
        this.leaf = command.index();
        this.time = command.time();
        this.actor = command.actor();
        this.session = command.session();
        this.seq = command.detail().path("seq").asLong(-1);
        this.connection = command.connection();
        this.statementClass = command.detailText("class");
        this.rule = command.detailText("rule");
        this.statement = StatementText.of(command.detail().get("text"));
    }

    static String key(ReportEvent event) {
        return event.session() + "#" + event.detail().path("seq").asLong(-1);
    }

    /**
     * What happened to it: refused (blocked, denied, expired, withdrawn, ...), run under a grant, run
     * after an approval (or after one its events do not support), still held when the bundle ends,
     * or allowed without asking anyone.
     */
    String outcome() {
        if (refusal != null) {
            return refusal;
        }
        if (grantLeaf >= 0) {
            return grantUnsupported == null ? "granted" : UNSUPPORTED_GRANT;
        }
        if (approval != null) {
            if (!approval.decided()) {
                return "held";
            }
            return approval.unsupported().isEmpty() ? approval.outcome : UNSUPPORTED;
        }
        return "allowed";
    }

    /** Run without an approval, or after one (or under a grant) its events do not support ({@link ApprovalRecord#unsupported}). */
    boolean ranWithoutApproval() {
        String outcome = outcome();
        return outcome.equals("allowed") || outcome.equals(UNSUPPORTED) || outcome.equals(UNSUPPORTED_GRANT);
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("leaf", leaf);
        json.put("time", String.valueOf(time));
        json.put("subject", actor.subject());
        json.put("identity", actor.display());
        json.put("session", session);
        json.put("seq", seq);
        json.put("connection", connection);
        json.put("class", statementClass);
        json.put("rule", rule);
        json.put("statement", statement);
        json.put("outcome", outcome());
        if (refusalReason != null) {
            json.put("reason", refusalReason);
        }
        if (approval != null) {
            json.put("approval", approval.id);
        }
        if (grantedBy != null) {
            json.put("granted_by", grantedBy);
        }
        if (grantUnsupported != null) {
            json.put("unsupported", grantUnsupported);
        }
        if (resultStatus != null) {
            json.put("result", resultStatus);
        }
        return json;
    }
}
