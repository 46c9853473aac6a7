package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Approvals requested in the period: requested, approved, denied, expired, withdrawn, still
 * pending; who decided, when and why; how long it took; break-glass decisions. A decision is
 * linked to its request by the approval id, wherever it falls in the bundle.
 */
final class Approvals {
    static final Map<String, String> OUTCOMES = TallyMap.labels(
            "approved", "Approved",
            "denied", "Denied",
            "expired", "Expired without a decision",
            "withdrawn", "Withdrawn by the requester (cancelled or disconnected)",
            "pending", "Still pending when the period's evidence ends");
    /** Upper bounds (seconds) of the time-to-decide histogram; the last bucket is open. */
    static final long[] DECISION_BUCKETS = {60, 300, 900, 3600, 14400};
    static final String[] DECISION_BUCKET_LABELS = {"under 1 min", "1-5 min", "5-15 min", "15-60 min", "1-4 h", "over 4 h"};


    private final Identities identities;
    private final Commands commands;
    private final Map<String, ApprovalRecord> byId = new TreeMap<>();
    /** The requests of each session not yet known to have ended, to note its end on them. */
    private final Map<String, List<ApprovalRecord>> openBySession = new HashMap<>();
    private final Tally requested = new Tally();

    Approvals(Identities identities, Commands commands) {
        this.identities = identities;
        this.commands = commands;
    }

    /** A request in scope. */
    void requested(ReportEvent event) {
        ApprovalRecord record = new ApprovalRecord(event);
        if (record.id == null) {
            return;
        }
        if (byId.containsKey(record.id)) {
            byId.get(record.id).reusedIdLeaves.add(event.index());
            return;
        }
        byId.put(record.id, record);
        if (record.session != null) {
            openBySession.computeIfAbsent(record.session, s -> new ArrayList<>()).add(record);
        }
        requested.count(event.index());
        identities.remember(event.actor());
        CommandRecord held = commands.heldBy(event, record.statement);
        if (held != null && held.approval == null) {
            held.approval = record;
            record.command = held;
        }
    }

    /** The end of a session, wherever it falls in the bundle: a decision after it is not borne out. */
    void sessionClosed(ReportEvent event) {
        List<ApprovalRecord> open = event.session() == null ? null : openBySession.remove(event.session());
        if (open != null) {
            open.forEach(record -> record.sessionClosedLeaf = event.index());
        }
    }

    /** Any decision in the bundle: it counts when its request does. */
    void decided(ReportEvent event) {
        ApprovalRecord record = byId.get(event.detailText("id"));
        if (record != null) {
            record.decided(event);
        }
    }

    List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    ApprovalRecord get(String id) {
        return byId.get(id);
    }

    List<ApprovalRecord> all() {
        return new ArrayList<>(byId.values());
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("requested", Figures.of("approvals.requested", "Approvals requested", requested));
        TallyMap byOutcome = new TallyMap();
        TallyMap byDecider = new TallyMap();
        Tally breakGlass = new Tally();
        for (ApprovalRecord record : byId.values()) {
            String outcome = record.decided() ? record.outcome : "pending";
            cite(byOutcome.get(outcome), record);
            if (record.decider != null && ("approved".equals(record.outcome) || "denied".equals(record.outcome))) {
                cite(byDecider.get(identities.remember(record.decider) + " " + record.outcome), record);
            }
            if (record.breakGlass) {
                cite(breakGlass, record);
            }
        }
        json.set("by_outcome", TallyMap.fixed("approvals.outcome", OUTCOMES, byOutcome));
        ArrayNode deciders = byDecider.toJson("approvals.by_decider", this::describeDecider);
        deciders.forEach(row -> ((ObjectNode) row).put("name", describeDecider(row.path("key").asText())));
        json.set("by_decider", deciders);
        json.set("time_to_decide", timeToDecide());
        json.set("break_glass", Figures.of("break_glass.total", "Break-glass decisions (an approval by a break-glass group alone)",
                breakGlass));
        ArrayNode items = json.putArray("items");
        byId.values().forEach(record -> items.add(record.toJson()));
        return json;
    }

    /** Counts the request once, and cites its votes and decision. */
    private static void cite(Tally tally, ApprovalRecord record) {
        tally.count(record.requestedLeaf);
        for (long leaf : record.leaves().indexes()) {
            tally.cite(leaf);
        }
    }

    private String describeDecider(String key) {
        int last = key.lastIndexOf(' ');
        return OUTCOMES.get(key.substring(last + 1)) + " by " + identities.display(key.substring(0, last));
    }

    private ObjectNode timeToDecide() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        Tally[] buckets = new Tally[DECISION_BUCKET_LABELS.length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Tally();
        }
        List<long[]> decided = new ArrayList<>();
        LeafSet all = new LeafSet();
        for (ApprovalRecord record : byId.values()) {
            Long seconds = record.secondsToDecide();
            if (seconds == null) {
                continue;
            }
            int bucket = 0;
            while (bucket < DECISION_BUCKETS.length && seconds >= DECISION_BUCKETS[bucket]) {
                bucket++;
            }
            cite(buckets[bucket], record);
            decided.add(new long[] {seconds, record.requestedLeaf, record.decidedLeaf});
            all.addAll(record.leaves());
        }
        ArrayNode histogram = json.putArray("histogram");
        for (int i = 0; i < buckets.length; i++) {
            histogram.addObject().put("bucket", DECISION_BUCKET_LABELS[i])
                    .set("count", Figures.of("approvals.time_to_decide[" + DECISION_BUCKET_LABELS[i] + "]",
                            "Decisions taken " + DECISION_BUCKET_LABELS[i] + " after the request", buckets[i]));
        }
        decided.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        if (!decided.isEmpty()) {
            long[] median = decided.get((decided.size() - 1) / 2);
            LeafSet medianLeaves = new LeafSet();
            medianLeaves.add(median[1]);
            medianLeaves.add(median[2]);
            json.set("median_seconds", Figures.of("approvals.median_seconds_to_decide",
                    "Median time to decide (the request and decision of the median approval)", median[0], "seconds", medianLeaves));
            long[] longest = decided.getLast();
            LeafSet longestLeaves = new LeafSet();
            longestLeaves.add(longest[1]);
            longestLeaves.add(longest[2]);
            json.set("longest_seconds", Figures.of("approvals.longest_seconds_to_decide",
                    "Longest time to decide", longest[0], "seconds", longestLeaves));
        }
        json.set("decided", Figures.of("approvals.decided_by_people", "Approved or denied by a person",
                decided.size(), null, all));
        return json;
    }
}
