package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.text.VisibleText;
import java.io.PrintStream;

/**
 * Prints evidence events as a readable timeline: one session's, or a trace's across sessions and
 * protocols (then each line also says where and who).
 */
final class SessionPrinter {

    private final PrintStream out;
    private final boolean withSource;

    SessionPrinter(PrintStream out) {
        this(out, false);
    }

    /** @param withSource prefix each line with protocol, connection, session and identity (for traces) */
    SessionPrinter(PrintStream out, boolean withSource) {
        this.out = out;
        this.withSource = withSource;
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
                        + rows(event) + " " + detail.path("duration_us").asLong() / 1000.0 + " ms"
                        + (detail.has("error") ? " error " + detail.path("error").path("sqlstate").asText()
                        + ": " + detail.path("error").path("message").asText() : "");
                case "command.blocked" -> "#" + detail.path("seq").asText() + " NOT RUN (" + detail.path("outcome").asText()
                        + ")" + (detail.hasNonNull("rule") ? " by rule " + detail.path("rule").asText() : "") + ": "
                        + detail.path("reason").asText()
                        + (detail.has("approval") ? " [approval " + detail.path("approval").asText() + "]" : "");
                case "approval.requested" -> "approval " + detail.path("id").asText() + " requested from "
                        + detail.path("approver_groups").toString() + " (rule " + detail.path("rule").asText() + "), expires "
                        + detail.path("expires_at").asText();
                // A grant's event is the session's own (its actor is the caller); who granted is in the detail.
                case "approval.decided" -> detail.has("granted_by")
                        ? "#" + detail.path("seq").asText() + " ran under grant " + detail.path("id").asText() + " from "
                        + detail.path("granted_by").asText() + " (rule " + detail.path("rule").asText() + ")"
                        : "approval " + detail.path("id").asText() + " " + detail.path("outcome").asText()
                        + " by " + actor(event.path("actor"))
                        + (detail.hasNonNull("reason") ? ": " + detail.path("reason").asText() : "");
                case "masking.applied" -> (detail.has("seq") ? "#" + detail.path("seq").asText()
                        : detail.path("source").asText("server messages")) + " masked for the " + detail.path("applied_to").asText()
                        + (detail.has("rule") ? " (rule " + detail.path("rule").asText() + ")" : "") + ": " + found(detail.path("found"));
                case "recording.sealed" -> "#" + detail.path("seq").asText() + " terminal recording chunk "
                        + detail.path("chunk").asText() + " (" + detail.path("format").asText() + ", "
                        + detail.path("data").path("size").asText() + " bytes" + (detail.path("last").asBoolean() ? ", last" : "")
                        + ")";
                case "session.close" -> "session closed: " + detail.path("reason").asText() + " after "
                        + detail.path("commands").asText() + " commands, " + detail.path("duration_ms").asText() + " ms";
                default -> event.path("type").asText() + " " + detail;
            };
            line = forTerminal(line);
            if (withSource) {
                out.printf("%6s  %s  %-8s %-10s %-8s %-12s %s%n", event.path("index").asText(), event.path("time").asText(),
                        event.path("resource").path("protocol").asText("-"), event.path("resource").path("connection").asText("-"),
                        shortSession(event), forTerminal(event.path("actor").path("name").asText(event.path("actor").path("sub").asText())),
                        line);
            } else {
                out.printf("%6s  %s  %s%n", event.path("index").asText(), event.path("time").asText(), line);
            }
        }
    }

    /** How the lines after the first of a multi-line text begin: never like an event's line. */
    static final String CONTINUATION = "\n        | ";

    /**
     * A line as a terminal may show it. A statement, a name or a reason is whatever the recorded
     * client sent: an escape sequence in it would run in the reader's terminal (erase the lines
     * above, retitle the window, write the clipboard), a carriage return would overwrite its own
     * line, a right-to-left override reverse its tail, and a line feed start a line that passes
     * for another event. So each such character is shown as its code point ({@link VisibleText}),
     * and each further line of a multi-line statement is marked as the same event's.
     */
    static String forTerminal(String line) {
        return VisibleText.of(line).replace("\n", CONTINUATION);
    }

    /** Rows of a SQL or HTTP result; an SSH command has an exit status instead (in its tags). */
    private static String rows(JsonNode event) {
        return event.path("resource").path("protocol").asText().equals("ssh") ? ""
                : " rows=" + event.path("detail").path("rows").asText();
    }

    /** Enough of the session id to tell a trace's sessions apart ({@code sessions show} takes the whole id). */
    private static String shortSession(JsonNode event) {
        String session = event.path("session").asText("-");
        return session.length() > 8 ? session.substring(0, 8) : session;
    }

    private static String actor(JsonNode actor) {
        String groups = actor.has("groups") ? " " + actor.path("groups") : "";
        return actor.path("name").asText(actor.path("sub").asText()) + " <" + actor.path("iss").asText() + "/"
                + actor.path("sub").asText() + ">" + groups;
    }

    /** {@code public.customers.email EMAIL x5, ...}: where and what, never a value. */
    private static String found(JsonNode found) {
        StringBuilder text = new StringBuilder();
        found.properties().forEach(location -> location.getValue().properties().forEach(entity -> {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(location.getKey()).append(' ').append(entity.getKey()).append(" x").append(entity.getValue().asText());
        }));
        return text.isEmpty() ? "nothing found" : text.toString();
    }

    private static String params(JsonNode params) {
        if (params.isMissingNode() || params.isEmpty()) {
            return "";
        }
        return "  params=" + params;
    }
}
