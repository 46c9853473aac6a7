package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a report was asked for. Everything else in report.json is computed from these and the
 * bundle's events, which is why the verifier reads them back from the report it checks.
 *
 * @param from              the period's start (inclusive)
 * @param to                the period's end (exclusive)
 * @param connections       only these connections, or all when empty
 * @param users             only these subjects, or all when empty
 * @param sampleSize        how many sessions and how many approvals to sample
 * @param seed              what makes the sample reproducible
 * @param refusalThreshold  a masked caller refused this many times or more is an exception
 * @param generatedAt       when the report was made
 * @param generatedBy       who asked for it (display text)
 */
public record ReportParameters(Instant from, Instant to, List<String> connections, List<String> users, int sampleSize,
                               String seed, int refusalThreshold, Instant generatedAt, String generatedBy) {

    public static final int DEFAULT_SAMPLE_SIZE = 5;
    public static final int DEFAULT_REFUSAL_THRESHOLD = 5;
    private static final int MAX_SAMPLE_SIZE = 100;

    public ReportParameters {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(seed, "seed");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the period must end after it starts: from " + from + " to " + to);
        }
        if (sampleSize < 0 || sampleSize > MAX_SAMPLE_SIZE) {
            throw new IllegalArgumentException("the sample size must be between 0 and " + MAX_SAMPLE_SIZE);
        }
        if (refusalThreshold < 1) {
            throw new IllegalArgumentException("the refusal threshold must be at least 1");
        }
        connections = List.copyOf(new TreeSet<>(connections));
        users = List.copyOf(new TreeSet<>(users));
        generatedAt = generatedAt == null ? Instant.EPOCH : generatedAt;
        generatedBy = generatedBy == null ? "" : generatedBy;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("from", from.toString());
        json.put("to", to.toString());
        connections.forEach(json.putArray("connections")::add);
        users.forEach(json.putArray("users")::add);
        json.put("sample", sampleSize);
        json.put("seed", seed);
        json.put("refusal_threshold", refusalThreshold);
        json.put("generated_at", generatedAt.toString());
        json.put("generated_by", generatedBy);
        return json;
    }

    /** The parameters a report states; a report that does not state them cannot be checked. */
    static ReportParameters fromJson(JsonNode json) {
        Instant from = ReportEvent.time(json.path("from").asText(null));
        Instant to = ReportEvent.time(json.path("to").asText(null));
        if (from == null || to == null || !json.path("seed").isTextual()) {
            throw new IllegalArgumentException("parameters need from, to (RFC 3339) and seed");
        }
        return new ReportParameters(from, to, texts(json.path("connections")), texts(json.path("users")),
                json.path("sample").asInt(DEFAULT_SAMPLE_SIZE), json.path("seed").asText(),
                json.path("refusal_threshold").asInt(DEFAULT_REFUSAL_THRESHOLD),
                ReportEvent.time(json.path("generated_at").asText(null)), json.path("generated_by").asText(""));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
