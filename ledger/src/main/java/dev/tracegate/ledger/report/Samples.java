package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.ProofLine;
import dev.tracegate.ledger.jcs.JcsException;
import dev.tracegate.ledger.merkle.InclusionProof;
import dev.tracegate.ledger.merkle.MerkleHashes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The auditor's samples: {@code n} sessions and {@code n} approvals picked by {@link
 * SampleSelection}, each with every event it cites (in order, with its time from the start: the
 * replay), the statements, the masked result data kept, and each event's leaf hash and inclusion
 * proof so that it can be checked on its own.
 */
final class Samples {
    /** A very long session shows its first events; the bundle holds the rest. */
    static final int MAX_EVENTS = 200;

    private final ReportParameters parameters;
    private final boolean wholeLogProven;
    private final BundleCheckpoint head;
    private final Sessions sessions;
    private final Approvals approvals;
    private final List<String> pickedSessions;
    private final List<String> pickedApprovals;
    private final Map<String, ArrayNode> sessionEvents = new LinkedHashMap<>();
    private final Map<String, Instant> sessionStarts = new HashMap<>();
    private final Map<Long, ObjectNode> cited = new HashMap<>();
    private final Set<Long> approvalLeaves = new TreeSet<>();
    private final Map<String, ArrayNode> sessionResults = new LinkedHashMap<>();

    /**
     * @param wholeLogProven for a full export, which has no per-event proofs: whether the root
     *                       recomputed from all its events is the signed one
     */
    Samples(ReportParameters parameters, BundleCheckpoint head, Sessions sessions, Approvals approvals, boolean wholeLogProven) {
        this.wholeLogProven = wholeLogProven;
        this.parameters = parameters;
        this.head = head;
        this.sessions = sessions;
        this.approvals = approvals;
        this.pickedSessions = SampleSelection.pick(sessions.ids(), parameters.seed(), parameters.sampleSize());
        this.pickedApprovals = SampleSelection.pick(approvals.ids(), parameters.seed(), parameters.sampleSize());
        pickedSessions.forEach(id -> {
            sessionEvents.put(id, JsonNodeFactory.instance.arrayNode());
            sessionResults.put(id, JsonNodeFactory.instance.arrayNode());
        });
        for (String id : pickedApprovals) {
            approvalLeaves.addAll(approvalCitations(approvals.get(id)));
        }
    }

    private static Set<Long> approvalCitations(ApprovalRecord record) {
        Set<Long> leaves = new TreeSet<>();
        for (long leaf : record.leaves().indexes()) {
            leaves.add(leaf);
        }
        CommandRecord command = record.command;
        if (command != null) {
            for (long leaf : new long[] {command.leaf, command.refusalLeaf, command.grantLeaf, command.resultLeaf}) {
                if (leaf >= 0) {
                    leaves.add(leaf);
                }
            }
        }
        return leaves;
    }

    /** The second pass: keeps the events the samples cite. */
    void collect(ReportBundle bundle) throws IOException {
        if (pickedSessions.isEmpty() && approvalLeaves.isEmpty()) {
            return;
        }
        bundle.forEachEvent((event, line, proofLine) -> {
            ArrayNode replay = event.session() == null ? null : sessionEvents.get(event.session());
            boolean forSession = replay != null && replay.size() < MAX_EVENTS;
            if (!forSession && !approvalLeaves.contains(event.index())) {
                return;
            }
            ObjectNode item = cite(event, line, proofLine);
            if (forSession) {
                Instant start = sessionStarts.computeIfAbsent(event.session(), s -> event.time());
                ObjectNode replayed = item.deepCopy();
                if (start != null && event.time() != null) {
                    replayed.put("offset_ms", Duration.between(start, event.time()).toMillis());
                }
                replay.add(replayed);
            }
        });
        for (Map.Entry<String, ArrayNode> session : sessionEvents.entrySet()) {
            for (JsonNode event : session.getValue()) {
                keptResults(bundle, event, sessionResults.get(session.getKey()));
            }
        }
    }

