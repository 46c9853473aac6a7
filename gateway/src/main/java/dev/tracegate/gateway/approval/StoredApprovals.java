package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreTransaction;
import dev.tracegate.gateway.store.StoredJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The approval tables (approval_request, approval_vote, approval_grant): the working state every
 * node decides against. Each decision locks its request's row ({@code SELECT ... FOR UPDATE})
 * and ends it with an UPDATE conditional on {@code state = 'pending'}, so of two approvers on
 * two nodes, or an approval racing the expiry or a withdrawal, exactly one outcome is taken.
 */
final class StoredApprovals {

    /** The PostgreSQL channel a decision is announced on, with the approval's id as payload. */
    static final String CHANNEL = "tracegate_approval";
    static final String PENDING = "pending";

    private static final String COLUMNS = "id, owner_node, request_json, command_shown, requested_at, expires_at, state,"
            + " decided_at, decided_by_json, decision_reason, break_glass, grant_json";

    private final Store store;

    StoredApprovals(Store store) {
        this.store = store;
    }

    StoreTransaction begin() throws SQLException {
        return store.begin();
    }

    void insert(StoreTransaction tx, PendingApproval pending, String ownerNode) throws SQLException {
        ApprovalRequest request = pending.request();
        // The shown text goes in its own column, so the decision can drop it (approversSee: clear).
        ApprovalRequest kept = request.shownAs(null);
        try (PreparedStatement insert = tx.connection().prepareStatement("INSERT INTO approval_request (id, owner_node,"
                + " requester_key, request_json, command_shown, requested_at, expires_at, state, break_glass)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE)")) {
            insert.setString(1, pending.id());
            insert.setString(2, ownerNode);
            insert.setString(3, key(request.requester()));
            insert.setString(4, StoredJson.write(kept));
            insert.setString(5, request.command());
            insert.setObject(6, time(pending.requestedAt()));
            insert.setObject(7, time(pending.expiresAt()));
            insert.setString(8, PENDING);
            insert.executeUpdate();
        }
    }

    /** The request with its votes, its row locked until the transaction ends; null when there is none. */
    StoredApproval lock(StoreTransaction tx, String id) throws SQLException {
        // The lock first, the read after: under READ COMMITTED each statement then sees every vote
        // committed before the lock was granted, not the votes as they were while it waited.
        try (PreparedStatement lock = tx.connection().prepareStatement("SELECT id FROM approval_request WHERE id = ? FOR UPDATE")) {
            lock.setString(1, id);
            try (ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
            }
        }
        List<StoredApproval> found = select(tx.connection(), "SELECT " + COLUMNS + " FROM approval_request WHERE id = ?",
                "approval_id = ?", id);
        return found.isEmpty() ? null : found.getFirst();
    }

