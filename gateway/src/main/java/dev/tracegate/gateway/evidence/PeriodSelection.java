package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.jcs.Jcs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The events of a period's bundle: every event from the first to the last whose time falls in
 * the period, with no index left out whatever its connection or user (so the auditor can check
 * that nothing is missing); the event just before and just after that range (which show the
 * range is complete at both ends); and, before it, the policy and the gateway start in force when
 * the period began. For a period without events, the two adjacent events around it.
 *
 * <p>The query index narrows by chunk (its earliest and latest event time, its actor); each
 * candidate's own leaf decides.
 *
 * @param first   first index of the contiguous range, inclusive
 * @param last    last index, inclusive; below {@code first} when the log is empty
 * @param context earlier events, ascending, all below {@code first}
 */
record PeriodSelection(long first, long last, List<Long> context) {

    /** How many earlier policy documents to look through for the last accepted one. */
    private static final int POLICY_LOOKBACK = 100;

    static PeriodSelection find(EvidenceReader reader, Instant from, Instant to, long treeSize) {
        if (treeSize == 0) {
            return new PeriodSelection(0, -1, List.of());
        }
        long[] inPeriod = reader.indices(new EventSelection(null, null, null, null, from, to, 0), treeSize);
        Predicate<byte[]> timeInPeriod = leaf -> {
            Instant time = EventTime.of(leaf);
            return !time.isBefore(from) && time.isBefore(to);
        };
        Optional<Long> firstIn = firstMatching(reader, inPeriod, timeInPeriod);
        long first;
        long last;
        if (firstIn.isPresent()) {
            first = Math.max(0, firstIn.get() - 1);
            long lastIn = lastMatching(reader, inPeriod, timeInPeriod).orElseThrow();
            last = Math.min(treeSize - 1, lastIn + 1);
        } else {
            long[] earlier = reader.indices(new EventSelection(null, null, null, null, null, from, 0), treeSize);
            first = lastMatching(reader, earlier, leaf -> EventTime.of(leaf).isBefore(from)).orElse(0L);
            last = Math.min(treeSize - 1, first + 1);
        }
        long[] gatewayEvents = reader.indices(EventSelection.ofActor(EvidenceEvent.GATEWAY.subject(), 0), first);
        List<Long> context = new ArrayList<>();
        lastMatching(reader, gatewayEvents, leaf -> type(leaf).equals(EventType.GATEWAY_STARTED))
                .ifPresent(context::add);
        lastAcceptedPolicy(reader, gatewayEvents).ifPresent(context::add);
        context.sort(null);
        return new PeriodSelection(first, last, List.copyOf(context));
    }

    private static Optional<Long> firstMatching(EvidenceReader reader, long[] indices, Predicate<byte[]> test) {
        for (long index : indices) {
            if (test.test(reader.leaf(index))) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    /** The last of the ascending {@code indices} whose leaf passes {@code test}. */
    private static Optional<Long> lastMatching(EvidenceReader reader, long[] indices, Predicate<byte[]> test) {
        for (int i = indices.length - 1; i >= 0; i--) {
            if (test.test(reader.leaf(indices[i]))) {
                return Optional.of(indices[i]);
            }
        }
        return Optional.empty();
    }

    /** The last accepted policy document among the gateway's own events; a rejected one left the previous in force. */
    private static Optional<Long> lastAcceptedPolicy(EvidenceReader reader, long[] gatewayEvents) {
        int looked = 0;
        for (int i = gatewayEvents.length - 1; i >= 0 && looked < POLICY_LOOKBACK; i--) {
            JsonNode event = Jcs.parse(reader.leaf(gatewayEvents[i]));
            if (event.path("type").asText().equals(EventType.POLICY_CHANGED)) {
                if (event.path("detail").path("accepted").asBoolean(true)) {
                    return Optional.of(gatewayEvents[i]);
                }
                looked++;
            }
        }
        return Optional.empty();
    }

    private static String type(byte[] leaf) {
        return Jcs.parse(leaf).path("type").asText();
    }
}
