package dev.tracegate.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.engine.SignedInCaller;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.guard.Command;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.KeyWatch;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.HttpRequestDetail;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.gateway.recording.Redaction;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.HttpRequestFacts;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.trace.TraceContext;
import dev.tracegate.policy.trace.TraceContextExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request through the gateway, in the order of the data path: admission (transport,
 * route, bearer identity), the Guard's ruling (reading the JSON body when a rule asks about it),
 * the write-ahead {@code command} event, the command gate (blocked, granted, or held:
 * {@link HeldRequest}), then the target ({@link UpstreamCall}) and the answer
 * ({@link ResponseRelay}), bodies masked both ways while they stream. Each request is one
 * command (with its own client address, TLS and headers) in its client connection's evidence
 * session ({@link ClientSessions}), listed and exported like a database session.
 */
final class ProxiedRequest {

    private static final Logger LOG = LoggerFactory.getLogger(ProxiedRequest.class);

    /** What every request of the listener shares: the engines' seam, and what HTTP adds to it. */
    record Context(EngineServices services, HttpRoutes routes, boolean allowCleartextOnLoopback,
                   DeferredResponses deferred, long minRequestBytesPerSecond, ClientSessions sessions,
                   RecordMaskingMemory recordMasks) {
    }

    private final Context context;
    private final Request request;
    private final ClientRequest client;
    private final ClientResponse out;
    /** The request's place in its evidence session, once it has one. */
    private ClientSessions.Joined joined;

    ProxiedRequest(Context context, Request request, Response response, Callback callback) {
        this.context = context;
        this.request = request;
        this.client = ClientRequest.of(request);
        this.out = new JettyClientResponse(response, callback);
    }

    void run() {
        if (CostAccounting.ON) {
            CostAccounting.HTTP_REQUESTS.increment();
        }
        boolean handedOff = false;
        try {
            handedOff = serve();
        } catch (MinimumRateInputStream.SlowRequestBodyException e) {
            out.error(408, e.getMessage(), null);
        } catch (Exception e) {
            LOG.error("HTTP request {} {} failed", client.method(), client.rawPath(), e);
            out.error(502, "the gateway could not complete the request", null);
        } finally {
            if (joined != null && !handedOff) {
                joined.session().end();
            }
        }
    }

    /** The client's request body, to be read at {@code minRequestBytesPerSecond} at least. */
    private InputStream clientBody() {
        return new MinimumRateInputStream(Content.Source.asInputStream(request), context.minRequestBytesPerSecond());
    }

    /** @return whether the request went on on another thread, which then ends it in its session */
    private boolean serve() throws IOException, EvidenceLogUnavailableException, InterruptedException {
        if (SessionAdmission.transportRefusal(client.secure(), client.remoteAddress(), context.allowCleartextOnLoopback())
                .isPresent()) {
            out.error(403, "the gateway requires TLS: use https", null);
            return false;
        }
        String path = client.canonicalPath();
        HttpRoutes.Route route = context.routes().resolve(client.header("host"), path);
        if (route == null) {
            out.error(404, "no HTTP connection serves " + path, null);
            return false;
        }
        SignedInCaller caller = authenticate(route.target().connection().name());
        if (caller == null) {
            return false;
        }
        Identity identity = caller.identity();
        var connection = route.target().connection();
        Subject subject = new Subject(connection.name(), HttpEngine.PROTOCOL, Set.copyOf(identity.groups()), identity.kind());
        HttpRequestFacts sent = new HttpRequestFacts(client.method(), route.path(), client.headerMap());
        HttpRequestFacts facts = sent.withMethodParameters(MethodParameters.of(client.query()))
                .withMethodParameters(MethodParameters.of(sent.pathQuery()));
        boolean http10 = request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_0;
        String framing = TransferCoding.unreadable(client.headerValues("transfer-encoding"), http10);
        PolicyBody read = framing == null ? policyBody(subject, facts) : PolicyBody.unread(facts, http10
                ? "the request is HTTP/1.0, which has no transfer codings, yet names Transfer-Encoding " + framing
                        + ": a proxy before the gateway may read its body as the next request"
                : "the body is framed with Transfer-Encoding " + framing + ", and the gateway reads chunked alone: what"
                        + " rules, approvers and masking would see is not what the target would get");
        Ruling ruling = context.services().guard().decide(subject, read != null ? read.command() : new Command.Http(facts, null));
        String trace = Optional.ofNullable(client.header("traceparent"))
                .flatMap(TraceContextExtractor::parse).map(TraceContext::traceId).orElse(null);
        joined = client.prefersAsync()
                // Held, it finishes on another thread after the connection has moved on: a session of its own.
                ? ClientSessions.alone(openSession(caller, connection, "request", ruling.recording()))
                : context.sessions().join(request.getConnectionMetaData(), caller, connection.name(),
                        () -> openSession(caller, connection, "connection", ruling.recording()));
        SessionRecorder recorder = joined.session().recorder();
        long sequence = joined.sequence();
        List<Redaction> headerRedactions = new ArrayList<>();
        HttpRequestDetail requestDetail = requestDetail(ruling.recording(), ruling.recordingMasker(), headerRedactions);
        String query = client.query();
        String line = facts.requestLine() + (query == null ? "" : "?" + query);
        EvidenceLog.awaitDurable(recorder.command(new CommandRecord(sequence, "HTTP", line, null, null, trace,
                ruling.statementClass(), ruling.decision().rule()).recorded(ruling.recording().requestLine(line))
                .withRedactions(headerRedactions), requestDetail));
        ExchangeEvidence evidence = new ExchangeEvidence(recorder, sequence, ruling, context.recordMasks(),
                BodyMasking.Kind.of(client.header("content-type")));
        Admission admission = context.services().gate().admit(recorder, sequence, ruling);
        byte[] body = read == null ? null : read.bytes();
        UpstreamCall.NamedMethods named = read == null && isJsonPost(facts)
                ? methods -> stronger(subject, facts, ruling, methods) : null;
        if (admission instanceof Admission.NeedsApproval held) {
            HeldRequest wait = new HeldRequest(context, client, out, joined, identity, trace);
            HeldBody whole = wait.body(held, body == null ? clientBody() : null, body);
            if (whole == null) {
                return false;
            }
            body = whole.bytes();
            if (client.prefersAsync()) {
                // Answered 202 now; the wait and the target go on on another thread, which ends the request.
                return wait.later(held, line, whole,
                        (stored, approved) -> forward(route, evidence, ruling, approved, named, stored));
            }
            admission = wait.now(held, line, whole);
        }
        if (admission instanceof Admission.Refused refused) {
            if (framing != null) {
                out.error(400, refused.message(), null);
            } else {
                refuse(refused, out);
            }
        } else {
            forward(route, evidence, ruling, body, named, out);
        }
        return false;
    }

