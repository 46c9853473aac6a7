package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.jcs.Jcs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events of a period's bundle: every event from the first to the last whose time falls in
 * the period, with no index left out whatever its connection or user (so the auditor can check
 * that nothing is missing); the event just before and just after that range (which show the
 * range is complete at both ends); and, before it, the policy and the gateway start in force when
 * the period began. For a period without events, the two adjacent events around it.
 *
 * @param first   first index of the contiguous range, inclusive
 * @param last    last index, inclusive; below {@code first} when the log is empty
 * @param context earlier events, ascending, all below {@code first}
 */
record PeriodSelection(long first, long last, List<Long> context) {

    /** How many earlier policy documents to look through for the last accepted one. */
    private static final int POLICY_LOOKBACK = 100;

    static PeriodSelection find(Connection connection, Instant from, Instant to, long treeSize) throws SQLException {
        if (treeSize == 0) {
            return new PeriodSelection(0, -1, List.of());
        }
        long[] inPeriod = bounds(connection, from, to, treeSize);
        long first;
        long last;
        if (inPeriod != null) {
            first = Math.max(0, inPeriod[0] - 1);
            last = Math.min(treeSize - 1, inPeriod[1] + 1);
        } else {
            Optional<Long> before = lastBefore(connection, from, treeSize);
            first = before.orElse(0L);
            last = Math.min(treeSize - 1, first + 1);
        }
        List<Long> context = new ArrayList<>();
        lastOfType(connection, EventType.GATEWAY_STARTED, first).ifPresent(context::add);
        lastAcceptedPolicy(connection, first).ifPresent(context::add);
        context.sort(null);
        return new PeriodSelection(first, last, List.copyOf(context));
    }

    private static long[] bounds(Connection connection, Instant from, Instant to, long treeSize) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MIN(idx), MAX(idx) FROM evidence_event WHERE event_time >= ? AND event_time < ? AND idx < ?")) {
            select.setTimestamp(1, Timestamp.from(from));
            select.setTimestamp(2, Timestamp.from(to));
            select.setLong(3, treeSize);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
            }
        }
    }

    private static Optional<Long> lastBefore(Connection connection, Instant from, long treeSize) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MAX(idx) FROM evidence_event WHERE event_time < ? AND idx < ?")) {
            select.setTimestamp(1, Timestamp.from(from));
            select.setLong(2, treeSize);
            return single(select);
        }
    }

    private static Optional<Long> lastOfType(Connection connection, String type, long before) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MAX(idx) FROM evidence_event WHERE event_type = ? AND idx < ?")) {
            select.setString(1, type);
            select.setLong(2, before);
            return single(select);
        }
    }

    /** A rejected document left the previous one in force, so look past it. */
    private static Optional<Long> lastAcceptedPolicy(Connection connection, long before) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT idx, leaf FROM evidence_event WHERE event_type = ? AND idx < ? ORDER BY idx DESC")) {
            select.setString(1, EventType.POLICY_CHANGED);
            select.setLong(2, before);
            select.setMaxRows(POLICY_LOOKBACK);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    JsonNode leaf = Jcs.parse(rs.getBytes(2));
                    if (leaf.path("detail").path("accepted").asBoolean(true)) {
                        return Optional.of(rs.getLong(1));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> single(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            rs.next();
            long value = rs.getLong(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(value);
        }
    }
}
