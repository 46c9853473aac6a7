package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.ConsistencyLine;
import dev.tracegate.ledger.bundle.ProofLine;
import dev.tracegate.ledger.jcs.JcsException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.merkle.SequentialInclusionVerifier;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Scope and integrity: the checkpoint and key, whether every event is proven to be in the
 * checkpoint's tree, whether the bundle holds every event of the period (no index missing between
 * the first and the last, and the events just outside are outside the period), the earlier
 * checkpoints proven to be prefixes, stretches of events that waited too long for a checkpoint,
 * gateway starts and policy changes.
 */
final class Integrity {
    /** A stretch of events counts as a gap when it took longer than this many checkpoint intervals to be sealed. */
    private static final int GAP_INTERVALS = 5;
    private static final long DEFAULT_INTERVAL_SECONDS = 60;
    private static final long MINIMUM_GAP_SECONDS = 300;

    private final BundleCheckpoint head;
    private final ReportScope scope;
    private final List<EarlierCheckpoint> earlier;
    private final SequentialInclusionVerifier inclusion;
    private final CompactRange fullExportRange = CompactRange.empty();
    private final boolean withProofs;
    private final EventTimes times = new EventTimes();
    private final Tally inBundle = new Tally();
    private final Tally proven = new Tally();
    private final Tally notProven = new Tally();
    private final Tally outOfPeriodInRange = new Tally();
    private final Tally context = new Tally();
    private final Tally restarts = new Tally();
    private final Tally policyChanges = new Tally();
    private final Tally intervalSettings = new Tally();
    private final ArrayNode restartItems = JsonNodeFactory.instance.arrayNode();
    private final List<String> proofProblems = new ArrayList<>();
    private long lastIndex = -1;
    private long intervalSeconds;
    private long[] periodIndexes = new long[256];
    private int periodCount;

    /** An earlier checkpoint from consistency.jsonl, and whether it is proven to be a prefix of the bundle's. */
    record EarlierCheckpoint(long size, byte[] root, String problem) {
    }

    Integrity(BundleCheckpoint head, ReportScope scope, List<byte[]> consistencyLines, boolean withProofs) {
        this.head = head;
        this.scope = scope;
        this.withProofs = withProofs;
        this.earlier = consistencyLines.stream().map(this::earlierCheckpoint).toList();
        this.inclusion = head.checkpoint() == null ? null
                : new SequentialInclusionVerifier(head.checkpoint().size(), head.checkpoint().rootHash());
    }

    private EarlierCheckpoint earlierCheckpoint(byte[] line) {
        try {
            ConsistencyLine parsed = ConsistencyLine.parse(line);
            Checkpoint old = head.key() == null ? Checkpoint.parse(SignedNote.parse(parsed.oldCheckpoint()).text())
                    : SignedNote.verify(parsed.oldCheckpoint(), head.key());
            if (head.checkpoint() == null || !head.signatureVerified()) {
                return new EarlierCheckpoint(old.size(), old.rootHash(), "the bundle's checkpoint does not verify");
            }
            if (parsed.treeSize() != head.size() || !old.origin().equals(head.checkpoint().origin())) {
                return new EarlierCheckpoint(old.size(), old.rootHash(), "not a proof to this bundle's checkpoint");
            }
            ConsistencyProof.verify(old.size(), head.size(), old.rootHash(), head.checkpoint().rootHash(), parsed.hashes());
            return new EarlierCheckpoint(old.size(), old.rootHash(), null);
        } catch (JcsException | NoteException | ProofException | IllegalArgumentException e) {
            return new EarlierCheckpoint(-1, new byte[32], e.getMessage());
        }
    }

    void accept(ReportEvent event, byte[] line, byte[] proofLine) {
        long index = event.index();
        inBundle.count(index);
        checkProof(index, line, proofLine);
        if (index <= lastIndex) {
            return;
        }
        lastIndex = index;
        times.add(index, event.time());
        if (scope.inPeriod(event)) {
            addPeriodIndex(index);
            if (event.is(EventTypes.GATEWAY_STARTED)) {
                restarts.count(index);
                restartItems.add(GatewayStarts.item(event));
            }
            if (event.is(EventTypes.POLICY_CHANGED)) {
                policyChanges.count(index);
            }
        } else if (scope.isBeforePeriod(event)) {
            context.count(index);
        }
        long interval = event.is(EventTypes.GATEWAY_STARTED)
                ? event.detail().path("evidence").path("checkpoint_interval_seconds").asLong(0) : 0;
        if (interval > 0) {
            intervalSettings.count(index);
            intervalSeconds = Math.max(intervalSeconds, interval);
        }
    }

