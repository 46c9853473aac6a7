package dev.tracegate.ledger.report;

import java.time.Instant;
import java.util.Set;

/**
 * Which events a report counts: those in the period, narrowed by connection and user. Events about
 * the gateway as a whole count whatever the connection or user; failed authentications have no
 * proven identity, so only the connection narrows them; identity administration has no
 * connection, so only the user narrows it.
 */
final class ReportScope {
    private final Instant from;
    private final Instant to;
    private final Set<String> connections;
    private final Set<String> users;

    ReportScope(ReportParameters parameters) {
        this.from = parameters.from();
        this.to = parameters.to();
        this.connections = Set.copyOf(parameters.connections());
        this.users = Set.copyOf(parameters.users());
    }

    Instant fromInstant() {
        return from;
    }

    Instant toInstant() {
        return to;
    }

    boolean inPeriod(ReportEvent event) {
        return event.time() != null && inPeriod(event.time());
    }

    boolean inPeriod(Instant time) {
        return !time.isBefore(from) && time.isBefore(to);
    }

    boolean isBeforePeriod(ReportEvent event) {
        return event.time() != null && event.time().isBefore(from);
    }

    /** Whether the event counts in this report's populations. */
    boolean counts(ReportEvent event) {
        if (!inPeriod(event)) {
            return false;
        }
        if (EventTypes.gatewayWide(event.type())) {
            return true;
        }
        if (event.is(EventTypes.AUTH_FAILURE)) {
            return connectionMatches(event.connection() != null ? event.connection() : event.detailText("connection"));
        }
        if (EventTypes.identityAction(event.type())) {
            return userMatches(event.actor().subject()) || userMatches(event.detailText("issued_to"));
        }
        return connectionMatches(event.connection()) && userMatches(event.actor().subject());
    }

    /** An event without a connection is not excluded by a connection filter (it is about no connection in particular). */
    private boolean connectionMatches(String connection) {
        return connections.isEmpty() || connection == null || connections.contains(connection);
    }

    boolean userMatches(String subject) {
        return users.isEmpty() || (subject != null && users.contains(subject));
    }

    boolean narrowed() {
        return !connections.isEmpty() || !users.isEmpty();
    }
}
