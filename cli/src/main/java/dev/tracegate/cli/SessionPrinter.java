package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** Prints a session's events as a readable timeline. */
final class SessionPrinter {

    private final PrintStream out;

    SessionPrinter(PrintStream out) {
        this.out = out;
    }

    void print(JsonNode events) {
        for (JsonNode event : events) {
            JsonNode detail = event.path("detail");
            String line = switch (event.path("type").asText()) {
                case "session.open" -> "session opened by " + actor(event.path("actor")) + " from " + detail.path("client").asText()
                        + " to " + event.path("resource").path("connection").asText()
                        + " (" + event.path("resource").path("target").asText() + ")"
                        + (detail.has("application_name") ? " app=" + detail.path("application_name").asText() : "");
                case "command" -> "#" + detail.path("seq").asText() + " " + detail.path("message").asText() + ": "
                        + detail.path("text").asText() + params(detail.path("params"));
                case "command.result" -> "#" + detail.path("seq").asText() + " " + detail.path("status").asText()
                        + " " + String.join(", ", detail.path("tags").valueStream().map(JsonNode::asText).toList())
                        + " rows=" + detail.path("rows").asText() + " " + detail.path("duration_us").asLong() / 1000.0 + " ms"
                        + (detail.has("error") ? " error " + detail.path("error").path("sqlstate").asText()
                        + ": " + detail.path("error").path("message").asText() : "");
                case "command.blocked" -> "#" + detail.path("seq").asText() + " NOT RUN (" + detail.path("outcome").asText()
                        + ") by rule " + detail.path("rule").asText() + ": " + detail.path("reason").asText()
                        + (detail.has("approval") ? " [approval " + detail.path("approval").asText() + "]" : "");
                case "approval.requested" -> "approval " + detail.path("id").asText() + " requested from "
                        + detail.path("approvers").toString() + " (rule " + detail.path("rule").asText() + "), expires "
                        + detail.path("expires_at").asText();
                case "approval.decided" -> "approval " + detail.path("id").asText() + " " + detail.path("outcome").asText()
                        + " by " + actor(event.path("actor"))
                        + (detail.hasNonNull("reason") ? ": " + detail.path("reason").asText() : "");
                case "session.close" -> "session closed: " + detail.path("reason").asText() + " after "
                        + detail.path("commands").asText() + " commands, " + detail.path("duration_ms").asText() + " ms";
                default -> event.path("type").asText() + " " + detail;
            };
            out.printf("%6s  %s  %s%n", event.path("index").asText(), event.path("time").asText(), line);
        }
    }

    private static String actor(JsonNode actor) {
        String groups = actor.has("groups") ? " " + actor.path("groups") : "";
        return actor.path("name").asText(actor.path("sub").asText()) + " <" + actor.path("iss").asText() + "/"
                + actor.path("sub").asText() + ">" + groups;
    }

    private static String params(JsonNode params) {
        if (params.isMissingNode() || params.isEmpty()) {
            return "";
        }
        return "  params=" + params;
    }
}
