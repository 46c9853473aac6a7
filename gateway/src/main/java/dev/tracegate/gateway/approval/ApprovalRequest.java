package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.policy.rules.ApprovalSpec;

/**
 * A held command waiting for a person.
 *
 * @param sessionId      the session it belongs to
 * @param requester      who ran it
 * @param connection     where
 * @param protocol       which protocol
 * @param command        the command text, as received
 * @param statementClass the classifier's verdict
 * @param rule           the policy rule that held it
 * @param reason         the rule's reason
 * @param spec           who may approve, how many, for how long
 * @param trace          the client's trace id claim, or null
 */
public record ApprovalRequest(String sessionId, Identity requester, String connection, String protocol, String command,
                              String statementClass, String rule, String reason, ApprovalSpec spec, String trace) {
}
