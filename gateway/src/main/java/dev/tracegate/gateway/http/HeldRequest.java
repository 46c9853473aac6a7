package dev.tracegate.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.Masker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an HTTP client waits for approvers: on its open connection ({@link #now}), or, with
 * {@code Prefer: respond-async}, answered 202 at once with where to collect the answer, while the
 * wait and the target go on on a thread of their own ({@link #later}).
 */
final class HeldRequest {

    private static final Logger LOG = LoggerFactory.getLogger(HeldRequest.class);
    /** Largest body of a request held with {@code Prefer: respond-async}, which is kept until it runs. */
    static final int MAX_HELD_BODY = 10 * 1024 * 1024;

    /** What runs once the request is approved: the target and its answer. */
    @FunctionalInterface
    interface Approved {
        void forward(ClientResponse to, byte[] body) throws IOException, InterruptedException;
    }

    private final ProxiedRequest.Context context;
    private final ClientRequest client;
    private final ClientResponse out;
    private final ClientSessions.Joined joined;
    private final SessionRecorder recorder;
    private final Identity identity;
    private final String trace;

    HeldRequest(ProxiedRequest.Context context, ClientRequest client, ClientResponse out, ClientSessions.Joined joined,
                Identity identity, String trace) {
        this.context = context;
        this.client = client;
        this.out = out;
        this.joined = joined;
        this.recorder = joined.session().recorder();
        this.identity = identity;
        this.trace = trace;
    }

    /**
     * The body, read whole before approvers are asked, so that what they are shown is what the
     * target gets; {@code null} when the client was refused here: the body is over
     * {@link #MAX_HELD_BODY}, or approvers could not read it whole as the target will ({@link UnshownBody}).
     *
     * @param unread the client's body, when it was not read already
     * @param read   the body the policy read, or {@code null}
     */
    HeldBody body(Admission.NeedsApproval held, InputStream unread, byte[] read) throws IOException {
        byte[] body = read != null ? read : unread.readNBytes(MAX_HELD_BODY + 1);
        Ruling ruling = held.ruling();
        if (body.length > MAX_HELD_BODY) {
            recorder.blocked(joined.sequence(), "refused", ruling.decision().rule(), "body too large to hold",
                    ruling.statementClass(), null);
            out.error(413, "a request held for approval may carry at most " + MAX_HELD_BODY + " bytes", null);
            return null;
        }
        String contentType = client.header("content-type");
        Optional<String> unreadable = UnshownBody.why(body, contentType, client.headerValues("content-encoding"));
        if (unreadable.isPresent()) {
            return notShown(ruling, unreadable.get());
        }
        HeldBody whole = HeldBody.of(body, BodyMasking.Kind.of(contentType), ruling.recordingMasker());
        return whole.text() != null ? whole : notShown(ruling,
                "the record profile withholds the body, so approvers would not read it; ask an approver for a grant");
    }

    /** Refuses the request from approval: approvers could not read its body ({@code why}). */
    private HeldBody notShown(Ruling ruling, String why) {
        ProxiedRequest.refuse(context.services().gate().unshown(recorder, joined.sequence(), ruling, why), out);
        return null;
    }

    /** Waits on this request's virtual thread until approvers decide or the request expires. */
    Admission now(Admission.NeedsApproval held, String line, HeldBody body) throws EvidenceLogUnavailableException {
        CommandGate gate = context.services().gate();
        Admission.Waiting waiting = ask(held, line, body);
        return gate.decided(recorder, joined.sequence(), waiting, gate.await(waiting.pending()));
    }

    /**
     * Answers 202 now and goes on elsewhere, with the body read whole before ({@link #body}),
     * since the request outlives its connection.
     *
     * @return true: the wait went on elsewhere (which then ends the request in its session)
     */
    boolean later(Admission.NeedsApproval held, String line, HeldBody body, Approved then)
            throws EvidenceLogUnavailableException {
        Admission.Waiting waiting = ask(held, line, body);
        StoredResponse stored = acceptForLater(waiting);
        // Jetty finishes a response when its handler returns: the wait goes on elsewhere.
        Thread.ofVirtual().name("http-held-" + waiting.pending().id()).start(() -> finish(waiting, stored, body.bytes(), then));
        return true;
    }

    private void finish(Admission.Waiting waiting, StoredResponse stored, byte[] body, Approved then) {
        try {
            CommandGate gate = context.services().gate();
            Admission admission = gate.decided(recorder, joined.sequence(), waiting, gate.await(waiting.pending()));
            if (admission instanceof Admission.Refused refused) {
                ProxiedRequest.refuse(refused, stored);
            } else {
                then.forward(stored, body);
            }
        } catch (Exception e) {
            LOG.error("held HTTP request {} failed", waiting.pending().id(), e);
            stored.error(502, "the gateway could not complete the request", null);
        } finally {
            joined.session().end();
        }
    }

    private Admission.Waiting ask(Admission.NeedsApproval held, String line, HeldBody body)
            throws EvidenceLogUnavailableException {
        Ruling ruling = held.ruling();
        return context.services().gate().request(recorder, held,
                ruling.forApprovers().requestLine(line).text() + headerLines(ruling.forApprovers(), ruling.recordingMasker())
                        + body.shown(),
                ruling.recording().requestLine(line).text() + headerLines(ruling.recording(), ruling.recordingMasker())
                        + body.recorded(), trace);
    }

    /**
     * The headers that go to the target, one line each as sent, as the evidence keeps them: the
     * target acts on them ({@code If-Match}, {@code X-Dry-Run: false}, a method override), so an
     * approval covers them too. The connection's own headers and the credentials the gateway strips
     * are left out; a credential the target gets ({@code X-Api-Key}) shows as {@code [REDACTED]}. A
     * name that carries personal data ({@code X-Card-4111-1111-1111-1111}) shows masked, as the
     * request's own record keeps it: approvers see no more than the evidence.
     */
    private String headerLines(CommandRedaction profile, Masker names) {
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, String> header : client.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (HeaderRules.forwardUpstream(name)) {
                lines.append('\n').append(names == null ? name : HeaderNames.recorded(names, name)).append(": ")
                        .append(HeaderRules.kept(name, header.getValue(), profile).text());
            }
        }
        return lines.toString();
    }

    /** Answers 202 with where to collect the answer; the answer is then kept for its requester. */
    private StoredResponse acceptForLater(Admission.Waiting waiting) {
        String id = waiting.pending().id();
        String status = DeferredResponses.PATH_PREFIX + id;
        StoredResponse later = context.deferred().add(id, identity);
        ObjectNode body = HttpErrors.fields().put("approval", id).put("status", status)
                .put("approve", ApprovalService.approveCommand(id));
        out.begin(202);
        out.header("Location", status);
        out.header("Preference-Applied", "respond-async");
        out.header("Content-Type", "application/json");
        body.put("message", "held for approval; collect the answer at " + status);
        try {
            out.body().write((body + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("client left before its 202: {}", e.toString());
        }
        out.complete();
        return later;
    }
}
