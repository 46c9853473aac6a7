package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * report.html: the report for people, rendered from report.json's model alone (so the verifier can
 * render it again and compare). Self-contained: inline CSS and SVG, no script, no external
 * resource; it prints to PDF from any browser. Every number links to its entry in the appendix,
 * which lists the leaves it counts.
 */
final class ReportHtml {
    /** Long lists are cut in the page; report.json always has them whole. */
    static final int MAX_ROWS = 500;
    private static final int MAX_RANGES = 400;

    /** Inline style (the report is one self-contained file) and nothing else: no script, no outside resource. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
            + " base-uri 'none'; form-action 'none'";

    private ReportHtml() {}

    static byte[] render(JsonNode model) {
        HtmlWriter out = new HtmlWriter();
        JsonNode scope = model.path("scope");
        String title = "Audit report: " + scope.path("gateway").path("origin").asText("evidence log") + ", "
                + scope.path("from").asText() + " to " + scope.path("to").asText();
        // The escaping keeps the log's text out of the markup; the policy is the second wall should a
        // future change miss one: no script, frame or fetch runs, only the inline style and charts.
        out.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + CONTENT_SECURITY_POLICY + "\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").text(title).raw("</title>\n<style>")
                .raw(ReportStyle.CSS).raw("</style>\n</head>\n<body>\n");
        header(out, model, title);
        out.raw("<main>\n");
        ScopeHtml.render(out, model);
        controls(out, model.path("controls"));
        PopulationsHtml.render(out, model.path("populations"));
        exceptions(out, model.path("exceptions"));
        pictures(out, model);
        SampleHtml.render(out, model.path("samples"));
        appendix(out, model);
        out.raw("</main>\n</body>\n</html>\n");
        return out.bytes();
    }

    private static void header(HtmlWriter out, JsonNode model, String title) {
        JsonNode parameters = model.path("parameters");
        JsonNode scope = model.path("scope");
        out.raw("<header>\n").element("h1", null, title).raw("\n");
        definitions(out, List.of(
                Map.entry("Period", scope.path("from").asText() + " (inclusive) to " + scope.path("to").asText() + " (exclusive), UTC"),
                Map.entry("Connections", list(scope.path("connections"), "all")),
                Map.entry("Users", list(scope.path("users"), "all")),
                Map.entry("Gateway (log origin)", scope.path("gateway").path("origin").asText("unknown")),
                Map.entry("Log key in the bundle", scope.path("gateway").path("log_key").asText("none")),
                Map.entry("Generated", parameters.path("generated_at").asText() + " by " + parameters.path("generated_by").asText()),
                Map.entry("Format", model.path("format").asText() + ", version " + model.path("format_version").asText())));
        out.raw("<aside class=\"check\">\n<h2>How to check this report</h2>\n<p>Every number is a link to the leaves (event"
                + " indexes in <code>events.jsonl</code>) it counts. Recompute every figure from the bundle's events, and check"
                + " each event against the signed checkpoint, with the log key the operator publishes (not the copy in the"
                + " bundle):</p>\n<pre>tracegate evidence verify BUNDLE --key '<var>published log key</var>'</pre>\n"
                + "<p>or, without Tracegate installed, <code>java -jar tracegate-ledger-verifier.jar BUNDLE --key ...</code>."
                + " Any difference is named figure by figure. Find one leaf with <code>grep '\"index\":17,' events.jsonl</code>.</p>\n"
                + "</aside>\n<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n"
                + "<li><a href=\"#scope\">Scope and integrity</a></li>\n<li><a href=\"#controls\">Control by control</a></li>\n"
                + "<li><a href=\"#populations\">Populations</a></li>\n<li><a href=\"#exceptions\">Exceptions</a></li>\n"
                + "<li><a href=\"#pictures\">Pictures</a></li>\n<li><a href=\"#samples\">Samples</a></li>\n"
                + "<li><a href=\"#figures\">Every figure and its leaves</a></li>\n</ol>\n</nav>\n</header>\n");
    }

    private static void controls(HtmlWriter out, JsonNode controls) {
        out.raw("<section id=\"controls\">\n<h2>Control by control</h2>\n<p>Each control: what it requires, why Tracegate's"
                + " evidence speaks to it, the population that evidences it, and the exceptions to follow up.</p>\n");
        String framework = null;
        for (JsonNode control : controls) {
            if (!control.path("framework").asText().equals(framework)) {
                framework = control.path("framework").asText();
                out.element("h3", null, framework).raw("\n");
            }
            out.raw("<article class=\"control\" id=\"control-").text(anchorSafe(framework + "-" + control.path("id").asText())).raw("\">\n");
            out.raw("<h4>").text(control.path("id").asText()).raw(" ").text(control.path("title").asText()).raw("</h4>\n");
            out.raw("<p class=\"requirement\">").text(control.path("requirement").asText()).raw("</p>\n");
            out.raw("<p class=\"why\">").text(control.path("why").asText()).raw("</p>\n<h5>Population</h5>\n");
            figureList(out, control.path("evidence"));
            out.raw("<h5>Exceptions</h5>\n<ul class=\"figures\">\n");
            for (JsonNode exception : control.path("exceptions")) {
                out.raw("<li><a href=\"#exception-").text(exception.path("exception").asText()).raw("\">")
                        .text(exception.path("exception").asText().replace('_', ' ')).raw("</a>: ");
                if (exception.path("count").isObject()) {
                    figure(out, exception.path("count"));
                } else {
                    out.text(exception.path("note").asText());
                }
                out.raw("</li>\n");
            }
            out.raw("</ul>\n</article>\n");
        }
        out.raw("</section>\n");
    }

    private static String anchorSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static void exceptions(HtmlWriter out, JsonNode exceptions) {
        out.raw("<section id=\"exceptions\">\n<h2>Exceptions</h2>\n");
        exception(out, exceptions, "privileged_without_approval", "Privileged statements without an approval",
                (o, item) -> PopulationsHtml.commandRow(o, item));
        exception(out, exceptions, "own_group_approvals", "Approvals decided by the requester's own group",
                (o, item) -> o.raw("<li>").text(item.path("id").asText() + ": " + item.path("requester").asText() + " asked, "
                        + item.path("decided_by").asText() + " approved"
                        + (item.path("shared_groups").isEmpty() ? "" : " through the shared group(s) " + list(item.path("shared_groups"), ""))
                        + (item.path("by_requester").asBoolean(false) ? ", approved by the requester themselves" : "")
                        + (item.path("by_key_creator").asBoolean(false)
                                ? ", approved by whoever created the requester's service-account key, or with a key the requester created" : "")
                        + " (" + item.path("statement").asText() + ")").raw("</li>\n"));
        exception(out, exceptions, "unsupported_approvals", "Approvals the events do not support",
                (o, item) -> o.raw("<li>").text(item.path("id").asText() + ": " + item.path("requester").asText() + " asked, "
                        + item.path("decided_by").asText() + " approved: " + list(item.path("unsupported"), "")
                        + " (" + item.path("statement").asText() + ")").raw("</li>\n"));
        exception(out, exceptions, "repeatedly_refused_masked_callers", "Masked callers refused many times",
                (o, item) -> {
                    o.raw("<li>").text(item.path("identity").path("name").asText(item.path("identity").path("subject").asText()))
                            .raw(": ");
                    figure(o, item.path("refusals"));
                    o.raw(" refusals</li>\n");
                });
        exception(out, exceptions, "evidence_gaps", "Evidence gaps", (o, item) -> {
            o.raw("<li>").text(item.path("kind").asText() + ": " + item.path("description").asText());
            if (item.path("figure").isObject()) {
                o.raw(" (");
                figure(o, item.path("figure"));
                o.raw(")");
            }
            o.raw("</li>\n");
        });
        exception(out, exceptions, "commands_without_end", "Commands without a result or refusal",
                (o, item) -> PopulationsHtml.commandRow(o, item));
        exception(out, exceptions, "sessions_without_tls", "Sessions without TLS", (o, item) -> { });
        out.raw("<h3 id=\"exception-departed_identities\">Identities that no longer exist at the identity provider</h3>\n<p>")
                .text(exceptions.path("departed_identities").path("why").asText()).raw("</p>\n</section>\n");
    }

    private static void exception(HtmlWriter out, JsonNode exceptions, String key, String heading,
                                  BiConsumer<HtmlWriter, JsonNode> item) {
        JsonNode exception = exceptions.path(key);
        out.raw("<h3 id=\"exception-" + key + "\">").text(heading).raw("</h3>\n<p>");
        figure(out, exception.path("count"));
        out.raw(" ").text(exception.path("count").path(Figures.LABEL).asText().toLowerCase(java.util.Locale.ROOT)).raw("</p>\n");
        if (exception.path("items").isEmpty()) {
            if (exception.path("count").path(Figures.VALUE).asLong() == 0) {
                out.raw("<p class=\"empty\">None in the period.</p>\n");
            }
            return;
        }
        boolean table = key.equals("privileged_without_approval") || key.equals("commands_without_end");
        out.raw(table ? PopulationsHtml.COMMAND_TABLE_HEAD : "<ul>\n");
        rows(out, exception.path("items"), item);
        out.raw(table ? "</tbody></table></div>\n" : "</ul>\n");
        cutNote(out, exception.path("items"));
    }

    private static void pictures(HtmlWriter out, JsonNode model) {
        JsonNode pictures = model.path("pictures");
        out.raw("<section id=\"pictures\">\n<h2>Pictures</h2>\n");
        JsonNode timeline = pictures.path("timeline");
        int count = timeline.path("bucket_count").asInt();
        long seconds = timeline.path("bucket_seconds").asLong();
        Instant from = Instant.parse(model.path("scope").path("from").asText());
        List<String> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starts.add(from.plusSeconds(seconds * i).toString());
        }
        JsonNode[][] activity = new JsonNode[count][2];
        JsonNode[][] guarded = new JsonNode[count][2];
        for (JsonNode bucket : timeline.path("buckets")) {
            int i = bucket.path("bucket").asInt();
            activity[i] = new JsonNode[] {bucket.path("sessions"), bucket.path("commands")};
            guarded[i] = new JsonNode[] {bucket.path("blocked"), bucket.path("held")};
        }
        String every = " (one column per " + seconds + " s)";
        picture(out, "Activity over the period" + every, () -> SvgCharts.columns(out, "chart-activity",
                "Sessions opened and commands over the period", starts, List.of("sessions", "commands"), activity));
        picture(out, "Blocked and held commands over time" + every, () -> SvgCharts.columns(out, "chart-guarded",
                "Blocked and held commands over time", starts, List.of("blocked", "held"), guarded));
        List<String> bucketLabels = new ArrayList<>();
        JsonNode[][] decisions = new JsonNode[pictures.path("time_to_decide").size()][];
        int i = 0;
        for (JsonNode bucket : pictures.path("time_to_decide")) {
            bucketLabels.add(bucket.path("bucket").asText());
            decisions[i++] = new JsonNode[] {bucket.path("count")};
        }
        picture(out, "Time to approve or deny", () -> SvgCharts.columns(out, "chart-decisions",
                "Time from request to decision", bucketLabels, List.of("decisions"), decisions));
        List<String> names = new ArrayList<>();
        List<JsonNode> counts = new ArrayList<>();
        for (JsonNode row : pictures.path("top_privileged")) {
            names.add(row.path("name").asText(row.path("key").asText()));
            counts.add(row.path("count"));
        }
        if (names.isEmpty()) {
            out.raw("<figure><figcaption>Top identities by privileged actions</figcaption><p class=\"empty\">No privileged"
                    + " statement in the period.</p></figure>\n");
        } else {
            picture(out, "Top identities by privileged actions", () -> SvgCharts.bars(out, "chart-privileged",
                    "Top identities by privileged statements", names, counts));
        }
        out.raw("</section>\n");
    }

    private static void picture(HtmlWriter out, String caption, Runnable chart) {
        out.raw("<figure>\n<figcaption>").text(caption).raw("</figcaption>\n");
        chart.run();
        out.raw("</figure>\n");
    }

    private static void appendix(HtmlWriter out, JsonNode model) {
        out.raw("<section id=\"figures\">\n<h2>Every figure and the leaves it counts</h2>\n<p>Leaves are event indexes in"
                + " <code>events.jsonl</code>, as inclusive ranges. <code>tracegate evidence verify</code> recomputes each figure"
                + " from those events.</p>\n<div class=\"table\"><table>\n<thead><tr><th>figure</th><th>what it counts</th>"
                + "<th>value</th><th>leaves</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<String, JsonNode> entry : AuditReport.figures(model).entrySet()) {
            JsonNode figure = entry.getValue();
            out.raw("<tr id=\"" + HtmlWriter.anchor(entry.getKey()) + "\"><td><code>").text(entry.getKey()).raw("</code></td><td>")
                    .text(figure.path(Figures.LABEL).asText()).raw("</td><td>").text(valueText(figure)).raw("</td><td class=\"leaves\">");
            leaves(out, figure.path(Figures.LEAVES));
            out.raw("</td></tr>\n");
        }
        out.raw("</tbody></table></div>\n</section>\n");
    }

    private static void leaves(HtmlWriter out, JsonNode ranges) {
        if (ranges.isEmpty()) {
            out.text("none");
            return;
        }
        int shown = 0;
        for (JsonNode range : ranges) {
            if (shown == MAX_RANGES) {
                out.text(" … " + (ranges.size() - MAX_RANGES) + " more ranges in report.json");
                return;
            }
            long first = range.path(0).asLong();
            long last = range.path(1).asLong();
            out.text((shown == 0 ? "" : ", ") + (first == last ? Long.toString(first) : first + "–" + last));
            shown++;
        }
    }

    // --- shared pieces

    /** A number that links to its figure's leaves. */
    static void figure(HtmlWriter out, JsonNode figure) {
        if (!figure.isObject()) {
            out.text("n/a");
            return;
        }
        out.raw("<a class=\"n\" href=\"#" + HtmlWriter.anchor(figure.path(Figures.ID).asText()) + "\">").text(valueText(figure))
                .raw("</a>");
    }