    /**
     * Whether the request is a POST with a JSON body (as Laravel tells one: a content type holding
     * {@code /json} or {@code +json}) whose top-level {@code _method} Laravel would obey. Its body
     * then streams read ({@link JsonMethodFields}), its end held until the methods it names, if
     * any, are weighed: the policy is asked again only for a body that names one. A {@code Content_Type}
     * header counts too: PHP hands it over as {@code HTTP_CONTENT_TYPE}, and Symfony files it and the
     * real content type under one name, the later in {@code $_SERVER} winning, so Laravel may take the
     * body for JSON by it (Jetty, and so the gateway's own reading of the body, sees only {@code Content-Type}).
     */
    private boolean isJsonPost(HttpRequestFacts facts) {
        return facts.method().equals("POST") && client.hasBody() && (saysJson("content-type") || saysJson("content_type"));
    }

    /**
     * Every value of every header the target may take for the content type: {@code Content-Type},
     * and {@code Content_Type}, which PHP hands over as {@code HTTP_CONTENT_TYPE} and Symfony files
     * under the real one ({@link #isJsonPost}).
     */
    private List<String> contentTypeLabels() {
        List<String> labels = new ArrayList<>(client.headerValues("content-type"));
        labels.addAll(client.headerValues("content_type"));
        return labels;
    }

    /** Whether a value of the header (any case) names JSON as Laravel tells it. */
    private boolean saysJson(String header) {
        for (String type : client.headerValues(header)) {
            if (type.toLowerCase(Locale.ROOT).contains("json")) {
                return true;
            }
        }
        return false;
    }

    /** The decision the methods a JSON body names bring, when stronger than the ruling's; null otherwise. */
    private Decision stronger(Subject subject, HttpRequestFacts facts, Ruling ruling, List<String> methods) {
        if (methods.isEmpty()) {
            return null;
        }
        Decision named = context.services().guard().decide(subject, new Command.Http(facts.withMethodParameters(methods),
                null)).decision();
        return named.action().ordinal() > ruling.decision().action().ordinal() ? named : null;
    }

    /**
     * The body, read whole before the ruling when a rule asks about its JSON fields, or when the body
     * is a POST's form or multipart form, which may name another method in a {@code _method} field
     * (frameworks take only a POST for another method), and a rule blocks or holds by method or a
     * method the gateway does not know would be refused or held; null when nothing needs it (it streams).
     */
    private PolicyBody policyBody(Subject subject, HttpRequestFacts facts) throws IOException {
        if (context.services().guard().needsBody(subject, facts)) {
            return PolicyBody.read(clientBody(), facts, contentTypeLabels());
        }
        if (facts.method().equals("POST")) {
            MethodFieldBody fields = MethodFieldBody.of(client.headerValues("content-type"),
                    client.headerValues("content-encoding"));
            if (fields != null && context.services().guard().weighsNamedMethods(subject, facts)) {
                return PolicyBody.readMethodFields(clientBody(), facts, fields);
            }
            String coding = BodyForm.contentCoding(client.headerValues("content-encoding"));
            // Apache's DEFLATE input filter inflates a body before PHP, and so Laravel, reads it, and
            // Express's body-parser decodes it in the charset it names (UTF-7, UTF-16): the stream's
            // _method scan reads the bytes as sent, in ASCII.
            String charset = JsonBodyLabel.hidingCharset(contentTypeLabels());
            String unreadable = coding != null ? "it has Content-Encoding " + coding
                    : charset != null ? "it is labelled with charset " + charset : null;
            if (unreadable != null && isJsonPost(facts) && context.services().guard().weighsNamedMethods(subject, facts)) {
                return PolicyBody.unread(facts, "the policy weighs the method a POST body names in its _method field,"
                        + " and this JSON body cannot be read for one: " + unreadable);
            }
        }
        return null;
    }

