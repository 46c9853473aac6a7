package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The "Populations" section of report.html: each population with its figures and items, or a line saying it is empty. */
final class PopulationsHtml {
    static final String COMMAND_TABLE_HEAD = "<div class=\"table\"><table>\n<thead><tr><th>leaf</th><th>time</th><th>who</th>"
            + "<th>connection</th><th>class</th><th>statement</th><th>rule</th><th>outcome</th></tr></thead>\n<tbody>\n";

    private static final String APPROVAL_TABLE_HEAD = "<div class=\"table\"><table>\n<thead><tr><th>approval</th><th>requested</th>"
            + "<th>by</th><th>statement</th><th>outcome</th><th>decided by</th><th>reason</th><th>time to decide</th></tr></thead>\n<tbody>\n";

    private PopulationsHtml() {}

    static void render(HtmlWriter out, JsonNode populations) {
        out.raw("<section id=\"populations\">\n<h2>Populations</h2>\n");
        sessions(out, populations.path("sessions"));
        authFailures(out, populations.path("auth_failures"));
        privileged(out, populations.path("privileged"));
        approvals(out, populations.path("approvals"));
        blocked(out, populations.path("blocked"));
        masking(out, populations.path("masking"));
        policy(out, populations.path("policy"));
        serviceAccounts(out, populations.path("service_accounts"));
        breakGlass(out, populations.path("break_glass"));
        retention(out, populations.path("retention"));
        reports(out, populations.path("reports"));
        out.raw("</section>\n");
    }

    private static boolean open(HtmlWriter out, String key, String heading, JsonNode total, String empty) {
        out.raw("<h3 id=\"population-" + key + "\">").text(heading).raw("</h3>\n");
        if (total.path(Figures.VALUE).asLong() == 0) {
            out.raw("<p class=\"empty\">").text(empty).raw(" (");
            ReportHtml.figure(out, total);
            out.raw(")</p>\n");
            return false;
        }
        return true;
    }

    private static void sessions(HtmlWriter out, JsonNode sessions) {
        if (!open(out, "sessions", "Sessions by identity and kind", sessions.path("total"), "No session was opened in the period.")) {
            return;
        }
        List<JsonNode> figures = new ArrayList<>(List.of(sessions.path("total")));
        sessions.path("by_kind").forEach(figures::add);
        figures.add(sessions.path("without_tls"));
        ReportHtml.figureList(out, figures);
        out.raw("<div class=\"table\"><table>\n<thead><tr><th>identity</th><th>subject</th><th>issuer</th><th>kind</th>"
                + "<th>sessions</th><th>commands</th></tr></thead>\n<tbody>\n");
        ReportHtml.rows(out, sessions.path("by_identity"), (o, row) -> {
            JsonNode identity = row.path("identity");
            o.raw("<tr><td>").text(identity.path("name").asText(identity.path("subject").asText())).raw("</td><td>")
                    .text(identity.path("subject").asText()).raw("</td><td>").text(identity.path("issuer").asText()).raw("</td><td>")
                    .text(identity.path("kind").asText()).raw("</td><td>");
            ReportHtml.figure(o, row.path("sessions"));
            o.raw("</td><td>");
            ReportHtml.figure(o, row.path("commands"));
            o.raw("</td></tr>\n");
        });
        out.raw("</tbody></table></div>\n");
        ReportHtml.cutNote(out, sessions.path("by_identity"));
        keyed(out, sessions.path("by_connection"), "connection", "sessions");
    }

    private static void authFailures(HtmlWriter out, JsonNode failures) {
        if (!open(out, "auth_failures", "Failed authentications", failures.path("total"), "No authentication failed in the period.")) {
            return;
        }
        ReportHtml.figureList(out, List.of(failures.path("total"), failures.path("summaries")));
        keyed(out, failures.path("by_reason"), "reason", "refusals");
        keyed(out, failures.path("by_source"), "source address", "refusals");
    }

