package dev.tracegate.gateway.http;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.Decision;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;

/**
 * The request to the target: its path under the connection, the client's headers the target may
 * see, the held credential instead of the caller's, and the body, masked while it streams for a
 * masked caller. The request's own thread sends it through Jetty's client: a body read whole
 * before goes from memory, any other is read from the client (and masked) and written to the
 * target by this thread, a buffer at a time ({@link TargetRequestBody}).
 */
final class UpstreamCall {

    /**
     * What the target answered, with the evidence's share of the request body that went (null without
     * one) and the held credential as the target could echo it back.
     */
    record Sent(TargetAnswer answer, BodyCapture body, EchoedCredential echoed) {
    }

    /**
     * Weighs the methods a JSON body's {@code _method} fields name ({@link JsonMethodFields}), which
     * the ruling could not: the decision they bring when it is stronger than the ruling's, else null.
     */
    interface NamedMethods {
        Decision stronger(List<String> methods);
    }

    private final ClientRequest client;
    private final HttpRoutes.Route route;
    private final ExchangeEvidence evidence;
    private final int capturedBytes;
    private EchoedCredential echoed = EchoedCredential.NONE;

    UpstreamCall(ClientRequest client, HttpRoutes.Route route, ExchangeEvidence evidence, int capturedBytes) {
        this.client = client;
        this.route = route;
        this.evidence = evidence;
        this.capturedBytes = capturedBytes;
    }

    /**
     * Sends the request; an answer the client must get instead (unmaskable body, unreachable
     * target) is written to {@code out} and the result recorded, and then {@code null} is returned.
     *
     * @param body     the request body: the bytes already read (to decide or to hold), or the client's stream
     * @param read     whether {@code body} was read whole before (its length is then known exactly)
     * @param masking  the caller's masking, or {@code null}
     * @param named    weighs the methods a JSON body names in {@code _method}; null when no rule could care
     */
    Sent send(InputStream body, byte[] read, CallerMasking masking, boolean passUnmaskable, NamedMethods named,
              ClientResponse out) throws IOException, InterruptedException {
        Masker masker = masking == null ? null : masking.masker();
        BodyForm form = BodyForm.of(client.headerValues("content-type"), client.headerValues("content-encoding"));
        BodyMasking.Kind kind = form.kind();
        boolean hasBody = read != null ? read.length > 0 : client.hasBody();
        if (masker != null && !form.maskable() && passUnmaskable) {
            masker = null; // masking.otherContent: pass
            evidence.passedUnmasked("request.body");
        }
        if (masker != null && hasBody && !form.maskable()) {
            refuse(out, 415, "request.body", form.unreadable()
                    + " cannot be masked, and results of this caller are masked by rule " + masking.rule());
            return null;
        }
        if (read == null && masker == null && !client.chunked() && client.length() > 0
                && client.length() <= ResponseRelay.WHOLE_BYTES) {
            read = readWhole(body, (int) client.length(), out);
            if (read == null) {
                return null;
            }
        }
        RequestHeadMasking head = masking == null ? null : new RequestHeadMasking(masking.masker(), evidence.requestReport());
        String path = rawRemainder();
        String query = client.query();
        if (head != null) {
            try {
                path = head.path(path);
                query = head.query(query);
            } catch (MaskingRefusedException refused) {
                refuse(out, 400, refused.location(), refused.getMessage());
                return null;
            }
        }
        Request upstream;
        try {
            upstream = route.target().newRequest(client.method(), path, query).headers(headers -> forwardHeaders(headers, head));
        } catch (IllegalArgumentException malformed) {
            evidence.result(400, "malformed request target", null, null, null);
            out.error(400, "the request's path or query has a malformed percent-encoding", null);
            return null;
        }
        TargetAnswer answer = new TargetAnswer();
        BodyCapture capture = null;
        if (!hasBody) {
            upstream.send(answer);
        } else if (read != null && masker == null) {
            if (named != null && refusedForNamedMethods(named, JsonMethodFields.of(read), out)) {
                return null;
            }
            capture = BodyCapture.ofWhole(read, capturedBytes); // the array Jetty sends, not a copy of it
            upstream.body(new BytesRequestContent((String) null, read)).send(answer); // no Content-Type invented
        } else {
            capture = streamed(upstream, answer, read != null ? new ByteArrayInputStream(read) : body, masker, kind, named,
                    out);
            if (capture == null) {
                return null;
            }
        }
        return answered(upstream, answer, capture, out);
    }

