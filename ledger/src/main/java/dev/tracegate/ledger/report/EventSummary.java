package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One line that says what an event records, for the sample replays. */
final class EventSummary {
    private EventSummary() {}

    static String of(ReportEvent event) {
        JsonNode d = event.detail();
        return switch (event.type()) {
            case EventTypes.SESSION_OPEN -> "session opened by " + event.actor().display() + " on " + event.connection()
                    + " from " + d.path("client").asText("?") + (d.path("tls").asBoolean(false) ? " over TLS" : " without TLS");
            case EventTypes.COMMAND -> StatementText.of(d.get("text"));
            case EventTypes.COMMAND_RESULT -> result(d);
            case EventTypes.COMMAND_BLOCKED -> d.path("outcome").asText("blocked") + " (rule " + d.path("rule").asText("?") + "): "
                    + d.path("reason").asText("");
            case EventTypes.APPROVAL_REQUESTED -> "held for approval " + d.path("id").asText() + " by " + groups(d.path("approver_groups"))
                    + " (rule " + d.path("rule").asText("?") + "): " + d.path("reason").asText("");
            case EventTypes.APPROVAL_DECIDED -> d.path("outcome").asText() + " by " + event.actor().display()
                    + (d.path("reason").isTextual() ? ": " + d.path("reason").asText() : "")
                    + (d.path("break_glass").asBoolean(false) ? " (break-glass)" : "");
            case EventTypes.MASKING_APPLIED -> d.path("valuesMasked").asLong() + " value(s) masked "
                    + ("client".equals(d.path("applied_to").asText()) ? "for the caller" : "in the kept evidence") + " in "
                    + String.join(", ", fieldNames(d.path("found")));
            case EventTypes.SESSION_CLOSE -> "session closed (" + d.path("reason").asText("?") + "), " + d.path("commands").asLong()
                    + " command(s), " + d.path("errors").asLong() + " error(s)";
            default -> event.type();
        };
    }

    private static String result(JsonNode d) {
        StringBuilder text = new StringBuilder(d.path("status").asText("?"));
        List<String> tags = new ArrayList<>();
        d.path("tags").forEach(tag -> tags.add(tag.asText()));
        if (!tags.isEmpty()) {
            text.append(" ").append(String.join(", ", tags));
        }
        text.append(", ").append(d.path("rows").asLong()).append(" row(s) in ").append(d.path("duration_us").asLong() / 1000)
                .append(" ms");
        if (d.path("error").isObject()) {
            text.append("; error ").append(d.path("error").path("sqlstate").asText()).append(": ")
                    .append(d.path("error").path("message").asText());
        }
        return text.toString();
    }

    private static String groups(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names.isEmpty() ? "an approver" : String.join(" or ", names);
    }

    private static List<String> fieldNames(JsonNode found) {
        List<String> names = new ArrayList<>();
        found.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
