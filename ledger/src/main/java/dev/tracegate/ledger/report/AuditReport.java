package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The auditor's report of one period, computed from an evidence bundle and nothing else: scope
 * and integrity, control by control, populations, exceptions, pictures and samples. The gateway
 * computes it when it writes the bundle; {@link ReportVerifier} computes it again from the
 * bundle's events and compares. Both use this class, so there is one definition of every figure.
 */
public final class AuditReport {
    public static final String JSON_FILE = "report.json";
    public static final String HTML_FILE = "report.html";
    /** Indented with "\n" on every platform: report.html embeds such JSON, and the verifier compares its bytes. */
    static final ObjectWriter PRETTY = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private AuditReport() {}

    /** report.json and report.html for the bundle at {@code bundle} (a directory or zip, with or without its manifest). */
    public static Map<String, byte[]> files(Path bundle, ReportParameters parameters) throws IOException {
        ObjectNode model = compute(bundle, parameters);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(JSON_FILE, json(model));
        files.put(HTML_FILE, ReportHtml.render(model));
        return files;
    }

    public static ObjectNode compute(Path bundle, ReportParameters parameters) throws IOException {
        try (ReportBundle opened = ReportBundle.open(bundle)) {
            return compute(opened, parameters);
        }
    }

    /** The bytes of report.json: indented JSON, members in the order the report defines. */
    public static byte[] json(ObjectNode model) throws IOException {
        return (PRETTY.writeValueAsString(model) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static ObjectNode compute(ReportBundle bundle, ReportParameters parameters) throws IOException {
        BundleCheckpoint head = BundleCheckpoint.read(bundle);
        ReportScope scope = new ReportScope(parameters);
        Identities identities = new Identities();
        Integrity integrity = new Integrity(head, scope, bundle.consistencyLines(), bundle.hasProofs());
        Sessions sessions = new Sessions(identities);
        AuthFailures authFailures = new AuthFailures();
        Commands commands = new Commands(identities);
        Approvals approvals = new Approvals(identities, commands);
        KeyCreators keyCreators = new KeyCreators();
        GivenGrants grants = new GivenGrants();
        Masking masking = new Masking(identities);
        PolicyVersions policy = new PolicyVersions(scope);
        IdentityLifecycle lifecycle = new IdentityLifecycle(identities);
        Retention retention = new Retention(scope, bundle::hasBlob);
        ReportsGenerated reports = new ReportsGenerated();
        Timeline timeline = new Timeline(parameters.from(), parameters.to());
        Tally counted = new Tally();
        bundle.forEachEvent((event, line, proofLine) -> {
            integrity.accept(event, line, proofLine);
            policy.accept(event);
            retention.accept(event);
            if (event.is(EventTypes.APPROVAL_DECIDED)) {
                approvals.decided(event);
            }
            if (event.is(EventTypes.SESSION_CLOSE)) {
                approvals.sessionClosed(event);
            }
            keyCreators.accept(event);
            grants.accept(event);
            if (!scope.counts(event)) {
                return;
            }
            counted.count(event.index());
            sessions.accept(event);
            authFailures.accept(event);
            commands.accept(event);
            if (event.is(EventTypes.APPROVAL_REQUESTED)) {
                approvals.requested(event);
            }
            masking.accept(event);
            lifecycle.accept(event);
            reports.accept(event);
            timeline.accept(event);
        });
        commands.judgeGrants(grants);
        ObjectNode integrityJson = integrity.toJson();
        boolean wholeLogProven = !bundle.hasProofs() && head.signatureVerified()
                && integrityJson.path("events_not_proven").path(Figures.VALUE).asLong() == 0;
        Samples samples = new Samples(parameters, head, sessions, approvals, wholeLogProven);
        samples.collect(bundle);

        ObjectNode model = JsonNodeFactory.instance.objectNode();
        ReportFormat.CURRENT.writeTo(model);
        model.set("parameters", parameters.toJson());
        model.set("scope", scope(parameters, head, counted, sessions));
        model.set("integrity", integrityJson);
        ObjectNode populations = model.putObject("populations");
        populations.set("sessions", sessions.toJson());
        populations.set("auth_failures", authFailures.toJson());
        populations.set("privileged", commands.privilegedJson());
        ObjectNode approvalsJson = approvals.toJson();
        populations.set("approvals", approvalsJson);
        populations.set("blocked", commands.blockedJson());
        populations.set("masking", masking.toJson());
        populations.set("policy", policy.toJson());
        populations.set("service_accounts", lifecycle.toJson(sessions));
        populations.set("break_glass", breakGlass(approvalsJson));
        populations.set("retention", retention.toJson());
        populations.set("reports", reports.toJson());
        ObjectNode exceptions = new AuditExceptions(identities, commands, approvals, keyCreators, masking,
                parameters.refusalThreshold())
                .toJson(integrityJson, sessions);
        model.set("exceptions", exceptions);
        model.set("controls", ControlMapping.toJson(figures(model), exceptions));
        model.set("pictures", pictures(timeline, approvalsJson, populations.path("privileged")));
        ObjectNode samplesJson = samples.toJson();
        samplesJson.set("session_population", populations.path("sessions").path("total").deepCopy());
        samplesJson.set("approval_population", approvalsJson.path("requested").deepCopy());
        model.set("samples", samplesJson);
        return model;
    }

    private static ObjectNode scope(ReportParameters parameters, BundleCheckpoint head, Tally counted, Sessions sessions) {
        ObjectNode scope = JsonNodeFactory.instance.objectNode();
        scope.put("from", parameters.from().toString());
        scope.put("to", parameters.to().toString());
        ArrayNode connections = scope.putArray("connections");
        parameters.connections().forEach(connections::add);
        ArrayNode users = scope.putArray("users");
        parameters.users().forEach(users::add);
        ArrayNode seen = scope.putArray("connections_seen");
        sessions.toJson().path("by_connection").forEach(row -> seen.add(row.path("key").asText()));
        ObjectNode gateway = scope.putObject("gateway");
        if (head.checkpoint() != null) {
            gateway.put("origin", head.checkpoint().origin());
        }
        if (head.key() != null) {
            gateway.put("log_key", head.key().format());
        }
        scope.set("counted_events", Figures.of("scope.counted_events", "Events counted in this report's scope", counted));
        return scope;
    }

    private static ObjectNode breakGlass(ObjectNode approvals) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", approvals.path("break_glass").deepCopy());
        ArrayNode items = json.putArray("items");
        approvals.path("items").forEach(item -> {
            if (item.path("break_glass").asBoolean(false)) {
                items.add(item.deepCopy());
            }
        });
        return json;
    }

    private static ObjectNode pictures(Timeline timeline, ObjectNode approvals, JsonNode privileged) {
        ObjectNode pictures = JsonNodeFactory.instance.objectNode();
        pictures.set("timeline", timeline.toJson());
        pictures.set("time_to_decide", approvals.path("time_to_decide").path("histogram").deepCopy());
        ArrayNode top = pictures.putArray("top_privileged");
        JsonNode byIdentity = privileged.path("by_identity");
        for (int i = 0; i < Math.min(10, byIdentity.size()); i++) {
            top.add(byIdentity.get(i).deepCopy());
        }
        return pictures;
    }

    /** Every figure of a report, by id (the first of duplicates, which are copies). */
    static Map<String, JsonNode> figures(JsonNode report) {
        Map<String, JsonNode> figures = new LinkedHashMap<>();
        collect(report, figures);
        return figures;
    }

    private static void collect(JsonNode node, Map<String, JsonNode> figures) {
        if (Figures.isFigure(node)) {
            figures.putIfAbsent(node.path(Figures.ID).asText(), node);
            return;
        }
        node.forEach(child -> collect(child, figures));
    }

    /** Whether a bundle carries a report to check. */
    public static boolean presentIn(Path bundle) throws IOException {
        try (ReportBundle opened = ReportBundle.open(bundle)) {
            return opened.has(JSON_FILE) || opened.has(HTML_FILE);
        }
    }
}
