package dev.tracegate.ledger.report;

/** The event types the report reads (docs/evidence.md); events of other types are counted as activity only. */
final class EventTypes {
    static final String SESSION_OPEN = "session.open";
    static final String SESSION_CLOSE = "session.close";
    static final String AUTH_FAILURE = "auth.failure";
    static final String COMMAND = "command";
    static final String COMMAND_RESULT = "command.result";
    static final String COMMAND_BLOCKED = "command.blocked";
    static final String APPROVAL_REQUESTED = "approval.requested";
    static final String APPROVAL_DECIDED = "approval.decided";
    static final String MASKING_APPLIED = "masking.applied";
    static final String POLICY_CHANGED = "policy.changed";
    static final String ADMIN_ACTION = "admin.action";
    static final String GATEWAY_STARTED = "gateway.started";
    static final String RETENTION_APPLIED = "retention.applied";
    static final String REPORT_GENERATED = "report.generated";
    /** Token events of their own type ({@code token.issue}, {@code token.renew}, ...), as well as admin.action ones. */
    static final String TOKEN_PREFIX = "token.";

    private EventTypes() {}

    /** Events about the gateway as a whole: they belong to every connection's and every user's report. */
    static boolean gatewayWide(String type) {
        return POLICY_CHANGED.equals(type) || GATEWAY_STARTED.equals(type) || RETENTION_APPLIED.equals(type)
                || REPORT_GENERATED.equals(type);
    }

    /** Identity administration: credentials issued, exchanged, renewed, created, revoked. */
    static boolean identityAction(String type) {
        return ADMIN_ACTION.equals(type) || (type != null && type.startsWith(TOKEN_PREFIX));
    }
}
