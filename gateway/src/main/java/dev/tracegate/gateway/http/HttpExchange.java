package dev.tracegate.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.approval.ApprovalDecision;
import dev.tracegate.gateway.approval.ApprovalOutcome;
import dev.tracegate.gateway.approval.ApprovalRequest;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.gateway.recording.Redaction;
import dev.tracegate.gateway.recording.ResultEvidence;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.MaskingSummary;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.HttpRequestFacts;
import dev.tracegate.policy.rules.MaskingDecision;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.TraceContext;
import dev.tracegate.policy.sql.TraceContextExtractor;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request through the gateway, in the order of the data path: route, identity, policy,
 * write-ahead evidence, approval wait, then the target with the held credential, bodies masked
 * in both directions while they stream, and the result recorded. Each request is its own
 * evidence session (open, command, result, close), so it can be listed and exported like a
 * database session.
 */
final class HttpExchange {

    private static final Logger LOG = LoggerFactory.getLogger(HttpExchange.class);
    /** Largest body read whole for a rule's field conditions; bodies otherwise stream. */
    static final int MAX_INSPECTED_BODY = 1024 * 1024;
    /** Largest body of a request held with {@code Prefer: respond-async}, which is kept until it runs. */
    static final int MAX_HELD_BODY = 10 * 1024 * 1024;
    /** Duplicate keys could make the gateway and the target read different values. */
    private static final ObjectMapper STRICT_JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /** What every request of the listener shares. */
    record Context(IdentityVerifier identities, HttpRoutes routes, EvidenceLog evidence, Guard guard,
                   ApprovalService approvals, int resultDataBytes, boolean allowCleartextOnLoopback,
                   DeferredResponses deferred) {
    }

    private final Context context;
    private final Request request;
    private final ClientRequest client;
    /** The client's connection, until a held request is answered 202; then its stored answer. */
    private ClientResponse out;
    private final long startedNanos = System.nanoTime();
    private final MaskingReport requestReport = new MaskingReport();
    private final MaskingReport responseReport = new MaskingReport();
    private SessionRecorder recorder;
    private MaskingDecision masking;
    private String responseType;
    private HttpRoutes.Route route;
    private String query;
    /** A request answered 202 goes on on another thread, which then owns the recorder. */
    private boolean detached;
    /** The body, when the policy read it whole to decide; it is then sent from here. */
    private byte[] inspectedBody;

    HttpExchange(Context context, Request request, Response response, Callback callback) {
        this.context = context;
        this.request = request;
        this.client = ClientRequest.of(request);
        this.out = new JettyClientResponse(response, callback);
    }

    void run() {
        try {
            serve();
        } catch (Exception e) {
            LOG.error("HTTP request {} {} failed", client.method(), client.rawPath(), e);
            fail(502, "the gateway could not complete the request");
        } finally {
            if (recorder != null && !detached) {
                recorder.closed("request complete");
            }
        }
    }

    private void serve() throws IOException, EvidenceLogUnavailableException {
        if (!client.secure() && !(context.allowCleartextOnLoopback() && isLoopback(client.remoteAddress()))) {
            fail(403, "the gateway requires TLS: use https");
            return;
        }
        String path = client.canonicalPath();
        HttpRoutes.Route route = context.routes().resolve(client.header("host"), path);
        if (route == null) {
            fail(404, "no HTTP connection serves " + path);
            return;
        }
        Identity identity = authenticate(client.remote(), route.target().connection().name());
        if (identity == null) {
            return;
        }
        var connection = route.target().connection();
        Subject subject = new Subject(connection.name(), "http", Set.copyOf(identity.groups()), identity.kind());
        HttpRequestFacts facts = new HttpRequestFacts(client.method(), route.path(), client.headerMap());
        Decision decision;
        if (context.guard().needsBody(subject, facts)) {
            decision = inspectBody(subject, facts);
        } else {
            decision = context.guard().checkHttp(subject, facts);
        }
        masking = context.guard().masking(subject).orElse(null);
        String trace = Optional.ofNullable(client.header("traceparent"))
                .flatMap(TraceContextExtractor::parse).map(TraceContext::traceId).orElse(null);
        recorder = new SessionRecorder(context.evidence(), new SessionInfo(UUID.randomUUID().toString(), identity,
                client.remote(), new EvidenceEvent.Resource(connection.name(), "http", connection.target()), null,
                client.header("user-agent"), trace));
        List<Redaction> headerRedactions = new ArrayList<>();
        recorder.opened(openDetail(headerRedactions), headerRedactions);
        String query = client.query();
        String line = facts.requestLine() + (query == null ? "" : "?" + query);
        EvidenceLog.awaitDurable(recorder.command(new CommandRecord(1, "HTTP", line, null, null, trace,
                className(decision), decision.rule()).recorded(context.guard().recording().requestLine(line))));
        this.route = route;
        this.query = query;
        if (!permitted(decision, identity, connection.name(), line, trace)) {
            return;
        }
        forward(route, query);
    }