    private static void privileged(HtmlWriter out, JsonNode privileged) {
        if (!open(out, "privileged", "Privileged statements and who ran them", privileged.path("total"),
                "No DDL, privilege, dangerous or unclassifiable statement in the period.")) {
            return;
        }
        List<JsonNode> figures = new ArrayList<>(List.of(privileged.path("total")));
        privileged.path("by_class").forEach(figures::add);
        privileged.path("by_outcome").forEach(row -> figures.add(row.path("count")));
        ReportHtml.figureList(out, figures);
        keyed(out, privileged.path("by_identity"), "identity", "privileged statements");
        commandTable(out, privileged.path("items"));
    }

    private static void approvals(HtmlWriter out, JsonNode approvals) {
        if (!open(out, "approvals", "Approvals", approvals.path("requested"), "No statement was held for approval in the period.")) {
            return;
        }
        List<JsonNode> figures = new ArrayList<>(List.of(approvals.path("requested")));
        approvals.path("by_outcome").forEach(figures::add);
        JsonNode time = approvals.path("time_to_decide");
        figures.add(time.path("decided"));
        figures.add(time.path("median_seconds"));
        figures.add(time.path("longest_seconds"));
        ReportHtml.figureList(out, figures);
        keyed(out, approvals.path("by_decider"), "decider", "decisions");
        out.raw(APPROVAL_TABLE_HEAD);
        ReportHtml.rows(out, approvals.path("items"), PopulationsHtml::approvalRow);
        out.raw("</tbody></table></div>\n");
        ReportHtml.cutNote(out, approvals.path("items"));
    }

    static void approvalRow(HtmlWriter out, JsonNode item) {
        out.raw("<tr><td>").text(item.path("id").asText()).raw("</td><td>").text(item.path("requested_at").asText()).raw("</td><td>")
                .text(item.path("requester").asText()).raw("</td><td><code>").text(item.path("statement").asText()).raw("</code></td><td>")
                .text(item.path("outcome").asText() + (item.path("break_glass").asBoolean() ? " (break-glass)" : "")).raw("</td><td>")
                .text(item.path("decided_by").asText("—")).raw("</td><td>").text(item.path("reason").asText("—")).raw("</td><td>")
                .text(item.has("seconds_to_decide") ? item.path("seconds_to_decide").asLong() + " s" : "—").raw("</td></tr>\n");
    }

    private static void blocked(HtmlWriter out, JsonNode blocked) {
        if (!open(out, "blocked", "Blocked commands", blocked.path("total"), "No command was blocked in the period.")) {
            ReportHtml.figureList(out, List.of(blocked.path("under_grant")));
            return;
        }
        ReportHtml.figureList(out, List.of(blocked.path("total"), blocked.path("under_grant")));
        keyed(out, blocked.path("by_rule"), "rule", "blocked");
        keyed(out, blocked.path("by_identity"), "identity", "blocked");
        commandTable(out, blocked.path("items"));
    }

    private static void masking(HtmlWriter out, JsonNode masking) {
        if (!open(out, "masking", "Masking applied, per column and entity", masking.path("events"),
                "Nothing was masked in the period.")) {
            return;
        }
        List<JsonNode> figures = new ArrayList<>(List.of(masking.path("events"), masking.path("values")));
        masking.path("applied_to").forEach(figures::add);
        figures.add(masking.path("fallbacks"));
        ReportHtml.figureList(out, figures);
        out.raw("<div class=\"table\"><table>\n<thead><tr><th>column or field</th><th>entity</th><th>values masked</th></tr></thead>\n"
                + "<tbody>\n");
        ReportHtml.rows(out, masking.path("by_column"), (o, row) -> {
            o.raw("<tr><td><code>").text(row.path("column").asText()).raw("</code></td><td>").text(row.path("entity").asText())
                    .raw("</td><td>");
            ReportHtml.figure(o, row.path("values"));
            o.raw("</td></tr>\n");
        });
        out.raw("</tbody></table></div>\n");
        keyed(out, masking.path("by_rule"), "rule (profile)", "results masked");
        out.raw("<p>Masked callers: ").text(ReportHtml.list(masking.path("masked_callers"), "none")).raw("</p>\n");
    }

