package dev.tracegate.gateway.http;

import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.policy.rules.CallerMasking;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The request to the target: its path under the connection, the client's headers the target may
 * see, the held credential instead of the caller's, and the body, masked while it streams for a
 * masked caller (through a {@link BodyPipe} fed by a virtual thread).
 */
final class UpstreamCall {

    /**
     * The request body on its way upstream, and the evidence's share of it.
     *
     * @param pipe the masked body's pipe from its masking thread, or {@code null} when the body goes as it came
     */
    record Body(HttpRequest.BodyPublisher publisher, BodyPipe pipe, BodyCapture capture) {

        Exception failure() {
            return pipe == null ? null : pipe.failure();
        }

        void abandon() {
            if (pipe != null) {
                pipe.abandon();
            }
        }
    }

    /** What the target answered, with the body that went. */
    record Sent(HttpResponse<InputStream> answer, Body body) {
    }

    private final ClientRequest client;
    private final HttpRoutes.Route route;
    private final ExchangeEvidence evidence;
    private final int capturedBytes;

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
     */
    Sent send(InputStream body, byte[] read, CallerMasking masking, boolean passUnmaskable, ClientResponse out)
            throws IOException, InterruptedException {
        Masker masker = masking == null ? null : masking.masker();
        BodyMasking.Kind kind = BodyMasking.Kind.of(client.header("content-type"));
        boolean hasBody = read != null ? read.length > 0 : client.hasBody();
        if (masker != null && kind == BodyMasking.Kind.OTHER && passUnmaskable) {
            masker = null; // masking.otherContent: pass
            evidence.passedUnmasked("request.body");
        }
        if (masker != null && hasBody && kind == BodyMasking.Kind.OTHER) {
            refuse(out, 415, "request.body", "a " + client.header("content-type")
                    + " body cannot be masked, and results of this caller are masked by rule " + masking.rule());
            return null;
        }
        HttpRequest.Builder upstream = HttpRequest.newBuilder(route.target().resolve(rawRemainder(), client.query()));
        client.headers().forEach(header -> {
            if (HeaderRules.forwardUpstream(header.getKey())) {
                upstream.header(header.getKey(), header.getValue());
            }
        });
        route.target().authenticate(upstream);
        Body sent = !hasBody ? null : masker != null ? masked(read != null ? new ByteArrayInputStream(read) : body, masker, kind)
                : read != null ? asRead(read) : asStreamed(body, client.length());
        upstream.method(client.method(), sent == null ? HttpRequest.BodyPublishers.noBody() : sent.publisher());
        if (CostAccounting.ON) {
            CostAccounting.HAND_OFFS.increment(); // this thread waits for the HTTP client's selector thread
        }
        try {
            return new Sent(route.target().client().send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream()), sent);
        } catch (IOException e) {
            if (sent != null && sent.failure() instanceof MaskingRefusedException refused) {
                refuse(out, 400, refused.location(), refused.getMessage());
            } else if (slowBody(e, sent) != null) {
                evidence.result(408, "request body too slow", sent == null ? null : sent.capture(), null, null);
                out.error(408, slowBody(e, sent).getMessage(), null);
            } else {
                evidence.result(502, "target unreachable", sent == null ? null : sent.capture(), null, null);
                out.error(502, "the target of connection " + route.target().connection().name() + " did not answer: "
                        + e.getClass().getSimpleName(), null);
            }
            return null;
        } finally {
            if (sent != null) {
                sent.abandon();
            }
        }
    }

    /** The client's too slow body behind a failed send, if that is why it failed; null otherwise. */
    private static Throwable slowBody(IOException sendFailure, Body sent) {
        Throwable cause = sent != null && sent.failure() != null ? sent.failure() : sendFailure;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (cause instanceof MinimumRateInputStream.SlowRequestBodyException) {
                return cause;
            }
        }
        return null;
    }

    /** A body read whole before (to decide or to hold): sent from memory, with its length. */
    private Body asRead(byte[] read) throws IOException {
        BodyCapture capture = new BodyCapture(OutputStream.nullOutputStream(), capturedBytes);
        capture.write(read, 0, read.length);
        return new Body(HttpRequest.BodyPublishers.ofByteArray(read), null, capture);
    }

    /**
     * A body the caller may send unmasked: read from the client by the HTTP client's own thread as
     * it sends, the evidence's share copied on the way. No thread or queue of its own: a client
     * that stops half-way fails the read, so the target never sees a short body as complete.
     */
    private Body asStreamed(InputStream in, long length) {
        BodyCapture capture = new BodyCapture(OutputStream.nullOutputStream(), capturedBytes);
        InputStream captured = new CapturedInputStream(in, capture);
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> captured);
        return new Body(length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream, null, capture);
    }

    /** A masked body: rewritten on a virtual thread of its own, streamed through a {@link BodyPipe}; it goes chunked. */
    private Body masked(InputStream in, Masker masker, BodyMasking.Kind kind) {
        BodyPipe pipe = new BodyPipe();
        BodyCapture capture = new BodyCapture(pipe.sink(), capturedBytes);
        Thread.ofVirtual().name("http-body-" + evidence.recorder().session().id()).start(() -> {
            OutputStream out = new BufferedOutputStream(capture, 32 * 1024);
            try {
                BodyMasking.copy(kind, masker, "request.body", new BufferedInputStream(in), out, evidence.requestReport());
                out.close(); // only a body that was read to its end is ended cleanly
            } catch (IOException | RuntimeException e) {
                pipe.fail(e);
            }
        });
        return new Body(HttpRequest.BodyPublishers.ofInputStream(pipe::source), pipe, capture);
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