    /**
     * Reads the body a rule asks about (at most {@link #MAX_INSPECTED_BODY} bytes) and decides on
     * it. A body that is too large or not JSON leaves the rule undecidable: high risk, blocked.
     */
    private Decision inspectBody(Subject subject, HttpRequestFacts facts) throws IOException {
        byte[] body = Content.Source.asInputStream(request).readNBytes(MAX_INSPECTED_BODY + 1);
        if (body.length > MAX_INSPECTED_BODY) {
            return undecidable(facts, "the policy inspects this request's JSON body, and it is over "
                    + MAX_INSPECTED_BODY + " bytes");
        }
        inspectedBody = body;
        try (JsonParser parser = STRICT_JSON.createParser(body)) {
            JsonNode parsed = STRICT_JSON.readTree(parser);
            if (parsed == null || parser.nextToken() != null) {
                return undecidable(facts, "the policy inspects this request's JSON body, and it is not one JSON document");
            }
            return context.guard().checkHttp(subject, facts.withBody(parsed));
        } catch (JsonProcessingException e) {
            return undecidable(facts, "the policy inspects this request's JSON body, and it is not valid JSON"
                    + " (duplicate keys are refused too)");
        }
    }

    private static Decision undecidable(HttpRequestFacts facts, String reason) {
        return new Decision(Action.BLOCK, "default:high-risk", reason, null, facts.statementClass(), List.of());
    }

    private Identity authenticate(String remote, String connection) {
        String authorization = client.header("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            fail(401, "a bearer token is required (Authorization: Bearer <token>)");
            return null;
        }
        try {
            return context.identities().verify(authorization.substring(7).strip());
        } catch (AuthenticationException e) {
            context.evidence().authFailures().refused(new AuthFailure(SourceAddress.parse(client.remoteAddress()), "http", remote,
                    e.getMessage(), Map.of("connection", connection)));
            fail(401, "the token was not accepted");
            return null;
        }
    }

    /** Applies the decision: true to go on; otherwise the client has its answer. */
    private boolean permitted(Decision decision, Identity identity, String connection, String line, String trace)
            throws EvidenceLogUnavailableException, IOException {
        String statementClass = className(decision);
        switch (decision.action()) {
            case ALLOW -> {
                return true;
            }
            case BLOCK -> {
                recorder.blocked(1, "blocked", decision.rule(), decision.reason(), statementClass, null);
                ObjectNode extra = HttpErrors.fields().put("rule", decision.rule());
                out.error(403, "blocked by policy rule " + decision.rule() + ": " + decision.reason(), extra);
                return false;
            }
            default -> {
                var grant = context.approvals().activeGrant(identity, connection, statementClass);
                if (grant.isPresent()) {
                    recorder.granted(1, grant.get().id(), grant.get().grantedBy(), decision.rule());
                    return true;
                }
                return held(decision, identity, connection, line, trace, statementClass);
            }
        }
    }

    /** Waits on this request's virtual thread until an approver decides or the request expires. */
    private boolean held(Decision decision, Identity identity, String connection, String line, String trace,
                         String statementClass) throws EvidenceLogUnavailableException, IOException {
        boolean async = client.prefersAsync();
        if (async && !readWholeBody()) {
            recorder.blocked(1, "refused", decision.rule(), "body too large to hold", statementClass, null);
            out.error(413, "a request held for approval with Prefer: respond-async may carry at most "
                    + MAX_HELD_BODY + " bytes", null);
            return false;
        }
        PendingApproval pending = context.approvals().request(new ApprovalRequest(recorder.session().id(), identity,
                connection, "http", context.guard().forApprovers(decision.approval()).requestLine(line).text(),
                context.guard().recording().requestLine(line).text(), statementClass, decision.rule(), decision.reason(),
                decision.approval(), trace));
        if (async) {
            // Jetty finishes a response when its handler returns: the wait goes on elsewhere.
            acceptForLater(pending, identity);
            detached = true;
            Thread.ofVirtual().name("http-held-" + pending.id()).start(() -> finishLater(decision, pending, statementClass));
            return false;
        }
        return decided(decision, pending, statementClass);
    }

