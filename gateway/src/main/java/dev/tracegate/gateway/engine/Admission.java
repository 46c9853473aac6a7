package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.guard.Ruling;

/**
 * What the {@link CommandGate} makes of a command: it goes upstream, it is refused, or it must
 * wait for approvers. Each protocol renders a refusal its own way (PostgreSQL SQLSTATE 42501, HTTP
 * 403) and waits its own way (watching a socket, or answering 202).
 */
public sealed interface Admission {

    /** The command may run. */
    record Forward() implements Admission {
    }

    /**
     * The command does not run; the evidence already says so.
     *
     * @param outcome    {@code blocked}, {@code denied}, {@code expired}, {@code withdrawn}, {@code limited} (held,
     *                   but the caller already has as many commands waiting as it may), or {@code revoked} (the key
     *                   the session signed in with no longer stands) or {@code sign_in_ended} (the session's
     *                   sign-in has ended, its groups no longer current): for both the engine ends the session
     * @param rule       the rule that blocked or held it
     * @param reason     the rule's reason, or the approver's
     * @param approvalId the approval request that ended so, or {@code null} for a block
     */
    record Refused(String outcome, String rule, String reason, String approvalId) implements Admission {

        static final String REVOKED = "revoked";
        static final String SIGN_IN_ENDED = "sign_in_ended";
        /** Held, but it runs with a value approvers would not see whole ({@link UnshownValue}). */
        static final String UNSHOWN = "unshown";

        public boolean withdrawn() {
            return "withdrawn".equals(outcome);
        }

        /** What the session signed in with no longer stands: nothing more runs, and the engine ends the session. */
        public boolean endsSession() {
            return REVOKED.equals(outcome) || SIGN_IN_ENDED.equals(outcome);
        }

        /** Refused by a limit on the caller, not by the policy's verdict: the client may retry later. */
        public boolean limited() {
            return "limited".equals(outcome);
        }

        /** What a client is told, protocol aside. */
        public String message() {
            if (endsSession()) {
                return reason;
            }
            if (limited() || UNSHOWN.equals(outcome)) {
                return "held by policy rule " + rule + ", but not put to approvers: " + reason;
            }
            if (approvalId == null) {
                return "blocked by policy rule " + rule + ": " + reason;
            }
            return "approval " + approvalId + " " + outcome + (reason == null ? "" : ": " + reason);
        }
    }

    /**
     * The policy holds the command for approvers, and no grant covers it. The engine sends what
     * came before it, asks {@link CommandGate#request}, waits, then asks {@link CommandGate#decided}.
     * {@code seq} is the held command's number in its session, which its request states.
     */
    record NeedsApproval(Ruling ruling, long seq) implements Admission {
    }

    /** An approval asked for: the engine waits for {@code pending} in its protocol's way. */
    record Waiting(Ruling ruling, PendingApproval pending) {
    }
}
