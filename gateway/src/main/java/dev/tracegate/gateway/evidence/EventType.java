package dev.tracegate.gateway.evidence;

/** The dotted event types of the evidence log (docs/evidence.md, "The log"). */
public final class EventType {
    public static final String SESSION_OPEN = "session.open";
    public static final String SESSION_CLOSE = "session.close";
    public static final String AUTH_FAILURE = "auth.failure";
    public static final String COMMAND = "command";
    public static final String COMMAND_RESULT = "command.result";
    public static final String COMMAND_BLOCKED = "command.blocked";
    public static final String APPROVAL_REQUESTED = "approval.requested";
    public static final String APPROVAL_DECIDED = "approval.decided";
    public static final String MASKING_APPLIED = "masking.applied";
    public static final String POLICY_CHANGED = "policy.changed";
    public static final String ADMIN_ACTION = "admin.action";
    public static final String RECORDING_SEALED = "recording.sealed";
    public static final String CHECKPOINT = "checkpoint";
    /** The gateway started: its version and the evidence settings in force (retention, checkpoint interval). */
    public static final String GATEWAY_STARTED = "gateway.started";
    /** Blob retention removed the content of old blobs; the leaves keep their hashes. */
    public static final String RETENTION_APPLIED = "retention.applied";
    /** An audit report was generated, with its SHA-256. */
    public static final String REPORT_GENERATED = "report.generated";
    /** A caller who proved who it is was refused a session by a limit per identity or per address. */
    public static final String SESSION_REFUSED = "session.refused";
    /** The wall clock went back; see {@code LogClock}. */
    public static final String CLOCK_STEPPED = "clock.stepped";

    private EventType() {
    }
}
