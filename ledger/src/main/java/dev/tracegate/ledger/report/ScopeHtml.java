package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The "Scope and integrity" section of report.html. */
final class ScopeHtml {
    private ScopeHtml() {}

    static void render(HtmlWriter out, JsonNode model) {
        JsonNode integrity = model.path("integrity");
        JsonNode checkpoint = integrity.path("checkpoint");
        out.raw("<section id=\"scope\">\n<h2>Scope and integrity</h2>\n");
        boolean verified = integrity.path("verified").asBoolean();
        out.raw("<p class=\"" + (verified ? "ok" : "bad") + "\" id=\"verification\">").text(verified
                ? "Verified when the report was generated: every event of the bundle is proven to be in the signed checkpoint's"
                        + " tree, no event of the period is missing, and every earlier checkpoint listed is a prefix of it."
                : "NOT fully verified when the report was generated: see the figures below.").raw("</p>\n");
        ReportHtml.definitions(out, List.of(
                Map.entry("Checkpoint origin", checkpoint.path("origin").asText("unreadable")),
                Map.entry("Tree size", checkpoint.path("tree_size").asText("?")),
                Map.entry("Root (SHA-256)", checkpoint.path("root_sha256").asText("?")),
                Map.entry("Signature", checkpoint.path("signature").asText()),
                Map.entry("Connections seen", ReportHtml.list(model.path("scope").path("connections_seen"), "none"))));
        JsonNode range = integrity.path("range");
        out.raw("<h3>Events</h3>\n");
        ReportHtml.figureList(out, List.of(integrity.path("events_in_bundle"), integrity.path("events_proven"),
                integrity.path("events_not_proven"), range.path("events_in_period"), model.path("scope").path("counted_events"),
                range.path("missing"), integrity.path("context_events")));
        out.raw("<p>").text("Completeness: " + range.path("boundary").asText()).raw("</p>\n");
        for (JsonNode problem : integrity.path("proof_problems")) {
            out.raw("<p class=\"bad\">").text(problem.asText()).raw("</p>\n");
        }
        checkpoints(out, integrity);
        gaps(out, integrity);
        out.raw("</section>\n");
    }

    private static void checkpoints(HtmlWriter out, JsonNode integrity) {
        out.raw("<h3>Signed checkpoints covering the period</h3>\n");
        JsonNode earlier = integrity.path("checkpoints");
        if (earlier.isEmpty()) {
            out.raw("<p class=\"empty\">None besides the bundle's own checkpoint.</p>\n");
            return;
        }
        out.raw("<p>Each was signed by the gateway while the log grew, and is proven (RFC 9162 consistency proof in"
                + " <code>consistency.jsonl</code>) to be a prefix of the bundle's checkpoint.</p>\n<div class=\"table\"><table>\n"
                + "<thead><tr><th>tree size</th><th>root (SHA-256)</th><th>consistent</th><th>seals events up to</th></tr></thead>\n<tbody>\n");
        ReportHtml.rows(out, earlier, (o, item) -> o.raw("<tr><td>").text(item.path("tree_size").asLong()).raw("</td><td><code>")
                .text(item.path("root_sha256").asText()).raw("</code></td><td>").text(item.path("consistent").asBoolean() ? "yes"
                        : "NO: " + item.path("problem").asText()).raw("</td><td>").text(item.path("seals_through").asText("—"))
                .raw("</td></tr>\n"));
        out.raw("</tbody></table></div>\n");
        ReportHtml.cutNote(out, earlier);
    }

    private static void gaps(HtmlWriter out, JsonNode integrity) {
        out.raw("<h3>Gaps, restarts and policy changes</h3>\n<p>Checkpoint interval: ");
        ReportHtml.figure(out, integrity.path("checkpoint_interval"));
        out.raw(". A stretch of events that one checkpoint sealed although it spans more than five intervals (at least five"
                + " minutes) is a gap: for that long, those events were in no signed tree.</p>\n");
        if (integrity.path("gaps").isEmpty()) {
            out.raw("<p class=\"empty\">No checkpoint gap in the period.</p>\n");
        } else {
            out.raw("<ul>\n");
            for (JsonNode gap : integrity.path("gaps")) {
                out.raw("<li>").text(gap.path("from").asText() + " to " + gap.path("to").asText() + ": ");
                ReportHtml.figure(out, gap.path("events"));
                out.raw(" ").text(gap.path("events").path(Figures.LABEL).asText()).raw("</li>\n");
            }
            out.raw("</ul>\n");
        }
        out.raw("<p>Gateway starts in the period: ");
        ReportHtml.figure(out, integrity.path("restarts"));
        out.raw("</p>\n");
        if (!integrity.path("restart_items").isEmpty()) {
            out.raw("<ul>\n");
            for (JsonNode start : integrity.path("restart_items")) {
                out.raw("<li>").text(start.path("time").asText() + ": version " + start.path("version").asText("?") + " on "
                        + start.path("host").asText("?") + ", " + start.path("evidence").toString()).raw("</li>\n");
            }
            out.raw("</ul>\n");
        }
        out.raw("<p>Policy file changes in the period: ");
        ReportHtml.figure(out, integrity.path("policy_changes"));
        out.raw(" (see <a href=\"#population-policy\">Policy versions</a>)</p>\n");
    }
}