    private static void policy(HtmlWriter out, JsonNode policy) {
        out.raw("<h3 id=\"population-policy\">Policy versions in force</h3>\n");
        JsonNode start = policy.path("in_force_at_start");
        out.raw("<p>").text(start.isObject() ? "In force when the period began: sha256 " + start.path("sha256").asText() + " ("
                + start.path("rules").asText("?") + " rules), loaded " + start.path("time").asText() + ", leaf " + start.path("leaf").asText()
                : "The bundle holds no policy version loaded before the period.").raw("</p>\n");
        ReportHtml.figureList(out, List.of(policy.path("accepted"), policy.path("rejected")));
        if (!policy.path("changes").isEmpty()) {
            out.raw("<div class=\"table\"><table>\n<thead><tr><th>leaf</th><th>time</th><th>SHA-256</th><th>accepted</th><th>rules or"
                    + " error</th><th>file</th></tr></thead>\n<tbody>\n");
            ReportHtml.rows(out, policy.path("changes"), (o, item) -> o.raw("<tr><td>").text(item.path("leaf").asLong()).raw("</td><td>")
                    .text(item.path("time").asText()).raw("</td><td><code>").text(item.path("sha256").asText()).raw("</code></td><td>")
                    .text(item.path("accepted").asBoolean() ? "yes" : "no").raw("</td><td>")
                    .text(item.has("error") ? item.path("error").asText() : item.path("rules").asText()).raw("</td><td>")
                    .text(item.path("file").asText()).raw("</td></tr>\n"));
            out.raw("</tbody></table></div>\n");
        }
        out.raw("<p>").text(policy.path("changed_by").asText()).raw("</p>\n");
    }

    private static void serviceAccounts(HtmlWriter out, JsonNode accounts) {
        out.raw("<h3 id=\"population-service_accounts\">Service accounts and token exchanges</h3>\n");
        ReportHtml.figureList(out, List.of(accounts.path("total")));
        if (accounts.path("total").path(Figures.VALUE).asLong() == 0) {
            out.raw("<p class=\"empty\">No key was created or revoked and no token issued, exchanged or renewed in the period.</p>\n");
        } else {
            keyed(out, accounts.path("by_action"), "action", "events");
            out.raw("<ul>\n");
            ReportHtml.rows(out, accounts.path("items"), (o, item) -> o.raw("<li>").text(item.path("time").asText() + " "
                    + item.path("action").asText() + " by " + item.path("by").asText() + details(item)).raw("</li>\n"));
            out.raw("</ul>\n");
        }
        if (accounts.path("non_human_sessions").isEmpty()) {
            out.raw("<p class=\"empty\">No session of a service or agent identity in the period.</p>\n");
        } else {
            out.raw("<p>Sessions of services and agents:</p>\n<ul>\n");
            for (JsonNode row : accounts.path("non_human_sessions")) {
                out.raw("<li>").text(row.path("identity").path("subject").asText() + " (" + row.path("identity").path("kind").asText()
                        + "): ");
                ReportHtml.figure(out, row.path("sessions"));
                out.raw(" sessions</li>\n");
            }
            out.raw("</ul>\n");
        }
    }