    /**
     * The target, then its answer; {@code body} is the request body already read, or {@code null}
     * to stream it from the client.
     */
    private void forward(HttpRoutes.Route route, ExchangeEvidence evidence, Ruling ruling, byte[] body,
                         UpstreamCall.NamedMethods named, ClientResponse to) throws IOException, InterruptedException {
        InputStream stream = body == null ? clientBody() : null;
        var sent = new UpstreamCall(client, route, evidence, context.services().resultDataBytes())
                .send(stream, body, ruling.masking().orElse(null), ruling.passUnmaskable(), named, to);
        if (sent == null) {
            return;
        }
        // A streaming answer (Server-Sent Events, a watch, a long download) is no command: without the watch, one
        // begun before its caller's key was revoked would stream on for as long as the target sends.
        try (KeyWatch streaming = evidence.recorder().session().signedInWith().watch(lapse -> sent.answer()
                .abort(new IOException(CommandGate.lapsedReason(lapse))))) {
            new ResponseRelay(evidence, context.services().resultDataBytes())
                    .relay(sent, ruling.masking().orElse(null), ruling.passUnmaskable(), to);
        }
    }

    /**
     * A refusal as HTTP reads it: 403 with the rule (and the approval, when one was asked for); 429
     * when a limit on the caller refused it.
     */
    static void refuse(Admission.Refused refused, ClientResponse to) {
        ObjectNode extra = HttpErrors.fields().put("rule", refused.rule());
        if (refused.approvalId() != null) {
            extra.put("approval", refused.approvalId());
        }
        to.error(refused.limited() ? 429 : 403, refused.message() + (refused.approvalId() == null && !refused.limited() ? ""
                : "; the request was not sent"), extra);
    }

    private SignedInCaller authenticate(String connection) {
        String authorization = client.header("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            out.error(401, "a bearer token is required (Authorization: Bearer <token>)", null);
            return null;
        }
        try {
            return context.services().admission().signIn(authorization.substring(7).strip(),
                    reason -> new AuthFailure(SourceAddress.parse(client.remoteAddress()), HttpEngine.PROTOCOL, client.remote(),
                            reason, Map.of("connection", connection)));
        } catch (AuthenticationException e) {
            out.error(401, "the token was not accepted", null);
            return null;
        }
    }

    /**
     * A new evidence session for the caller on this client connection, or for this request alone
     * ({@code scope}): the client's address and TLS; each request's command carries them again
     * with its own headers. Its application name is the {@code User-Agent} as the record profile
     * masks it ({@code crawler/1.0 (+mailto:ada@example.com)}), the header's redactions on the command.
     */
    private ClientSession openSession(SignedInCaller caller, HttpConnectionConfig connection, String scope,
                                      CommandRedaction recording) {
        String agent = client.header("user-agent");
        SessionRecorder recorder = new SessionRecorder(context.services().evidence(), new SessionInfo(
                UUID.randomUUID().toString(), caller.identity(), client.remote(),
                new EvidenceEvent.Resource(connection.name(), HttpEngine.PROTOCOL, connection.target()), null,
                agent == null ? null : recording.header("user-agent", agent).text(), null, caller.key()));
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("tls", client.secure());
        detail.put("scope", scope);
        recorder.opened(detail);
        return new ClientSession(recorder, caller, connection.name());
    }

    /**
     * What the request's command event adds: where it came from, over TLS or not, and its headers
     * as the evidence keeps them (credentials out, personal data masked). A header sent more than
     * once, under any spelling of its name, keeps every value in the order sent, joined with
     * {@code ", "} as RFC 9110 combines field lines and as the policy read them: the target got
     * them all, and a record of the last alone ({@code X-Dry-Run: true} then {@code X-Dry-Run: false})
     * would tell an auditor something else than what the target acted on.
     */
    private HttpRequestDetail requestDetail(CommandRedaction recording, Masker names, List<Redaction> redactions) {
        SortedMap<String, String> recorded = new TreeMap<>();
        for (Map.Entry<String, String> header : client.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            RecordedCommand kept = HeaderRules.kept(name, header.getValue(), recording);
            redactions.addAll(kept.redactions());
            // A name can carry personal data too (X-Card-4111-1111-1111-1111): kept masked, as its value is.
            recorded.merge(names == null ? name : HeaderNames.recorded(names, name), kept.text(),
                    (first, then) -> first + ", " + then);
        }
        return new HttpRequestDetail(client.remote(), client.secure(), recorded);
    }
}