    private ObjectNode cite(ReportEvent event, byte[] line, byte[] proofLine) {
        ObjectNode item = JsonNodeFactory.instance.objectNode();
        item.put("leaf", event.index());
        item.put("time", String.valueOf(event.time()));
        item.put("type", event.type());
        item.put("actor", event.actor().display());
        item.put("summary", EventSummary.of(event));
        item.set("detail", event.detail().deepCopy());
        byte[] leafHash = MerkleHashes.leafHash(line);
        item.put("leaf_hash", HexFormat.of().formatHex(leafHash));
        item.set("proof", proof(event.index(), leafHash, proofLine));
        cited.put(event.index(), item);
        return item;
    }

    private ObjectNode proof(long index, byte[] leafHash, byte[] proofLine) {
        ObjectNode proof = JsonNodeFactory.instance.objectNode();
        proof.put("tree_size", head.size());
        if (proofLine == null) {
            proof.put("full_export", true);
            proof.put("verified", wholeLogProven);
            proof.put("note", "a full export has no per-event proofs: the root recomputed from all its events is the proof");
            return proof;
        }
        try {
            ProofLine parsed = ProofLine.parse(proofLine);
            ArrayNode hashes = proof.putArray("hashes");
            parsed.hashes().forEach(hash -> hashes.add(Base64.getEncoder().encodeToString(hash)));
            proof.put("verified", head.checkpoint() != null && head.signatureVerified() && parsed.index() == index
                    && parsed.treeSize() == head.size()
                    && InclusionProof.isValid(index, head.size(), leafHash, parsed.hashes(), head.checkpoint().rootHash()));
        } catch (JcsException | IllegalArgumentException e) {
            proof.put("verified", false);
            proof.put("note", e.getMessage());
        }
        return proof;
    }

    private static void keptResults(ReportBundle bundle, JsonNode event, ArrayNode results) throws IOException {
        if (!EventTypes.COMMAND_RESULT.equals(event.path("type").asText())) {
            return;
        }
        for (String name : new String[] {"request_data", "data"}) {
            JsonNode reference = event.path("detail").path(name);
            if (reference.path("blob").isTextual()) {
                ObjectNode kept = KeptResult.of(bundle, reference, name.equals("data") ? "result" : "request");
                kept.put("leaf", event.path("leaf").asLong());
                kept.put("seq", event.path("detail").path("seq").asLong());
                results.add(kept);
            }
        }
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("method", "Each member's key is the SHA-256 (hex) of the seed, a newline and its id; the sample is the members"
                + " with the smallest keys. Redo it: printf '%s\\n%s' \"$SEED\" \"$ID\" | sha256sum");
        json.put("seed", parameters.seed());
        json.put("size", parameters.sampleSize());
        ArrayNode sessionSamples = json.putArray("sessions");
        for (String id : pickedSessions) {
            Sessions.Opened opened = sessions.opened(id);
            ObjectNode sample = sessionSamples.addObject();
            sample.put("session", id);
            sample.put("key", SampleSelection.key(parameters.seed(), id));
            sample.put("open_leaf", opened.leaf());
            sample.put("connection", opened.connection());
            sample.put("protocol", opened.protocol());
            sample.put("events_shown_at_most", MAX_EVENTS);
            sample.set("events", sessionEvents.get(id));
            sample.set("results", sessionResults.get(id));
        }
        ArrayNode approvalSamples = json.putArray("approvals");
        for (String id : pickedApprovals) {
            ApprovalRecord record = approvals.get(id);
            ObjectNode sample = approvalSamples.addObject();
            sample.put("approval", id);
            sample.put("key", SampleSelection.key(parameters.seed(), id));
            sample.set("record", record.toJson());
            ArrayNode events = sample.putArray("events");
            for (long leaf : approvalCitations(record)) {
                if (cited.containsKey(leaf)) {
                    events.add(cited.get(leaf).deepCopy());
                }
            }
        }
        return json;
    }
}
