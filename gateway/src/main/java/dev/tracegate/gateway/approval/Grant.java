package dev.tracegate.gateway.approval;

import java.time.Instant;

/**
 * A time-boxed permission created by an approval: "this caller may run this class of statement on
 * this connection until then", so a working session is not interrupted for every statement.
 *
 * @param id             the approval that created it
 * @param subject        the requester's issuer and subject ({@code iss|sub})
 * @param connection     where it applies
 * @param statementClass which class it covers
 * @param expiresAt      when it ends
 * @param grantedBy      the approver's subject
 */
public record Grant(String id, String subject, String connection, String statementClass, Instant expiresAt, String grantedBy) {
}