    private void checkProof(long index, byte[] line, byte[] proofLine) {
        if (index <= lastIndex) {
            notProven(index, "event " + index + " is out of index order");
            return;
        }
        byte[] leafHash = MerkleHashes.leafHash(line);
        if (!withProofs) {
            fullExportRange.append(leafHash);
            return;
        }
        if (inclusion == null || proofLine == null) {
            notProven(index, inclusion == null ? "the checkpoint cannot be read" : "no proof line for event " + index);
            return;
        }
        try {
            ProofLine proof = ProofLine.parse(proofLine);
            if (proof.index() != index || proof.treeSize() != head.size()) {
                notProven(index, "the proof of event " + index + " is for another event or tree size");
                return;
            }
            inclusion.verify(index, leafHash, proof.hashes());
            proven.count(index);
        } catch (JcsException | IllegalArgumentException | ProofException e) {
            notProven(index, "event " + index + ": " + e.getMessage());
        }
    }

    private void notProven(long index, String why) {
        notProven.count(index);
        if (proofProblems.size() < 10) {
            proofProblems.add(why);
        }
    }

    private void addPeriodIndex(long index) {
        if (periodCount == periodIndexes.length) {
            periodIndexes = Arrays.copyOf(periodIndexes, periodCount * 2);
        }
        periodIndexes[periodCount++] = index;
    }

    /** A full export is proven as a whole: its recomputed root is the checkpoint's. */
    private void finishFullExport() {
        if (withProofs) {
            return;
        }
        boolean matches = head.checkpoint() != null && fullExportRange.size() == head.size()
                && Arrays.equals(fullExportRange.root(), head.checkpoint().rootHash());
        for (long index : inBundle.leaves().indexes()) {
            if (matches) {
                proven.count(index);
            } else {
                notProven(index, "the events of this full export do not hash to the checkpoint's root");
            }
        }
    }

    /**
     * Whether the bundle proves it holds the whole period: every event proven, none missing between
     * the period's first and last, and both ends of that range shown (the event next to each end is
     * in the bundle and outside the period, or the log begins or ends there). Why the ends: with no
     * index missing in between, a bundle of only part of the period (one session's events, a
     * stretch of the middle) would otherwise read as all of it.
     */
    boolean complete() {
        return notProven.value() == 0 && missing().isEmpty() && head.signatureVerified()
                && earlier.stream().allMatch(e -> e.problem() == null) && rangeEndsShown();
    }

    private boolean rangeEndsShown() {
        if (periodCount == 0) {
            return emptyPeriodShown().isPresent();
        }
        return endShown(periodIndexes[0] - 1) && endShown(periodIndexes[periodCount - 1] + 1);
    }

    /** The log begins or ends beyond {@code index}, or the event at it is in the bundle and outside the period. */
    private boolean endShown(long index) {
        if (index < 0 || index >= head.size()) {
            return true;
        }
        Instant time = times.time(index);
        return time != null && !scope.inPeriod(time);
    }

    /** Indexes between the period's first and last event that the bundle does not hold. */
    private LeafSet missing() {
        LeafSet missing = new LeafSet();
        if (periodCount == 0) {
            return missing;
        }
        long first = periodIndexes[0];
        long last = periodIndexes[periodCount - 1];
        for (long index = first; index <= last && index - first < 10_000_000; index++) {
            if (!times.contains(index)) {
                missing.add(index);
            }
        }
        return missing;
    }

    ObjectNode toJson() {
        finishFullExport();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("checkpoint", head.toJson());
        json.set("events_in_bundle", Figures.of("integrity.events_in_bundle", "Events in the bundle", inBundle));
        json.set("events_proven", Figures.of("integrity.events_proven",
                "Events proven to be in the checkpoint's tree", proven));
        json.set("events_not_proven", Figures.of("integrity.events_not_proven", "Events not proven", notProven));
        proofProblems.forEach(json.putArray("proof_problems")::add);
        json.set("range", range());
        json.set("context_events", Figures.of("integrity.context_events",
                "Events before the period, included for what was in force when it began", context));
        json.set("checkpoints", checkpoints());
        json.set("checkpoint_interval", Figures.of("integrity.checkpoint_interval_seconds",
                "Checkpoint interval the gateway reported at start-up (seconds)", interval(), "seconds", intervalSettings.leaves()));
        json.set("gaps", gaps());
        json.set("restarts", Figures.of("integrity.restarts", "Gateway starts in the period", restarts));
        json.set("restart_items", restartItems);
        json.set("policy_changes", Figures.of("integrity.policy_changes", "Policy file changes in the period", policyChanges));
        json.put("verified", complete());
        return json;
    }

    private long interval() {
        return intervalSeconds > 0 ? intervalSeconds : DEFAULT_INTERVAL_SECONDS;
    }

