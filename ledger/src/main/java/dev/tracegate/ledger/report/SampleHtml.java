package dev.tracegate.ledger.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The "Samples" section of report.html: each sampled session as a replay (its events in order with
 * their time from the start, the statements, the masked rows kept), each sampled approval with the
 * events it cites, and for every event its leaf hash and inclusion proof.
 */
final class SampleHtml {
    private SampleHtml() {}

    static void render(HtmlWriter out, JsonNode samples) {
        out.raw("<section id=\"samples\">\n<h2>Samples</h2>\n<p>").text(samples.path("method").asText()).raw("</p>\n");
        ReportHtml.definitions(out, List.of(Map.entry("Seed", samples.path("seed").asText()),
                Map.entry("Sample size", samples.path("size").asText())));
        out.raw("<p>Drawn from ");
        ReportHtml.figure(out, samples.path("session_population"));
        out.raw(" sessions and ");
        ReportHtml.figure(out, samples.path("approval_population"));
        out.raw(" approvals.</p>\n");
        Set<Long> anchored = new HashSet<>();
        int n = 0;
        if (samples.path("sessions").isEmpty()) {
            out.raw("<p class=\"empty\">No session to sample in the period.</p>\n");
        }
        for (JsonNode sample : samples.path("sessions")) {
            session(out, sample, ++n, anchored);
        }
        n = 0;
        if (samples.path("approvals").isEmpty()) {
            out.raw("<p class=\"empty\">No approval to sample in the period.</p>\n");
        }
        for (JsonNode sample : samples.path("approvals")) {
            approval(out, sample, ++n, anchored);
        }
        out.raw("</section>\n");
    }

    private static void session(HtmlWriter out, JsonNode sample, int n, Set<Long> anchored) {
        out.raw("<article class=\"sample\" id=\"sample-session-" + n + "\">\n<h3>").text("Session sample " + n + ": " + sample.path("session")
                .asText()).raw("</h3>\n");
        JsonNode events = sample.path("events");
        ReportHtml.definitions(out, List.of(
                Map.entry("Who", events.isEmpty() ? "?" : events.get(0).path("actor").asText()),
                Map.entry("Connection", sample.path("connection").asText() + " (" + sample.path("protocol").asText() + ")"),
                Map.entry("Sample key", sample.path("key").asText()),
                Map.entry("Events", events.size() + (events.size() >= sample.path("events_shown_at_most").asInt() ? " (the first ones)" : ""))));
        out.raw("<h4>Replay</h4>\n<ol class=\"replay\">\n");
        for (JsonNode event : events) {
            event(out, event, anchored);
        }
        out.raw("</ol>\n<h4>Result data kept (masked)</h4>\n");
        if (sample.path("results").isEmpty()) {
            out.raw("<p class=\"empty\">No result data was kept for this session's commands.</p>\n");
        }
        for (JsonNode kept : sample.path("results")) {
            keptResult(out, kept);
        }
        out.raw("</article>\n");
    }

    private static void approval(HtmlWriter out, JsonNode sample, int n, Set<Long> anchored) {
        JsonNode record = sample.path("record");
        out.raw("<article class=\"sample\" id=\"sample-approval-" + n + "\">\n<h3>").text("Approval sample " + n + ": "
                + sample.path("approval").asText()).raw("</h3>\n");
        ReportHtml.definitions(out, List.of(
                Map.entry("Requested by", record.path("requester").asText() + " at " + record.path("requested_at").asText()),
                Map.entry("Statement", record.path("statement").asText()),
                Map.entry("Rule", record.path("rule").asText() + " (approvers: " + ReportHtml.list(record.path("approver_groups"), "?") + ")"),
                Map.entry("Outcome", record.path("outcome").asText() + (record.has("decided_by") ? " by " + record.path("decided_by").asText()
                        + " at " + record.path("decided_at").asText() : "")),
                Map.entry("Reason", record.path("reason").asText("—")),
                Map.entry("Time to decide", record.has("seconds_to_decide") ? record.path("seconds_to_decide").asLong() + " s" : "—"),
                Map.entry("Sample key", sample.path("key").asText())));
        out.raw("<h4>Events cited</h4>\n<ol class=\"replay\">\n");
        for (JsonNode event : sample.path("events")) {
            event(out, event, anchored);
        }
        out.raw("</ol>\n</article>\n");
    }

