package dev.tracegate.gateway.approval;

import java.time.Instant;

/**
 * A time-boxed permission created by an approval: "this caller may run this class of statement on
 * this connection until then, where the same rule holds it", so a working session is not
 * interrupted for every statement. The rule is part of it because each rule names its own
 * approvers: a grant from the DBAs who approve writes to one table must not let the requester
 * write, unasked, to a table whose rule leaves writes to finance.
 *
 * @param id             the approval that created it
 * @param subject        the requester's issuer and subject ({@code iss|sub})
 * @param connection     where it applies
 * @param statementClass which class it covers
 * @param rule           the policy rule whose approvers gave it: it covers only statements that rule holds
 * @param expiresAt      when it ends
 * @param grantedBy      the approver's subject
 */
public record Grant(String id, String subject, String connection, String statementClass, String rule, Instant expiresAt, String grantedBy) {
}