    private ObjectNode range() {
        ObjectNode range = JsonNodeFactory.instance.objectNode();
        LeafSet periodLeaves = new LeafSet();
        for (int i = 0; i < periodCount; i++) {
            periodLeaves.add(periodIndexes[i]);
        }
        range.set("events_in_period", Figures.of("integrity.events_in_period", "Events in the period (all connections and users)",
                periodCount, null, periodLeaves));
        if (periodCount == 0) {
            range.putNull("first");
            range.putNull("last");
            range.set("missing", Figures.of("integrity.missing", "Events of the period missing from the bundle", 0, null, new LeafSet()));
            range.put("boundary", emptyPeriodShown().orElse("the bundle does not show that the period is empty"));
            return range;
        }
        long first = periodIndexes[0];
        long last = periodIndexes[periodCount - 1];
        range.put("first", first);
        range.put("last", last);
        for (long index = first; index <= last; index++) {
            Instant time = times.time(index);
            if (time != null && !scope.inPeriod(time)) {
                outOfPeriodInRange.count(index);
            }
        }
        range.set("outside_period_in_range", Figures.of("integrity.outside_period_in_range",
                "Events between the first and last of the period whose time is outside it (written in the same group commit)",
                outOfPeriodInRange));
        LeafSet missing = missing();
        range.set("missing", Figures.of("integrity.missing", "Events of the period missing from the bundle",
                missing.indexes().length, null, missing));
        range.put("boundary", boundary(first - 1, "before") + "; " + boundary(last + 1, "after"));
        return range;
    }

    /** Whether the event next to the period's range is in the bundle and outside the period, proving the range complete at that end. */
    private String boundary(long index, String side) {
        if (index < 0) {
            return "the period starts at the first event of the log";
        }
        if (index >= head.size()) {
            return "the period ends with the last event of the checkpoint";
        }
        Instant time = times.time(index);
        if (time == null) {
            return "event " + index + " (just " + side + " the period) is NOT in the bundle";
        }
        return scope.inPeriod(time) ? "event " + index + " (just " + side + " the period's range) is in the period"
                : "event " + index + " just " + side + " is at " + time + ", outside the period";
    }

    /** How the bundle shows that nothing was recorded in the period; empty when it does not. */
    private Optional<String> emptyPeriodShown() {
        if (head.size() == 0) {
            return Optional.of("the log is empty");
        }
        long[] held = inBundle.leaves().indexes();
        for (int i = 0; i + 1 < held.length; i++) {
            Instant before = times.time(held[i]);
            Instant after = times.time(held[i + 1]);
            if (held[i + 1] == held[i] + 1 && before != null && after != null && !after.isBefore(scope.toInstant())
                    && before.isBefore(scope.fromInstant())) {
                return Optional.of("events " + held[i] + " (" + before + ") and " + held[i + 1] + " (" + after
                        + ") are adjacent in the log: nothing was recorded in between");
            }
        }
        if (held.length > 0 && held[0] == 0 && times.time(0) != null && !times.time(0).isBefore(scope.toInstant())) {
            return Optional.of("the log's first event (" + times.time(0) + ") is after the period");
        }
        if (held.length > 0 && held[held.length - 1] == head.size() - 1 && times.time(head.size() - 1) != null
                && times.time(head.size() - 1).isBefore(scope.fromInstant())) {
            return Optional.of("the log's last event (" + times.time(head.size() - 1) + ") is before the period");
        }
        return Optional.empty();
    }

    private ArrayNode checkpoints() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (EarlierCheckpoint checkpoint : earlier) {
            ObjectNode item = list.addObject();
            item.put("tree_size", checkpoint.size());
            item.put("root_sha256", HexFormat.of().formatHex(checkpoint.root()));
            item.put("consistent", checkpoint.problem() == null);
            if (checkpoint.problem() != null) {
                item.put("problem", checkpoint.problem());
            }
            Instant sealedThrough = checkpoint.size() > 0 ? times.time(checkpoint.size() - 1) : null;
            if (sealedThrough != null) {
                item.put("seals_through", sealedThrough.toString());
            }
        }
        return list;
    }

    /**
     * Stretches of the period's events that one checkpoint sealed although they span more than
     * {@value #GAP_INTERVALS} checkpoint intervals: for that long, they were in no signed tree.
     */
    private ArrayNode gaps() {
        TreeMap<Long, Boolean> sizes = new TreeMap<>();
        earlier.stream().filter(e -> e.problem() == null).forEach(e -> sizes.put(e.size(), true));
        sizes.put(head.size(), true);
        long thresholdSeconds = Math.max(MINIMUM_GAP_SECONDS, GAP_INTERVALS * interval());
        ArrayNode gaps = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        while (i < periodCount) {
            Long seal = sizes.higherKey(periodIndexes[i]);
            Tally batch = new Tally();
            Instant firstTime = null;
            Instant lastTime = null;
            for (; i < periodCount && (seal == null || periodIndexes[i] < seal); i++) {
                Instant time = times.time(periodIndexes[i]);
                batch.count(periodIndexes[i]);
                firstTime = firstTime == null || time.isBefore(firstTime) ? time : firstTime;
                lastTime = lastTime == null || time.isAfter(lastTime) ? time : lastTime;
            }
            long seconds = Duration.between(firstTime, lastTime).toSeconds();
            if (seconds > thresholdSeconds) {
                ObjectNode gap = gaps.addObject();
                gap.put("from", firstTime.toString());
                gap.put("to", lastTime.toString());
                gap.put("sealed_by_tree_size", seal == null ? -1 : seal);
                gap.set("events", Figures.of("integrity.gap." + firstTime, "Events sealed only after " + seconds
                        + " s (more than " + thresholdSeconds + " s) by one checkpoint", batch));
            }
        }
        return gaps;
    }
}
