package dev.tracegate.gateway.http;

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

    /** The request body on its way upstream, and the evidence's share of it. */
    record Body(HttpRequest.BodyPublisher publisher, BodyPipe pipe, BodyCapture capture) {
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
        Body sent = hasBody ? body(read != null ? new ByteArrayInputStream(read) : body,
                read != null ? read.length : client.length(), masker, kind) : null;
        upstream.method(client.method(), sent == null ? HttpRequest.BodyPublishers.noBody() : sent.publisher());
        try {
            return new Sent(route.target().client().send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream()), sent);
        } catch (IOException e) {
            if (sent != null && sent.pipe().failure() instanceof MaskingRefusedException refused) {
                refuse(out, 400, refused.location(), refused.getMessage());
            } else {
                evidence.result(502, "target unreachable", sent == null ? null : sent.capture(), null, null);
                out.error(502, "the target of connection " + route.target().connection().name() + " did not answer: "
                        + e.getClass().getSimpleName(), null);
            }
            return null;
        } finally {
            if (sent != null) {
                sent.pipe().abandon();
            }
        }
    }

    private Body body(InputStream in, long length, Masker masker, BodyMasking.Kind kind) {
        BodyPipe pipe = new BodyPipe();
        BodyCapture capture = new BodyCapture(pipe.sink(), capturedBytes);
        Thread.ofVirtual().name("http-body-" + evidence.recorder().session().id()).start(() -> {
            OutputStream out = new BufferedOutputStream(capture, 32 * 1024);
            try {
                if (masker == null) {
                    in.transferTo(out);
                } else {
                    BodyMasking.copy(kind, masker, "request.body", new BufferedInputStream(in), out,
                            evidence.requestReport());
                }
                out.close(); // only a body that was read to its end is ended cleanly
            } catch (IOException | RuntimeException e) {
                pipe.fail(e);
            }
        });
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(pipe::source);
        // An unmasked body keeps its length; a masked one has another, so it goes chunked.
        HttpRequest.BodyPublisher publisher = masker == null && length > 0
                ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
        return new Body(publisher, pipe, capture);
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