    /**
     * Sends the request with a body read from the client (and masked) on this thread as it goes.
     *
     * @return the evidence's share of the body, or null when the body broke and the client was answered
     */
    private BodyCapture streamed(Request upstream, TargetAnswer answer, InputStream in, Masker masker,
                                 BodyMasking.Kind kind, NamedMethods named, ClientResponse out) {
        TargetRequestBody streamed = new TargetRequestBody(masker == null ? client.length() : -1);
        // A target that fails before it took the body (unreachable, reset) fails it too: the writer stops.
        upstream.body(streamed).onComplete(result -> {
            if (result.isFailed()) {
                streamed.abort(result.getFailure());
            }
        }).send(answer);
        // What the target gets is read for _method fields; its end waits until they are weighed.
        JsonMethodFields watched = named == null ? null : new JsonMethodFields(streamed.sink(), streamed.getLength());
        BodyCapture capture = new BodyCapture(watched != null ? watched : streamed.sink(), capturedBytes);
        try {
            if (masker != null) {
                masked(in, masker, kind, capture);
            } else {
                plain(in, capture);
            }
            if (watched != null) {
                Decision stronger = named.stronger(watched.methods());
                if (stronger != null) {
                    IOException refused = new IOException("the body names a method the policy refuses here");
                    streamed.abort(refused); // the target never gets the body's end
                    upstream.abort(refused);
                    refuseNamedMethods(stronger, out);
                    return null;
                }
                watched.release();
            }
            streamed.end();
        } catch (TargetRequestBody.TargetStoppedReading stopped) {
            // The target failed or answered before it took the whole body: its answer or failure says what happened.
        } catch (IOException | RuntimeException broken) {
            streamed.abort(broken);
            upstream.abort(broken);
            brokenBody(broken, capture, out);
            return null;
        }
        return capture;
    }

    /**
     * A small body the caller may send unmasked, of a declared length: read whole before the
     * target is asked, then sent with the request's headers from memory, instead of streamed
     * through a buffer a write at a time. A body that breaks on the way in never reaches the target.
     *
     * @return the body, or null when it broke and the client was answered
     */
    private byte[] readWhole(InputStream in, int length, ClientResponse out) {
        try {
            byte[] whole = in.readNBytes(length);
            if (whole.length < length) {
                throw new IOException("the client's body ended before its Content-Length");
            }
            if (CostAccounting.ON) {
                CostAccounting.COPIES.increment(); // out of the client's stream (Jetty sends the array as it is)
            }
            return whole;
        } catch (IOException | RuntimeException broken) {
            brokenBody(broken, null, out);
            return null;
        }
    }

    /**
     * The target's status and headers (with a small body whole), or null when it failed: the client
     * is answered 502 and the result recorded, also when a small body broke off after its headers.
     */
    private Sent answered(Request upstream, TargetAnswer answer, BodyCapture capture, ClientResponse out)
            throws InterruptedException {
        try {
            answer.await();
        } catch (TargetAnswer.CutShort e) {
            evidence.result(502, "target's answer cut short", capture, null, null);
            out.error(502, "the target of connection " + route.target().connection().name() + " broke off its answer: "
                    + failureName(e.getCause()), null);
            return null;
        } catch (IOException e) {
            evidence.result(502, "target unreachable", capture, null, null);
            out.error(502, "the target of connection " + route.target().connection().name() + " did not answer: "
                    + failureName(e), null);
            return null;
        } catch (InterruptedException e) {
            upstream.abort(e);
            throw e;
        }
        return new Sent(answer, capture, echoed);
    }

    /**
     * The client's headers the target may see, then the held credential (any header of its name,
     * spelled with underscores or in another case, left out). A masked caller's headers that would have the answer compressed, cut into a
     * byte range or written in another character set are not sent: the answer must come whole
     * and readable to be masked; its other headers are masked ({@link RequestHeadMasking}). No
     * caller's such header goes to a target that gets a held credential either: an echo of the
     * request compressed, in UTF-16, or cut into byte ranges shorter than the credential could not
     * be searched for it ({@link EchoedCredential}).
     */
    private void forwardHeaders(HttpFields.Mutable headers, RequestHeadMasking masked) {
        for (Map.Entry<String, String> header : client.headers()) {
            String name = header.getKey();
            if (!HeaderRules.forwardUpstream(name) || route.target().holdsTheCredentialIn(name)
                    || (masked != null || route.target().holdsACredential()) && HeaderRules.changesTheAnswersForm(name)
                    || masked != null && masked.nameHoldsPersonalData(name)) {
                continue;
            }
            String value = masked == null ? header.getValue() : masked.header(name, header.getValue());
            if (value != null) {
                headers.add(name, value);
            }
        }
        echoed = route.target().authenticate(headers);
    }