    /** The rest of a request answered 202: its decision, then the target, answered into its stored response. */
    private void finishLater(Decision decision, PendingApproval pending, String statementClass) {
        try {
            if (decided(decision, pending, statementClass)) {
                forward(route, query);
            }
        } catch (Exception e) {
            LOG.error("held HTTP request {} failed", pending.id(), e);
            fail(502, "the gateway could not complete the request");
        } finally {
            if (recorder != null) {
                recorder.closed("request complete");
            }
        }
    }

    /** Waits for the approver's decision; true when approved, otherwise the client has its refusal. */
    private boolean decided(Decision decision, PendingApproval pending, String statementClass) {
        ApprovalDecision outcome;
        try {
            outcome = pending.decision().get(Math.max(1, pending.expiresAt().toEpochMilli() - System.currentTimeMillis())
                    + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.approvals().withdraw(pending.id(), "gateway shutting down");
            outcome = new ApprovalDecision(ApprovalOutcome.WITHDRAWN, List.of(), "gateway shutting down", false);
        } catch (ExecutionException | TimeoutException e) {
            context.approvals().withdraw(pending.id(), "no decision arrived");
            outcome = new ApprovalDecision(ApprovalOutcome.WITHDRAWN, List.of(), "no decision arrived", false);
        }
        if (outcome.outcome() == ApprovalOutcome.APPROVED) {
            return true;
        }
        String name = outcome.outcome().name().toLowerCase(Locale.ROOT);
        recorder.blocked(1, name, decision.rule(), outcome.reason(), statementClass, pending.id());
        ObjectNode extra = HttpErrors.fields().put("rule", decision.rule()).put("approval", pending.id());
        out.error(403, "approval " + pending.id() + " " + name
                + (outcome.reason() == null ? "" : ": " + outcome.reason()) + "; the request was not sent", extra);
        return false;
    }

    /**
     * {@code Prefer: respond-async}: answers 202 now with where to collect the answer, and goes on
     * waiting on this thread; the answer is then kept for the client instead of written to it.
     */
    private void acceptForLater(PendingApproval pending, Identity identity) {
        String status = DeferredResponses.PATH_PREFIX + pending.id();
        StoredResponse later = context.deferred().add(pending.id(), identity);
        ObjectNode extra = HttpErrors.fields().put("approval", pending.id()).put("status", status)
                .put("approve", ApprovalService.approveCommand(pending.id()));
        ClientResponse now = out;
        now.begin(202);
        now.header("Location", status);
        now.header("Preference-Applied", "respond-async");
        now.header("Content-Type", "application/json");
        extra.put("message", "held for approval; collect the answer at " + status);
        try {
            now.body().write((extra + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("client left before its 202: {}", e.toString());
        }
        now.complete();
        out = later;
    }

    /** Reads the whole body now (a held request outlives its connection); false when it is too large. */
    private boolean readWholeBody() throws IOException {
        if (inspectedBody == null) {
            byte[] body = Content.Source.asInputStream(request).readNBytes(MAX_HELD_BODY + 1);
            if (body.length > MAX_HELD_BODY) {
                return false;
            }
            inspectedBody = body;
        }
        return true;
    }

    private void forward(HttpRoutes.Route route, String query) throws IOException {
        Masker masker = masking == null ? null : masking.masker();
        BodyMasking.Kind requestKind = BodyMasking.Kind.of(client.header("content-type"));
        boolean hasBody = inspectedBody != null ? inspectedBody.length > 0 : client.hasBody();
        if (masker != null && requestKind == BodyMasking.Kind.OTHER && context.guard().policy().passUnmaskable()) {
            masker = null; // masking.otherContent: pass
            passedUnmasked("request.body");
        }
        if (masker != null && hasBody && requestKind == BodyMasking.Kind.OTHER) {
            refuse(415, "request.body", "a " + client.header("content-type")
                    + " body cannot be masked, and results of this caller are masked by rule " + masking.rule());
            return;
        }
        HttpRequest.Builder upstream = HttpRequest.newBuilder(route.target().resolve(rawRemainder(route), query));
        client.headers().forEach(header -> {
            if (HeaderRules.forwardUpstream(header.getKey())) {
                upstream.header(header.getKey(), header.getValue());
            }
        });
        route.target().authenticate(upstream);
        RequestBody body = hasBody ? requestBody(masker, requestKind) : null;
        upstream.method(client.method(), body == null ? HttpRequest.BodyPublishers.noBody() : body.publisher());
        HttpResponse<InputStream> answer;
        try {
            answer = route.target().client().send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            if (body != null && body.pipe() != null && body.pipe().failure() instanceof MaskingRefusedException refused) {
                refuse(400, refused.location(), refused.getMessage());
            } else {
                result(502, "target unreachable", body, null);
                fail(502, "the target of connection " + route.target().connection().name() + " did not answer: "
                        + e.getClass().getSimpleName());
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(503, "the gateway is shutting down");
            return;
        } finally {
            if (body != null && body.pipe() != null) {
                body.pipe().abandon();
            }
        }
        respond(answer, body);
    }

    /** The request body on its way upstream: as sent, or masked through a pipe by a virtual thread. */
    private record RequestBody(HttpRequest.BodyPublisher publisher, BodyPipe pipe, BodyCapture capture) {
    }

    private RequestBody requestBody(Masker masker, BodyMasking.Kind kind) {
        InputStream in = inspectedBody != null ? new ByteArrayInputStream(inspectedBody) : Content.Source.asInputStream(request);
        BodyPipe pipe = new BodyPipe();
        BodyCapture capture = new BodyCapture(pipe.sink(), context.resultDataBytes());
        Thread.ofVirtual().name("http-body-" + recorder.session().id()).start(() -> {
            OutputStream out = new BufferedOutputStream(capture, 32 * 1024);
            try {
                if (masker == null) {
                    in.transferTo(out);
                } else {
                    BodyMasking.copy(kind, masker, "request.body", new BufferedInputStream(in), out, requestReport);
                }
                out.close(); // only a body that was read to its end is ended cleanly
            } catch (IOException | RuntimeException e) {
                pipe.fail(e);
            }
        });
        long length = inspectedBody != null ? inspectedBody.length : client.length();
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(pipe::source);
        // An unmasked body keeps its length; a masked one has another, so it goes chunked.
        HttpRequest.BodyPublisher publisher = masker == null && length > 0
                ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
        return new RequestBody(publisher, pipe, capture);
    }

    private void respond(HttpResponse<InputStream> answer, RequestBody body) throws IOException {
        String contentType = answer.headers().firstValue("content-type").orElse(null);
        responseType = contentType;
        BodyMasking.Kind kind = BodyMasking.Kind.of(contentType);
        try (InputStream in = new BufferedInputStream(answer.body(), 32 * 1024)) {
            boolean empty = peekEmpty(in);
            boolean passOther = masking != null && !empty && kind == BodyMasking.Kind.OTHER
                    && context.guard().policy().passUnmaskable();
            if (passOther) {
                passedUnmasked("response.body");
            }
            if (masking != null && !empty && kind == BodyMasking.Kind.OTHER && !passOther) {
                result(502, "response not maskable", body, null);
                fail(502, "the target answered with " + contentType + ", which cannot be masked, and results of this"
                        + " caller are masked by rule " + masking.rule());
                return;
            }
            out.begin(answer.statusCode());
            answer.headers().map().forEach((name, values) -> {
                if (HeaderRules.forwardDownstream(name) && !name.startsWith(":")) {
                    values.forEach(value -> out.header(name, value));
                }
            });
            BodyCapture capture = new BodyCapture(out.body(), context.resultDataBytes());
            try {
                if (empty) {
                    capture.flush(); // nothing to relay or mask (204, 304, HEAD)
                } else if (masking == null || passOther) {
                    BodyMasking.copyPlain(in, capture);
                } else {
                    BodyMasking.copy(kind, masking.masker(), "response.body", in, capture, responseReport);
                }
            } catch (MaskingRefusedException e) {
                // The status line is out: the only honest signal left is an aborted response.
                result(answer.statusCode(), "response refused: " + e.getMessage(), body, capture);
                out.abort(e);
                return;
            }
            // The evidence is complete before the client sees the end of the response.
            result(answer.statusCode(), null, body, capture);
            recorder.closed("request complete");
            recorder = null;
            capture.flush();
            out.complete();
        }
    }

    private static boolean peekEmpty(InputStream in) throws IOException {
        in.mark(1);
        boolean empty = in.read() < 0;
        in.reset();
        return empty;
    }

    private void result(int status, String error, RequestBody body, BodyCapture responseBody) {
        long micros = (System.nanoTime() - startedNanos) / 1_000;
        String statusText = error == null && status < 400 ? "ok" : "error";
        ResultRecord record = new ResultRecord(1, statusText, List.of("HTTP " + status), 0, micros,
                error == null ? null : "HTTP", error);
        Kept requestData = body == null ? Kept.NOTHING : kept(body.capture(), "request.body");
        Kept responseData = responseBody == null ? Kept.NOTHING : kept(responseBody, "response.body");
        ResultEvidence.MaskingApplied applied = masking == null ? null : new ResultEvidence.MaskingApplied(
                masking.rule(), masking.profile(), requestReport.snapshot().plus(responseReport.snapshot()));
        MaskingSummary recorded = requestData.recorded() == null ? responseData.recorded()
                : responseData.recorded() == null ? requestData.recorded() : requestData.recorded().plus(responseData.recorded());
        recorder.result(record, new ResultEvidence(responseData.bytes(), 0, responseBody != null && responseBody.truncated(),
                applied, recorded, requestData.bytes(), responseType));
    }

    /** A body as the evidence keeps it, and what masking it for the record found. */
    private record Kept(byte[] bytes, MaskingSummary recorded) {
        static final Kept NOTHING = new Kept(null, null);
    }

    /** What the evidence keeps of a body: masked already for masked callers; masked here for the others. */
    private Kept kept(BodyCapture capture, String location) {
        byte[] bytes = capture.kept();
        if (bytes.length == 0) {
            return Kept.NOTHING;
        }
        if (masking != null) {
            return new Kept(bytes, null);
        }
        Masker recording = context.guard().policy().recordingMasker();
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!capture.truncated()) {
            MaskingReport report = new MaskingReport();
            try {
                byte[] masked = recording.json(location).mask(text, report).getBytes(StandardCharsets.UTF_8);
                return new Kept(masked, report.snapshot());
            } catch (MaskingRefusedException notJson) {
                // Not one JSON document: scanned as text below.
            }
        }
        MaskingReport report = new MaskingReport();
        String masked = recording.maskText(ColumnRef.expression(location), text, report).value();
        return new Kept(masked == null ? null : masked.getBytes(StandardCharsets.UTF_8), report.snapshot());
    }

    /** A body the policy lets through unmasked (masking.otherContent: pass) is reported as such. */
    private void passedUnmasked(String location) {
        MaskingReport report = location.startsWith("request") ? requestReport : responseReport;
        report.fallback(location, FallbackReason.UNMASKABLE, FallbackAction.PASS);
    }

    private void refuse(int status, String location, String message) {
        recorder.blocked(1, "refused", "masking", message, "write", null);
        out.error(status, "tracegate: " + message, HttpErrors.fields().put("location", location));
    }

    private void fail(int status, String message) {
        out.error(status, message, null);
    }

    /** The path to forward, still encoded as the client sent it, without the connection's segment. */
    private String rawRemainder(HttpRoutes.Route route) {
        String raw = client.rawPath();
        if (route.path().equals(client.canonicalPath())) {
            return raw; // routed by host name: the whole path
        }
        int slash = raw.indexOf('/', 1);
        return slash < 0 ? "/" : raw.substring(slash);
    }

    /** The session's start: TLS and the request headers as the evidence keeps them (credentials out, personal data masked). */
    private ObjectNode openDetail(List<Redaction> redactions) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("tls", client.secure());
        ObjectNode recorded = detail.putObject("headers");
        CommandRedaction recording = context.guard().recording();
        client.headers().forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            String value = HeaderRules.recorded(name, header.getValue());
            if (HeaderRules.mayHoldPersonalData(name)) {
                RecordedCommand masked = recording.header(name, value);
                value = masked.text();
                redactions.addAll(masked.redactions());
            }
            recorded.put(name, value);
        });
        return detail;
    }

    private static String className(Decision decision) {
        return decision.statementClass() == null ? null : decision.statementClass().name().toLowerCase(Locale.ROOT);
    }

    private static boolean isLoopback(String address) {
        return address.equals("127.0.0.1") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.startsWith("127.");
    }
}
