package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The grants the bundle's approvals gave, by approval id, wherever they fall in it: what a command
 * run under a grant ({@code approval.decided} with outcome {@code granted}) is checked against. An
 * approval that gave no grant, or whose grant was for another class, rule or connection, or had
 * expired when the command ran, does not support the run. A grant whose approval the bundle does
 * not hold (given before its first event) is not judged.
 */
final class GivenGrants {

    /** One approval's grant, or its absence ({@code given} false): an approval the bundle shows without one. */
    private record Given(boolean given, String statementClass, String rule, String connection, Instant expiresAt) {
    }

    private final Map<String, Given> byApproval = new HashMap<>();

    void accept(ReportEvent event) {
        if (!event.is(EventTypes.APPROVAL_DECIDED)) {
            return;
        }
        String id = event.detailText("id");
        String outcome = event.detailText("outcome");
        if (id == null) {
            return;
        }
        if ("approved".equals(outcome)) {
            JsonNode grant = event.detail().path("grant");
            byApproval.put(id, grant.isObject()
                    ? new Given(true, grant.path("statement_class").asText(null), grant.path("rule").asText(null),
                            grant.path("connection").asText(null), ReportEvent.time(grant.path("expires_at").asText(null)))
                    : new Given(false, null, null, null, null));
        } else if (ApprovalRecord.NOT_TAKEN.equals(outcome)
                && "approved".equals(event.detail().path(ApprovalRecord.NOT_TAKEN).path("outcome").asText())) {
            byApproval.put(id, new Given(false, null, null, null, null)); // the approval, and its grant, were not taken
        }
    }

    /** Why the bundle's events do not support {@code command} running under the grant it cites, or null. */
    String unsupported(CommandRecord command) {
        Given given = command.grantId == null ? null : byApproval.get(command.grantId);
        if (given == null) {
            return null;
        }
        if (!given.given()) {
            return "approval " + command.grantId + " gave no grant";
        }
        if (!Objects.equals(given.statementClass(), command.statementClass) || !Objects.equals(given.connection(), command.connection)
                || !Objects.equals(given.rule(), command.grantRule)) {
            return "the grant of approval " + command.grantId + " is for " + given.statementClass() + " under rule "
                    + given.rule() + " on " + given.connection() + ", not " + command.statementClass + " under rule "
                    + command.grantRule + " on " + command.connection;
        }
        if (given.expiresAt() != null && command.time != null && command.time.isAfter(given.expiresAt())) {
            return "the grant of approval " + command.grantId + " expired at " + given.expiresAt() + ", before the command at "
                    + command.time;
        }
        return null;
    }
}