    private static String details(JsonNode item) {
        List<String> parts = new ArrayList<>();
        item.properties().forEach(member -> {
            if (!List.of("leaf", "time", "action", "by").contains(member.getKey())) {
                parts.add(member.getKey() + "=" + member.getValue().asText());
            }
        });
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static void breakGlass(HtmlWriter out, JsonNode breakGlass) {
        if (!open(out, "break_glass", "Break-glass uses", breakGlass.path("total"), "No break-glass decision in the period.")) {
            return;
        }
        out.raw(APPROVAL_TABLE_HEAD);
        ReportHtml.rows(out, breakGlass.path("items"), PopulationsHtml::approvalRow);
        out.raw("</tbody></table></div>\n");
    }

    private static void retention(HtmlWriter out, JsonNode retention) {
        out.raw("<h3 id=\"population-retention\">Retention</h3>\n");
        JsonNode start = retention.path("in_force_at_start");
        out.raw("<p>").text(start.isObject() ? "Settings in force when the period began (gateway start at " + start.path("time").asText()
                + "): " + start.path("evidence").toString() : "The bundle holds no gateway start before the period.").raw("</p>\n");
        for (JsonNode restart : retention.path("starts_in_period")) {
            out.raw("<p>").text("From " + restart.path("time").asText() + ": " + restart.path("evidence").toString()).raw("</p>\n");
        }
        ReportHtml.figureList(out, List.of(retention.path("removed"), retention.path("referenced"), retention.path("absent")));
        if (!retention.path("removals").isEmpty()) {
            out.raw("<ul>\n");
            ReportHtml.rows(out, retention.path("removals"), (o, item) -> o.raw("<li>").text(item.path("time").asText() + ": "
                    + item.path("deleted").asLong() + " blob contents stored before " + item.path("stored_before").asText() + " removed")
                    .raw("</li>\n"));
            out.raw("</ul>\n");
        }
    }

    private static void reports(HtmlWriter out, JsonNode reports) {
        if (!open(out, "reports", "Audit reports generated", reports.path("total"), "No report was generated in the period.")) {
            return;
        }
        out.raw("<ul>\n");
        ReportHtml.rows(out, reports.path("items"), (o, item) -> o.raw("<li>").text(item.path("time").asText() + " by "
                + item.path("by").asText() + ": " + item.path("from").asText() + " to " + item.path("to").asText() + ", report.json sha256 "
                + item.path("report_sha256").asText()).raw("</li>\n"));
        out.raw("</ul>\n");
    }

    private static void commandTable(HtmlWriter out, JsonNode items) {
        out.raw(COMMAND_TABLE_HEAD);
        ReportHtml.rows(out, items, PopulationsHtml::commandRow);
        out.raw("</tbody></table></div>\n");
        ReportHtml.cutNote(out, items);
    }

    static void commandRow(HtmlWriter out, JsonNode item) {
        out.raw("<tr><td>").text(item.path("leaf").asLong()).raw("</td><td>").text(item.path("time").asText()).raw("</td><td>")
                .text(item.path("identity").asText()).raw("</td><td>").text(item.path("connection").asText()).raw("</td><td>")
                .text(item.path("class").asText()).raw("</td><td><code>").text(item.path("statement").asText()).raw("</code></td><td>")
                .text(item.path("rule").asText()).raw("</td><td>")
                .text(item.path("outcome").asText() + (item.has("reason") ? ": " + item.path("reason").asText() : "")
                        + (item.has("approval") ? " (approval " + item.path("approval").asText() + ")" : ""))
                .raw("</td></tr>\n");
    }

    /** A breakdown as a small table: key and figure. */
    private static void keyed(HtmlWriter out, JsonNode rows, String keyHeading, String countHeading) {
        if (rows.isEmpty()) {
            return;
        }
        out.raw("<div class=\"table\"><table class=\"keyed\">\n<thead><tr><th>").text(keyHeading).raw("</th><th>").text(countHeading)
                .raw("</th></tr></thead>\n<tbody>\n");
        ReportHtml.rows(out, rows, (o, row) -> {
            o.raw("<tr><td>").text(row.path("name").asText(row.path("key").asText())).raw("</td><td>");
            ReportHtml.figure(o, row.path("count"));
            o.raw("</td></tr>\n");
        });
        out.raw("</tbody></table></div>\n");
        ReportHtml.cutNote(out, rows);
    }
}
