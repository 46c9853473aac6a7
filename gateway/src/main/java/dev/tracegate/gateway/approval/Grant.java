package dev.tracegate.gateway.approval;

import dev.tracegate.policy.rules.ApprovalSpec;
import java.time.Instant;

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
 * @param id             the approval that created it
 * @param subject        the requester's issuer and subject ({@code iss|sub})
 * @param connection     where it applies
 * @param statementClass which class it covers
 * @param rule           the policy rule whose approvers gave it: it covers only statements that rule holds
 * @param approvers      who approved under that rule then and what the rule said ({@link #termsOf}): it covers
 *                       nothing once the rule asks others or holds other things
 * @param expiresAt      when it ends
 * @param grantedBy      the approver's subject
 */
public record Grant(String id, String subject, String connection, String statementClass, String rule, String approvers, Instant expiresAt,
                    String grantedBy) {

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