    static String valueText(JsonNode figure) {
        String unit = figure.path(Figures.UNIT).asText("");
        return figure.path(Figures.VALUE).asLong() + (unit.equals("seconds") ? " s" : "");
    }

    /** Figures as a list of "label: number". */
    static void figureList(HtmlWriter out, Iterable<JsonNode> figures) {
        out.raw("<ul class=\"figures\">\n");
        for (JsonNode figure : figures) {
            if (!figure.isObject()) {
                continue;
            }
            out.raw("<li>").text(figure.path(Figures.LABEL).asText()).raw(": ");
            figure(out, figure);
            out.raw("</li>\n");
        }
        out.raw("</ul>\n");
    }

    static void definitions(HtmlWriter out, List<Map.Entry<String, String>> pairs) {
        out.raw("<dl class=\"facts\">\n");
        for (Map.Entry<String, String> pair : pairs) {
            out.element("dt", null, pair.getKey()).element("dd", null, pair.getValue()).raw("\n");
        }
        out.raw("</dl>\n");
    }

    static String list(JsonNode array, String whenEmpty) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values.isEmpty() ? whenEmpty : String.join(", ", values);
    }

    /** At most {@value #MAX_ROWS} items, then a note that report.json has the rest. */
    static void rows(HtmlWriter out, JsonNode items, BiConsumer<HtmlWriter, JsonNode> row) {
        int shown = 0;
        for (JsonNode item : items) {
            if (shown++ == MAX_ROWS) {
                break;
            }
            row.accept(out, item);
        }
    }

    static void cutNote(HtmlWriter out, JsonNode items) {
        if (items.size() > MAX_ROWS) {
            out.raw("<p class=\"note\">").text("The first " + MAX_ROWS + " of " + items.size() + " are shown; report.json lists all.")
                    .raw("</p>\n");
        }
    }
}
