package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.ConsistencyLine;
import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.bundle.ProofLine;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MemoryTree;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An evidence log written the way the gateway writes one (the same event types and detail
 * members), with a clock the test moves, stored checkpoints, and bundles of it with a report, as
 * the gateway's period export produces them.
 */
final class ReportLog {
    static final String ORIGIN = "tracegate.example.com/audit";

    /** @param email the address the identity's events state, or null */
    record Actor(String sub, String name, String kind, List<String> groups, String email) {
        Actor(String sub, String name, String kind, List<String> groups) {
            this(sub, name, kind, groups, null);
        }
    }

    static final Actor ANALYST = new Actor("apikey:analyst", "analyst", "human", List.of("analysts"));
    static final Actor DBA = new Actor("apikey:dba", "dba", "human", List.of("dba"));
    static final Actor DBA_TWO = new Actor("apikey:dba2", "dba two", "human", List.of("dba"));
    static final Actor ONCALL = new Actor("apikey:oncall", "oncall", "human", List.of("oncall"));
    static final Actor DEPLOYER = new Actor("sa:deploy", "deploy", "service", List.of("deployers"));
    static final Actor GATEWAY = new Actor("gateway", "tracegate gateway", "service", List.of());

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    final LogKeyPair key = LogKeyPair.generate(ORIGIN);
    final List<byte[]> events = new ArrayList<>();
    final MemoryTree tree = new MemoryTree();
    final Map<String, byte[]> blobs = new LinkedHashMap<>();
    final List<Long> checkpoints = new ArrayList<>();
    Instant clock = Instant.parse("2026-07-01T09:00:00Z");
    private int sessions;

    long append(String type, Actor actor, String session, String connection, ObjectNode detail) {
        long index = events.size();
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("v", 1).put("index", index).put("time", MICROS.format(clock)).put("type", type);
        ObjectNode a = event.putObject("actor").put("sub", actor.sub()).put("iss", "tracegate").put("name", actor.name())
                .put("kind", actor.kind());
        if (actor.email() != null) {
            a.put("email", actor.email());
        }
        if (!actor.groups().isEmpty()) {
            actor.groups().forEach(a.putArray("groups")::add);
        }
        if (session != null) {
            event.put("session", session);
        }
        if (connection != null) {
            event.putObject("resource").put("connection", connection).put("protocol", "postgres");
        }
        event.set("detail", detail);
        byte[] bytes = Jcs.canonicalize(event);
        events.add(bytes);
        tree.appendLeaf(bytes);
        clock = clock.plusSeconds(1);
        return index;
    }

    static ObjectNode detail() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Time passes on a working gateway: what was appended is sealed by a checkpoint within the interval. */
    void advance(Duration duration) {
        if (checkpoints.isEmpty() || checkpoints.getLast() < tree.size()) {
            checkpoint();
        }
        clock = clock.plus(duration);
    }

    /** Time passes and no checkpoint is signed (the gateway was killed, or its signer failed). */
    void stall(Duration duration) {
        clock = clock.plus(duration);
    }

    /** The gateway signs a checkpoint of everything so far. */
    void checkpoint() {
        checkpoints.add(tree.size());
    }

    long gatewayStarted(int retentionDays) {
        ObjectNode detail = detail().put("version", "test").put("host", "gw-1").put("origin", ORIGIN);
        detail.putObject("evidence").put("checkpoint_interval_seconds", 60).put("blob_retention_days", retentionDays)
                .put("result_data_bytes", 65536);
        return append("gateway.started", GATEWAY, null, null, detail);
    }

    long policy(String sha256, boolean accepted) {
        ObjectNode detail = detail().put("file", "/etc/tracegate/policy.yaml").put("sha256", sha256).put("accepted", accepted);
        if (accepted) {
            detail.put("rules", 4);
        } else {
            detail.put("error", "line 3: unknown key");
        }
        return append("policy.changed", GATEWAY, null, null, detail);
    }

    long authFailure(int count) {
        ObjectNode detail = detail().put("protocol", "postgres").put("count", count);
        if (count == 1) {
            detail.put("reason", "unknown or revoked key").put("client", "10.0.0.9:51234").put("connection", "shop");
        } else {
            detail.put("summary", true).put("source", "10.0.0.66").put("from", clock.toString()).put("to", clock.toString());
            detail.putObject("reasons").put("unknown or revoked key", count - 1).put("token expired", 1);
        }
        return append("auth.failure", new Actor("unauthenticated", null, null, List.of()), null, null, detail);
    }

    Session session(Actor actor, String connection) {
        return new Session(actor, "session-" + (++sessions), connection);
    }

    /** One session's events, with the sequence numbers the gateway gives its commands. */
    final class Session {
        final Actor actor;
        final String id;
        final String connection;
        private long seq;

        Session(Actor actor, String id, String connection) {
            this.actor = actor;
            this.id = id;
            this.connection = connection;
        }

        Session open(boolean tls) {
            append("session.open", actor, id, connection, detail().put("client", "10.1.1.1:40000").put("tls", tls));
            return this;
        }

        long command(String text, String statementClass, String rule) {
            return command("Query", text, statementClass, rule);
        }

        long command(String message, String text, String statementClass, String rule) {
            seq++;
            append("command", actor, id, connection, detail().put("seq", seq).put("message", message).put("text", text)
                    .put("class", statementClass).put("rule", rule));
            return seq;
        }

