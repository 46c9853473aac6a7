package dev.tracegate.gateway.operations;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this node should be sent traffic ({@code /readyz}): its store answers and its evidence
 * log can take commands. A node that cannot record refuses every command (fail closed), so a load
 * balancer should send callers elsewhere.
 */
public final class Readiness {

    private static final int STORE_CHECK_SECONDS = 2;

    private final Store store;
    private final EvidenceLog evidence;

    public Readiness(Store store, EvidenceLog evidence) {
        this.store = store;
        this.evidence = evidence;
    }

    /** What keeps this node from serving; empty when it is ready. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        try (Connection connection = store.dataSource().getConnection()) {
            if (!connection.isValid(STORE_CHECK_SECONDS)) {
                problems.add("the store does not answer");
            }
        } catch (SQLException | RuntimeException e) {
            problems.add("the store is unreachable: " + e.getMessage());
        }
        evidence.unavailability().ifPresent(problems::add);
        return problems;
    }
}