    private static void event(HtmlWriter out, JsonNode event, Set<Long> anchored) {
        long leaf = event.path("leaf").asLong();
        String id = anchored.add(leaf) ? " id=\"leaf-" + leaf + "\"" : "";
        String type = event.path("type").asText();
        // The type comes from the log: only letters and digits of it reach the class attribute.
        out.raw("<li" + id + " class=\"event " + type.replaceAll("[^A-Za-z0-9]", "-") + "\"><span class=\"offset\">")
                .text(event.has("offset_ms") ? offset(event.path("offset_ms").asLong()) : event.path("time").asText())
                .raw("</span> <span class=\"type\">").text(type).raw("</span> <span class=\"leaf\">leaf ").text(leaf).raw("</span>\n");
        if (type.equals(EventTypes.COMMAND)) {
            out.element("pre", "statement", event.path("summary").asText());
        } else {
            out.element("p", "summary", event.path("summary").asText());
        }
        JsonNode proof = event.path("proof");
        out.raw("\n<details><summary>").text("event and inclusion proof (" + (proof.path("verified").asBoolean() ? "verified"
                : "NOT verified") + ")").raw("</summary>\n<pre>").text(pretty(event.path("detail"))).raw("</pre>\n<p>leaf hash SHA-256(0x00 || line): <code>")
                .text(event.path("leaf_hash").asText()).raw("</code>; inclusion proof in the tree of size ").text(proof.path("tree_size").asLong())
                .raw(":</p>\n<ol class=\"proof\">");
        for (JsonNode hash : proof.path("hashes")) {
            out.raw("<li><code>").text(hash.asText()).raw("</code></li>");
        }
        out.raw("</ol>\n");
        if (proof.has("note")) {
            out.element("p", null, proof.path("note").asText());
        }
        out.raw("</details></li>\n");
    }

    private static String offset(long millis) {
        return String.format(Locale.ROOT, "+%d.%03d s", millis / 1000, Math.abs(millis % 1000));
    }

    private static void keptResult(HtmlWriter out, JsonNode kept) {
        out.raw("<div class=\"kept\"><p>").text("Command " + kept.path("seq").asLong() + ", " + kept.path("name").asText() + " data ("
                + kept.path("blob").asText() + ", " + kept.path("size").asLong() + " bytes, leaf " + kept.path("leaf").asLong() + ")")
                .raw("</p>\n");
        if (!kept.path("present").asBoolean()) {
            out.raw("<p class=\"empty\">Not in the bundle: removed by retention, or never stored. The leaf still commits to its hash.</p></div>\n");
            return;
        }
        if (kept.has("text")) {
            out.element("pre", null, kept.path("text").asText()).raw("</div>\n");
            return;
        }
        out.raw("<div class=\"table\"><table class=\"rows\">\n<thead><tr>");
        for (JsonNode column : kept.path("columns")) {
            out.element("th", null, column.asText());
        }
        out.raw("</tr></thead>\n<tbody>\n");
        for (JsonNode row : kept.path("rows")) {
            out.raw("<tr>");
            for (JsonNode cell : row) {
                out.element("td", cell.isNull() ? "null" : null, cell.isNull() ? "NULL" : cell.asText());
            }
            out.raw("</tr>\n");
        }
        out.raw("</tbody></table></div>\n<p class=\"note\">").text(kept.path("rows").size() + " of " + kept.path("rows_kept").asLong()
                + " kept row(s) shown").raw("</p></div>\n");
    }

    private static String pretty(JsonNode node) {
        try {
            return AuditReport.PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