    Optional<StoredApproval> find(String id) throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            return select(connection, "SELECT " + COLUMNS + " FROM approval_request WHERE id = ?", "approval_id = ?", id)
                    .stream().findFirst();
        }
    }

    /** Undecided requests of every node, the longest waiting first. */
    List<StoredApproval> pending() throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            return select(connection, "SELECT " + COLUMNS + " FROM approval_request WHERE state = ? ORDER BY requested_at, id",
                    "approval_id IN (SELECT id FROM approval_request WHERE state = ?)", PENDING);
        }
    }

    /** The most recent requests, decided or not, newest first. */
    List<StoredApproval> recent(int limit) throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            return select(connection, "SELECT " + COLUMNS + " FROM approval_request ORDER BY requested_at DESC, id LIMIT " + limit,
                    "approval_id IN (SELECT id FROM (SELECT id, requested_at FROM approval_request ORDER BY requested_at DESC, id LIMIT "
                            + limit + ") r)");
        }
    }

    long pendingOf(Identity requester) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT COUNT(*) FROM approval_request WHERE state = ? AND requester_key = ?")) {
            count.setString(1, PENDING);
            count.setString(2, key(requester));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Pending requests whose owner is not among the living nodes (their heartbeat is newer than {@code aliveSince}). */
    List<String> pendingOfDeadNodes(Instant aliveSince) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT r.id FROM approval_request r WHERE r.state = ?"
                     + " AND NOT EXISTS (SELECT 1 FROM gateway_node n WHERE n.node_id = r.owner_node AND n.heartbeat_at > ?)")) {
            select.setString(1, PENDING);
            select.setObject(2, time(aliveSince));
            return ids(select);
        }
    }

    List<String> pendingOwnedBy(String node) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id FROM approval_request WHERE state = ? AND owner_node = ?")) {
            select.setString(1, PENDING);
            select.setString(2, node);
            return ids(select);
        }
    }

    /** After every vote the request keeps (lapsed ones are removed, so it cannot be their count): read back in the order cast. */
    void addVote(StoreTransaction tx, String id, ApproverVote vote, Duration grant) throws SQLException {
        try (PreparedStatement insert = tx.connection().prepareStatement("INSERT INTO approval_vote (approval_id, approver_key,"
                + " seq, approver_json, reason, voted_at, grant_millis, sign_in_json) VALUES (?, ?,"
                + " (SELECT COALESCE(MAX(seq) + 1, 0) FROM approval_vote WHERE approval_id = ?), ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, key(vote.approver()));
            insert.setString(3, id);
            insert.setString(4, StoredJson.write(vote.approver()));
            insert.setString(5, vote.reason());
            insert.setObject(6, time(vote.at()));
            if (grant == null) {
                insert.setNull(7, Types.BIGINT);
            } else {
                insert.setLong(7, grant.toMillis());
            }
            insert.setString(8, vote.signIn() == null ? null : StoredJson.write(vote.signIn()));
            insert.executeUpdate();
        }
    }

    /** Drops votes that no longer count ({@link LapsedVote}), so their approvers may vote again. */
    void removeVotes(StoreTransaction tx, String id, List<LapsedVote> lapsed) throws SQLException {
        try (PreparedStatement delete = tx.connection().prepareStatement(
                "DELETE FROM approval_vote WHERE approval_id = ? AND approver_key = ?")) {
            for (LapsedVote vote : lapsed) {
                delete.setString(1, id);
                delete.setString(2, key(vote.vote().approver()));
                delete.executeUpdate();
            }
        }
    }

    /**
     * Ends a pending request: the one conditional UPDATE that decides. False when it was no longer
     * pending. What approvers were shown is replaced by the recorded text, which is all anyone
     * needs of a decided request.
     */
    boolean end(StoreTransaction tx, PendingApproval pending, ApprovalOutcome outcome, Instant at, Identity by,
                String reason, boolean breakGlass, Grant grant) throws SQLException {
        try (PreparedStatement update = tx.connection().prepareStatement("UPDATE approval_request SET state = ?, decided_at = ?,"
                + " decided_by_json = ?, decision_reason = ?, break_glass = ?, grant_json = ?, command_shown = ?"
                + " WHERE id = ? AND state = ?")) {
            update.setString(1, outcome.name().toLowerCase(Locale.ROOT));
            update.setObject(2, time(at));
            update.setString(3, StoredJson.write(by));
            update.setString(4, reason);
            update.setBoolean(5, breakGlass);
            update.setString(6, grant == null ? null : StoredJson.write(grant));
            update.setString(7, pending.request().recordedCommand());
            update.setString(8, pending.id());
            update.setString(9, PENDING);
            if (update.executeUpdate() != 1) {
                return false;
            }
        }
        if (grant != null) {
            addGrant(tx, grant);
        }
        return true;
    }

    /** Tells every node listening that this request changed; PostgreSQL delivers it when the transaction commits. */
    void announce(StoreTransaction tx, String id) throws SQLException {
        if (store.embedded()) {
            return; // one node: it releases its own waiters directly
        }
        try (PreparedStatement notify = tx.connection().prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, id);
            notify.execute();
        }
    }

    /** Unexpired grants for this caller, connection, class and rule as it says now, the longest first. */
    List<Grant> unexpiredGrants(Identity requester, String connectionName, String statementClass, String rule,
                                String approvers, Instant now) throws SQLException {
        // A grant stored before grants named their rule (rule_name NULL) covers nothing: it asks again.
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT approval_id, subject_key, connection_name,"
                     + " statement_class, rule_name, rule_approvers, expires_at, granted_by, approver_sign_ins_json FROM approval_grant"
                     + " WHERE subject_key = ? AND connection_name = ? AND statement_class = ? AND rule_name = ?"
                     + " AND rule_approvers = ? AND expires_at > ? ORDER BY expires_at DESC")) {
            select.setString(1, key(requester));
            select.setString(2, connectionName);
            select.setString(3, statementClass);
            select.setString(4, rule);
            select.setString(5, approvers);
            select.setObject(6, time(now));
            return grants(select);
        }
    }

    List<Grant> grants(Instant now) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT approval_id, subject_key, connection_name,"
                     + " statement_class, rule_name, rule_approvers, expires_at, granted_by, approver_sign_ins_json FROM approval_grant"
                     + " WHERE expires_at > ?"
                     + " ORDER BY expires_at")) {
            select.setObject(1, time(now));
            return grants(select);
        }
    }

    /** Drops decided requests and ended grants older than {@code before}: the evidence log keeps their history. */
    void forgetBefore(Instant before) throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            try (PreparedStatement votes = connection.prepareStatement("DELETE FROM approval_vote WHERE approval_id IN"
                    + " (SELECT id FROM approval_request WHERE state <> ? AND decided_at < ?)")) {
                votes.setString(1, PENDING);
                votes.setObject(2, time(before));
                votes.executeUpdate();
            }
            try (PreparedStatement requests = connection.prepareStatement(
                    "DELETE FROM approval_request WHERE state <> ? AND decided_at < ?")) {
                requests.setString(1, PENDING);
                requests.setObject(2, time(before));
                requests.executeUpdate();
            }
            try (PreparedStatement ended = connection.prepareStatement("DELETE FROM approval_grant WHERE expires_at < ?")) {
                ended.setObject(1, time(before));
                ended.executeUpdate();
            }
        }
    }

    private void addGrant(StoreTransaction tx, Grant grant) throws SQLException {
        try (PreparedStatement insert = tx.connection().prepareStatement("INSERT INTO approval_grant (approval_id, subject_key,"
                + " connection_name, statement_class, rule_name, rule_approvers, expires_at, granted_by, approver_sign_ins_json)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, grant.id());
            insert.setString(2, grant.subject());
            insert.setString(3, grant.connection());
            insert.setString(4, grant.statementClass());
            insert.setString(5, grant.rule());
            insert.setString(6, grant.approvers());
            insert.setObject(7, time(grant.expiresAt()));
            insert.setString(8, grant.grantedBy());
            insert.setString(9, StoredJson.write(grant.approverSignIns()));
            insert.executeUpdate();
        }
    }

    /** Requests by {@code sql}, each with its votes (selected by {@code voteFilter} with the same parameters). */
    private static List<StoredApproval> select(Connection connection, String sql, String voteFilter, String... parameters)
            throws SQLException {
        Map<String, List<StoredVote>> votes = votes(connection, voteFilter, parameters);
        List<StoredApproval> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(approval(rows, votes.getOrDefault(rows.getString("id"), List.of())));
                }
            }
        }
        return found;
    }

    private record StoredVote(ApproverVote vote, String approverKey, Duration grant) {
    }

    private static Map<String, List<StoredVote>> votes(Connection connection, String filter, String... parameters)
            throws SQLException {
        Map<String, List<StoredVote>> votes = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT approval_id, approver_key, approver_json, reason,"
                + " voted_at, grant_millis, sign_in_json FROM approval_vote WHERE " + filter + " ORDER BY approval_id, seq")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long grant = rows.getLong("grant_millis");
                    Duration asked = rows.wasNull() ? null : Duration.ofMillis(grant);
                    String signIn = rows.getString("sign_in_json");
                    ApproverVote vote = new ApproverVote(StoredJson.read(rows.getString("approver_json"), Identity.class),
                            rows.getString("reason"), instant(rows, "voted_at"),
                            signIn == null ? null : StoredJson.read(signIn, SignIn.class));
                    votes.computeIfAbsent(rows.getString("approval_id"), id -> new ArrayList<>())
                            .add(new StoredVote(vote, rows.getString("approver_key"), asked));
                }
            }
        }
        return votes;
    }

    private static StoredApproval approval(ResultSet rows, List<StoredVote> votes) throws SQLException {
        ApprovalRequest kept = StoredJson.read(rows.getString("request_json"), ApprovalRequest.class);
        String shown = rows.getString("command_shown");
        ApprovalRequest request = kept.shownAs(shown != null ? shown : kept.recordedCommand());
        PendingApproval approval = new PendingApproval(rows.getString("id"), request, instant(rows, "requested_at"),
                instant(rows, "expires_at"));
        for (StoredVote vote : votes) {
            approval.addVote(vote.vote(), vote.approverKey(), vote.grant());
        }
        String state = rows.getString("state");
        if (!PENDING.equals(state)) {
            String grant = rows.getString("grant_json");
            approval.markDecided(instant(rows, "decided_at"), StoredJson.read(rows.getString("decided_by_json"), Identity.class),
                    grant == null ? null : StoredJson.read(grant, Grant.class));
            approval.decision().complete(new ApprovalResult(ApprovalOutcome.valueOf(state.toUpperCase(Locale.ROOT)),
                    approval.votes(), rows.getString("decision_reason"), rows.getBoolean("break_glass")));
        }
        return new StoredApproval(approval, rows.getString("owner_node"));
    }

    private static List<Grant> grants(PreparedStatement select) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String signIns = rows.getString(9);
                grants.add(new Grant(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getString(5), rows.getString(6), instant(rows, "expires_at"), rows.getString(8),
                        signIns == null ? List.of() : List.of(StoredJson.read(signIns, SignIn[].class))));
            }
        }
        return grants;
    }

    private static List<String> ids(PreparedStatement select) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private static void bind(PreparedStatement statement, String... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setString(i + 1, parameters[i]);
        }
    }

    /** Issuer and subject: the same subject at another issuer is another person. */
    static String key(Identity identity) {
        return identity.issuer() + "|" + identity.subject();
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}