        void result(long command, String status, String... rows) {
            ObjectNode detail = detail().put("seq", command).put("status", status).put("rows", rows.length).put("duration_us", 1500);
            detail.putArray("tags").add(status.equals("ok") ? "SELECT " + rows.length : "");
            if (rows.length > 0) {
                StringBuilder data = new StringBuilder("{\"columns\":[{\"name\":\"email\",\"type\":\"text\"}]}\n");
                for (String row : rows) {
                    data.append("[\"").append(row).append("\"]\n");
                }
                byte[] blob = data.toString().getBytes(StandardCharsets.UTF_8);
                String hex = java.util.HexFormat.of().formatHex(dev.tracegate.ledger.merkle.MerkleHashes.newSha256().digest(blob));
                blobs.put(hex, blob);
                detail.putObject("data").put("blob", "sha256:" + hex).put("size", blob.length).put("format", "jsonl")
                        .put("rows", rows.length).put("truncated", false);
            }
            append("command.result", actor, id, connection, detail);
        }

        void masked(long command, String appliedTo, String column, String entity, int values) {
            ObjectNode detail = detail().put("seq", command).put("applied_to", appliedTo).put("valuesMasked", values);
            if (appliedTo.equals("client")) {
                detail.put("rule", "mask-personal-data").put("profile", "personal-data");
            }
            detail.putObject("found").putObject(column).put(entity, values);
            detail.putArray("fallbacks");
            append("masking.applied", actor, id, connection, detail);
        }

        void blocked(long command, String outcome, String rule, String reason, String approval) {
            ObjectNode detail = detail().put("seq", command).put("outcome", outcome).put("rule", rule).put("reason", reason)
                    .put("class", "ddl");
            if (approval != null) {
                detail.put("approval", approval);
            }
            append("command.blocked", actor, id, connection, detail);
        }

        void requested(String approval, String command, List<String> approvers, List<String> breakGlass) {
            requested(approval, null, command, approvers, breakGlass);
        }

        /** A request naming its held command by {@code seq}, as the gateway records it; null: as before it did. */
        void requested(String approval, Long seq, String command, List<String> approvers, List<String> breakGlass) {
            ObjectNode detail = detail().put("id", approval);
            if (seq != null) {
                detail.put("seq", seq);
            }
            detail.put("command", command).put("class", "ddl").put("rule", "hold-ddl")
                    .put("reason", "schema changes need a DBA").put("min_approvals", 1).put("expires_at", clock.plusSeconds(900).toString());
            approvers.forEach(detail.putArray("approver_groups")::add);
            breakGlass.forEach(detail.putArray("break_glass_groups")::add);
            append("approval.requested", actor, id, connection, detail);
        }

        void decided(Actor decider, String approval, String outcome, String reason, boolean breakGlass) {
            decided(decider, approval, outcome, reason, breakGlass, List.of());
        }

        /** A vote or decision, listing the votes that counted when it was cast as the gateway does (the decider's own among them). */
        void decided(Actor decider, String approval, String outcome, String reason, boolean breakGlass, List<Actor> votes) {
            ObjectNode detail = detail().put("id", approval).put("outcome", outcome).put("min_approvals", Math.max(1, votes.size()))
                    .put("break_glass", breakGlass);
            if (reason != null) {
                detail.put("reason", reason);
            }
            var voters = detail.putArray("votes");
            votes.forEach(voter -> voters.addObject().put("iss", "tracegate").put("sub", voter.sub()).put("at", clock.toString()));
            append("approval.decided", decider, id, connection, detail);
        }

        void close() {
            append("session.close", actor, id, connection, detail().put("reason", "client terminated").put("commands", seq)
                    .put("errors", 0));
        }
    }

    String checkpointNote(long size) {
        return key.signer().sign(new Checkpoint(ORIGIN, size, tree.rootAt(size)));
    }

    /**
     * A bundle of the events {@code include} selects, each with its proof, the blobs {@code keepBlob}
     * keeps, the stored checkpoints as consistency lines, and the report of {@code parameters}.
     */
    Path bundle(Path target, ReportParameters parameters, Predicate<Long> include, Predicate<String> keepBlob) throws IOException {
        long size = tree.size();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(target)) {
            for (int index = 0; index < events.size(); index++) {
                if (include.test((long) index)) {
                    writer.addEvent(events.get(index), new ProofLine(index, size, tree.inclusionProof(index, size)));
                }
            }
            for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
                if (keepBlob.test(blob.getKey())) {
                    writer.addBlob(blob.getValue());
                }
            }
            for (long earlier : checkpoints) {
                if (earlier > 0 && earlier < size) {
                    writer.addConsistencyProof(new ConsistencyLine(checkpointNote(earlier), size, tree.consistencyProof(earlier, size)));
                }
            }
            writer.finish(checkpointNote(size), key.signer(), staged -> AuditReport.files(staged, parameters));
        }
        return target;
    }

    Path bundle(Path target, ReportParameters parameters) throws IOException {
        return bundle(target, parameters, index -> true, blob -> true);
    }

    static ReportParameters parameters(Instant from, Instant to) {
        return new ReportParameters(from, to, List.of(), List.of(), 2, "audit-2026-q3", 3, Instant.parse("2026-10-02T08:00:00Z"),
                "Ada Auditor (apikey:auditor)");
    }
}