    /** A body the caller may send unmasked, copied as it arrives. */
    private static void plain(InputStream in, OutputStream to) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            to.write(buffer, 0, n);
            if (CostAccounting.ON) {
                CostAccounting.COPIES.increment(); // out of the client's stream (Jetty sends the array as it is)
            }
        }
    }

    /** A masked body: rewritten as it arrives, sent in buffers of up to 32 KiB; it goes chunked. */
    private void masked(InputStream in, Masker masker, BodyMasking.Kind kind, OutputStream to) throws IOException {
        OutputStream buffered = new BufferedOutputStream(to, 32 * 1024);
        BodyMasking.copy(kind, masker, "request.body", new BufferedInputStream(in), buffered, evidence.requestReport());
        buffered.flush(); // only a body that was read to its end is ended cleanly
    }

    /**
     * The body broke on its way in: masking refused it ({@code 400}), the client sent it too slowly
     * ({@code 408}), or the client stopped half-way ({@code 502}; it is usually gone by now).
     */
    private void brokenBody(Exception broken, BodyCapture capture, ClientResponse out) {
        Throwable slow = slowBody(broken);
        if (broken instanceof MaskingRefusedException refused) {
            refuse(out, 400, refused.location(), refused.getMessage());
        } else if (slow != null) {
            evidence.result(408, "request body too slow", capture, null, null);
            out.error(408, slow.getMessage(), null);
        } else {
            evidence.result(502, "request body cut short", capture, null, null);
            out.error(502, "the request body ended early: " + failureName(broken), null);
        }
    }

    /** The client's too slow body behind a failure, if that is why it failed; null otherwise. */
    private static Throwable slowBody(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (cause instanceof MinimumRateInputStream.SlowRequestBodyException) {
                return cause;
            }
        }
        return null;
    }

    /** What failed, by kind only: a message could quote what the target or the client sent. */
    private static String failureName(Throwable failure) {
        Throwable named = failure.getClass() == IOException.class && failure.getCause() != null ? failure.getCause() : failure;
        return named.getClass().getSimpleName();
    }

    /** Refuses, before a byte of the body goes, a body whose {@code _method} fields the policy refuses. */
    private boolean refusedForNamedMethods(NamedMethods named, List<String> methods, ClientResponse out) {
        Decision stronger = named.stronger(methods);
        if (stronger != null) {
            refuseNamedMethods(stronger, out);
        }
        return stronger != null;
    }

    /**
     * A JSON body names a method in {@code _method} that the policy blocks or holds where the request
     * as sent was let through: refused (403), since a request that streamed past the ruling is not
     * held afterwards. Held, it would be asked for with its method sent as such. The reason does not
     * quote the body's values: the evidence keeps it as written.
     */
    private void refuseNamedMethods(Decision stronger, ClientResponse out) {
        String reason = "the JSON body names a method in _method that rule " + stronger.rule()
                + (stronger.action() == Action.BLOCK ? " blocks: " + stronger.reason()
                        : " holds for approval: send the request with that method to have it held");
        evidence.blockedByBody(stronger.rule(), reason);
        ProxiedRequest.refuse(new Admission.Refused("blocked", stronger.rule(), reason, null), out);
    }

    private void refuse(ClientResponse out, int status, String location, String message) {
        evidence.refused(message);
        out.error(status, "tracegate: " + message, HttpErrors.fields().put("location", location));
    }

    /** The path to forward, still encoded as the client sent it, without the connection's segment. */
    private String rawRemainder() {
        String raw = client.rawPath();
        if (route.path().equals(client.canonicalPath())) {
            return raw; // routed by host name: the whole path
        }
        int slash = raw.indexOf('/', 1);
        return slash < 0 ? "/" : raw.substring(slash);
    }
}
