package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.policy.rules.ApprovalSpec;
import java.time.Instant;
import java.util.List;

/**
 * A time-boxed permission created by an approval: "this caller may run this class of statement on
 * this connection until then, where the same rule holds it", so a working session is not
 * interrupted for every statement. The rule is part of it because each rule names its own
 * approvers: a grant from the DBAs who approve writes to one table must not let the requester
 * write, unasked, to a table whose rule leaves writes to finance. For the same reason it ends
 * with a policy reload that changes who approves under that rule (other groups, more approvals)
 * or what it holds, and it does not pass to another rule a reload gives the rule's name: it is
 * bound to what the rule says ({@link ApprovalSpec#ruleDefinition()}), not to its name alone.
 *
 * <p>It is also the approvers' word carried forward in time, so it stands only while they could
 * still give it: while the sign-in each of them approved with stands ({@link SignInStanding}). It
 * never lasts past the first of those sign-ins to end, and it lapses as soon as a key one of them
 * approved with is revoked or taken out of the configuration: the approver may have lost the
 * group that made them one, and a grant must not keep their approval alive after that.
 *
 * @param id             the approval that created it
 * @param subject        the requester's issuer and subject ({@code iss|sub})
 * @param connection     where it applies
 * @param statementClass which class it covers
 * @param rule           the policy rule whose approvers gave it: it covers only statements that rule holds
 * @param approvers      who approved under that rule then and what the rule said ({@link #termsOf}): it covers
 *                       nothing once the rule asks others or holds other things
 * @param expiresAt      when it ends
 * @param grantedBy      the approvers' issuers and subjects
 * @param approverSignIns the sign-ins the approvers who gave it approved with; empty for a grant stored
 *                       before grants kept them, which covers nothing
 */
public record Grant(String id, String subject, String connection, String statementClass, String rule, String approvers, Instant expiresAt,
                    String grantedBy, List<SignIn> approverSignIns) {

    public Grant {
        approverSignIns = approverSignIns == null ? List.of() : List.copyOf(approverSignIns);
    }

    /** Why it covers nothing more at {@code now} although it has not expired, or null while it stands. */
    String lapse(Instant now, ActiveKeys activeKeys) {
        if (approverSignIns.isEmpty()) {
            return "given before grants kept the sign-ins their approvers approved with";
        }
        for (SignIn signIn : approverSignIns) {
            String why = SignInStanding.lapse(signIn, now, activeKeys, "given");
            if (why != null) {
                return "the approval of " + signIn.identity().issuer() + "|" + signIn.identity().subject() + " no longer stands: " + why;
            }
        }
        return null;
    }

    /**
     * Who approves under a rule and what the rule says, in one comparable line: groups, approvals
     * needed, break-glass groups, the rule's definition. Grants stored before the definition was
     * part of it end with the upgrade: their statements are held again.
     */
    public static String termsOf(ApprovalSpec spec) {
        return String.join(",", spec.approverGroups().stream().sorted().toList()) + "/" + spec.minApprovals() + "/"
                + String.join(",", spec.breakGlassGroups().stream().sorted().toList()) + "/" + spec.ruleDefinition();
    }
}
