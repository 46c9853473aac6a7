package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.text.VisibleText;
import dev.tracegate.policy.rules.ApprovalSpec;

/**
 * A held command waiting for a person.
 *
 * @param sessionId      the session it belongs to
 * @param requester      who ran it
 * @param connection     where
 * @param protocol       which protocol
 * @param command        the command text as approvers see it: as the evidence records it, or, when the
 *                       policy lets them ({@code approversSee: clear}), with only credentials taken out;
 *                       either way with every invisible or direction-changing character shown as its
 *                       code point ({@link VisibleText}), so that what they approve reads in the order it runs
 * @param recordedCommand the command text as the evidence records it (personal data and credentials masked)
 * @param statementClass the classifier's verdict
 * @param rule           the policy rule that held it
 * @param reason         the rule's reason
 * @param spec           who may approve, how many, for how long
 * @param trace          the client's trace id claim, or null
 * @param requesterKey   the key the requester's session signed in with (a service-account key, a static API
 *                       key, or the key its gateway token was derived from), or null (an OIDC sign-in, a
 *                       request stored before requests kept it): whoever created that key holds its secret, so
 *                       they may not approve or deny the command either
 */
public record ApprovalRequest(String sessionId, Identity requester, String connection, String protocol, String command,
                              String recordedCommand, String statementClass, String rule, String reason, ApprovalSpec spec,
                              String trace, CredentialRef requesterKey) {

    public ApprovalRequest {
        command = VisibleText.of(command);
    }

    /** A request of a session whose key is not known here (tests, tools). */
    public ApprovalRequest(String sessionId, Identity requester, String connection, String protocol, String command,
                           String recordedCommand, String statementClass, String rule, String reason, ApprovalSpec spec,
                           String trace) {
        this(sessionId, requester, connection, protocol, command, recordedCommand, statementClass, rule, reason, spec, trace, null);
    }

    /** The same request, its command shown to approvers as {@code shown}. */
    public ApprovalRequest shownAs(String shown) {
        return new ApprovalRequest(sessionId, requester, connection, protocol, shown, recordedCommand, statementClass, rule, reason,
                spec, trace, requesterKey);
    }

    /** A request whose command approvers see exactly as the evidence records it. */
    public ApprovalRequest(String sessionId, Identity requester, String connection, String protocol, String command,
                           String statementClass, String rule, String reason, ApprovalSpec spec, String trace) {
        this(sessionId, requester, connection, protocol, command, command, statementClass, rule, reason, spec, trace);
    }
}
