package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * This gateway node's lease in the store (gateway_node). A held command is a live client
 * connection on one node; when that node dies the connection is gone, so its approvals must not
 * wait for a decision that can release nothing. The node renews its heartbeat every poll; once it
 * is older than {@link #LEASE}, any node withdraws the dead node's pending approvals.
 */
final class NodeLease {

    /** How long a silent node counts as alive: many heartbeats, so a slow or busy node is not declared dead. */
    static final Duration LEASE = Duration.ofSeconds(20);

    private final Store store;
    private final String nodeId;
    private final Clock clock;

    NodeLease(Store store, String nodeId, Clock clock) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    String nodeId() {
        return nodeId;
    }

    /**
     * The node id kept under the data directory: the same node after a restart, so it can withdraw
     * what its previous run held at once instead of after the lease.
     */
    static String persistentId(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            }
            String id = randomId();
            Files.createDirectories(dataDir);
            Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the node id in " + file, e);
        }
    }

    static String randomId() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return "node-" + HexFormat.of().formatHex(bytes);
    }

    /** Registers this node (again, after a restart) or renews its lease. */
    void renew(boolean starting) throws SQLException {
        Instant now = clock.instant();
        try (Connection connection = store.dataSource().getConnection()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE gateway_node SET heartbeat_at = ?, started_at = " + (starting ? "?" : "started_at") + " WHERE node_id = ?")) {
                int i = 1;
                update.setObject(i++, StoredApprovals.time(now));
                if (starting) {
                    update.setObject(i++, StoredApprovals.time(now));
                }
                update.setString(i, nodeId);
                if (update.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO gateway_node (node_id, started_at, heartbeat_at) VALUES (?, ?, ?)")) {
                insert.setString(1, nodeId);
                insert.setObject(2, StoredApprovals.time(now));
                insert.setObject(3, StoredApprovals.time(now));
                insert.executeUpdate();
            }
        }
    }

    /** Whether {@code node} holds a lease now: this node always does while it runs. */
    boolean alive(Connection connection, String node) throws SQLException {
        if (nodeId.equals(node)) {
            return true;
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT heartbeat_at FROM gateway_node WHERE node_id = ?")) {
            select.setString(1, node);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() && rows.getObject(1, java.time.OffsetDateTime.class).toInstant().isAfter(aliveSince());
            }
        }
    }

    /** Heartbeats older than this are of dead nodes. */
    Instant aliveSince() {
        return clock.instant().minus(LEASE);
    }

    /** A node that stops cleanly gives up its lease: nothing of it is left for the others to withdraw. */
    void release() throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM gateway_node WHERE node_id = ?")) {
            delete.setString(1, nodeId);
            delete.executeUpdate();
        }
    }
}
