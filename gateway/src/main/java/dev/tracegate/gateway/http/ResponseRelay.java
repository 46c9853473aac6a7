package dev.tracegate.gateway.http;

import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.policy.rules.CallerMasking;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The target's answer on its way to the client: status and the headers the client may see, the
 * body masked while it streams for a masked caller, the evidence's share kept, and the result
 * recorded before the client sees the end of the response.
 */
final class ResponseRelay {

    /** Bodies announced at up to this length are relayed whole ({@link #relayWhole}), larger ones stream. */
    static final int WHOLE_BYTES = 64 * 1024;

    private final ExchangeEvidence evidence;
    private final int capturedBytes;

    ResponseRelay(ExchangeEvidence evidence, int capturedBytes) {
        this.evidence = evidence;
        this.capturedBytes = capturedBytes;
    }

    void relay(UpstreamCall.Sent sent, CallerMasking masking, boolean passUnmaskable, ClientResponse out)
            throws IOException {
        TargetAnswer answer = sent.answer();
        BodyCapture requestBody = sent.body();
        String contentType = answer.headers().get(HttpHeader.CONTENT_TYPE);
        EchoedCredential echoed = sent.echoed();
        List<String> encodings = answer.headers().getValuesList(HttpHeader.CONTENT_ENCODING);
        // A compressed echo holds the credential in none of its bytes: undone to be searched, or refused,
        // for a caller who would get the body as it came (a masked caller's is refused unread as before).
        List<String> undone = echoed == EchoedCredential.NONE || BodyForm.contentCoding(encodings) == null
                || masking != null && !passUnmaskable ? List.of() : DecodedBody.codings(encodings);
        BodyForm form = answer.status() == 206 ? BodyForm.partial() : BodyForm.of(
                answer.headers().getValuesList(HttpHeader.CONTENT_TYPE), undone == null || undone.isEmpty()
                        ? encodings : List.of());
        boolean decoded = undone != null && !undone.isEmpty();
        // A small body collected whole where it arrived, as it is to be relayed, is searched for the
        // credential as the one array it is; a body that streams, or that is decompressed first, is read
        // through the scrubbing stream, which holds back a tail in a buffer of its own (16 KiB per answer).
        byte[] collected = undone == null || decoded ? null : echoed.scrubbed(answer.whole());
        InputStream raw = decoded ? DecodedBody.of(undone, answer.body()) : answer.body();
        // One byte of look-ahead, not a buffer: Jetty's client hands the body over in chunks already.
        // Closed before its end (an answer not relayed), the exchange is aborted, not pooled half read.
        try (PushbackInputStream in = collected != null ? null : new PushbackInputStream(echoed.scrubbing(raw), 1)) {
            String framing = TransferCoding.unreadable(answer.headers().getValuesList(HttpHeader.TRANSFER_ENCODING));
            if (framing != null) {
                evidence.result(502, "response in a transfer coding the gateway cannot read", requestBody, null,
                        contentType);
                out.error(502, told("the target answered with Transfer-Encoding " + framing + ", which the gateway"
                        + " cannot read to mask it or keep the connection's credential out of it", masking, echoed), null);
                return;
            }
            if (undone == null) {
                evidence.result(502, "response not searchable for the held credential", requestBody, null, contentType);
                out.error(502, told("the target answered with Content-Encoding " + BodyForm.contentCoding(encodings)
                        + ", which the gateway cannot read to keep the connection's credential out of it", masking, echoed),
                        null);
                return;
            }
            boolean empty = collected == null && peekEmpty(in);
            boolean passOther = masking != null && !empty && !form.maskable() && passUnmaskable;
            if (passOther) {
                evidence.passedUnmasked("response.body");
            }
            if (masking != null && !empty && !form.maskable() && !passOther) {
                evidence.result(502, "response not maskable", requestBody, null, contentType);
                out.error(502, told("the target answered with " + form.unreadable() + ", which cannot be masked, and"
                        + " results of this caller are masked by rule " + masking.rule(), masking, echoed), null);
                return;
            }
            out.begin(answer.status());
            forwardHeaders(answer, echoed, decoded, masking, out);
            long length = decoded ? -1 : answer.headers().getLongField(HttpHeader.CONTENT_LENGTH);
            boolean small = !empty && length > 0 && length <= WHOLE_BYTES;
            if (small && (masking == null || passOther)) {
                relayWhole(collected != null ? collected : readWhole(in, (int) length), answer.status(), requestBody,
                        contentType, out);
                return;
            }
            InputStream body = collected != null ? new ByteArrayInputStream(collected) : in;
            if (small && form.kind() == BodyMasking.Kind.JSON) {
                byte[] whole = collected != null ? collected : readWhole(in, (int) length);
                if (relayMaskedWhole(whole, masking, echoed, answer.status(), requestBody, contentType, out)) {
                    return;
                }
                // Refused: streamed as before, so that the client and the record see the refusal as they did.
                body = new ByteArrayInputStream(whole);
            }
            BodyCapture capture = new BodyCapture(out.body(), capturedBytes, length);
            try {
                if (empty) {
                    capture.flush(); // nothing to relay or mask (204, 304, HEAD)
                } else if (masking == null || passOther) {
                    BodyMasking.copyPlain(body, capture);
                } else {
                    // Scrubbed again once masked: the masker writes JSON's escapes undone.
                    OutputStream scrubbed = echoed.scrubbing(capture);
                    BodyMasking.copy(form.kind(), masking.masker(), "response.body", body, scrubbed,
                            evidence.responseReport());
                    scrubbed.close(); // the held-back tail, not the capture
                }
            } catch (MaskingRefusedException e) {
                // The status line is out: the only honest signal left is an aborted response.
                evidence.result(answer.status(), "response refused: " + e.getMessage(), requestBody, capture,
                        contentType);
                out.abort(e);
                return;
            }
            // The evidence is complete before the client sees the end of the response.
            evidence.completed(answer.status(), requestBody, capture, contentType);
            capture.flush();
            out.complete();
        }
    }

    /**
     * The target's headers the client may see; for a masked caller, each is masked with the
     * caller's profile like the body (a header masked to nothing is left out), those that describe
     * the transfer by the detectors alone ({@link #transferMasked}).
     */
    private void forwardHeaders(TargetAnswer answer, EchoedCredential echoed, boolean decoded, CallerMasking masking,
                                ClientResponse out) {
        for (HttpField header : answer.headers()) {
            if (!HeaderRules.forwardDownstream(header.getName())
                    || decoded && header.is(HttpHeader.CONTENT_ENCODING.asString())) {
                continue;
            }
            // A name can show the credential too (a debug header named after it); '*' is a token character.
            String name = echoed.scrubbed(header.getName());
            if (masking != null && HeaderNames.holdPersonalData(masking.masker(), name, "response.header-name",
                    evidence.responseReport())) {
                continue;
            }
            String value = echoed.scrubbed(header.getValue());
            if (masking != null && HeaderRules.isSessionCookie(name)) {
                value = cookieMasked(masking, value);
            } else if (masking != null && HeaderRules.describesTheTransfer(name)) {
                value = transferMasked(masking, name, value);
            } else if (masking != null) {
                String location = "response.header:" + name.toLowerCase(Locale.ROOT);
                try {
                    value = value.indexOf('?') < 0 ? value : HeaderUrlQueries.masked(masking.masker().json(location),
                            location, value, evidence.responseReport());
                } catch (MaskingRefusedException unreadable) {
                    // A query the masker cannot decode as its reader would: the header does not go.
                    evidence.responseReport().fallback(location, FallbackReason.UNMASKABLE, FallbackAction.REDACT);
                    continue;
                }
                value = masking.masker().maskText(ColumnRef.expression(location), value, evidence.responseReport()).value();
            }
            if (value != null) {
                // Scrubbed again once masked: a masked query is percent-encoded again, its escapes undone.
                out.header(name, masking == null ? value : echoed.scrubbed(value));
            }
        }
    }

    /**
     * A {@code Set-Cookie} masked for the personal data it holds ({@code user_email=ada@...}: its
     * value read under the cookie's name, so name hints count, its attributes by the detectors),
     * but not for a credential alone: a session token is the caller's own session with the target
     * (the gateway's client keeps no cookie, so it reaches no one else), and masked it would end
     * the session. A cookie that holds both is masked, as is one the masker could not read. One
     * whose name holds personal data is left out ({@link HeaderNames}).
     */
    private String cookieMasked(CallerMasking masking, String value) {
        int semicolon = value.indexOf(';');
        String pair = semicolon < 0 ? value : value.substring(0, semicolon);
        String attributes = semicolon < 0 ? "" : value.substring(semicolon);
        int equals = pair.indexOf('=');
        String name = equals < 0 ? "" : pair.substring(0, equals + 1);
        if (HeaderNames.holdPersonalData(masking.masker(), name, "response.header:set-cookie", evidence.responseReport())) {
            return null; // a cookie named after a customer (seen-4111-1111-1111-1111=1): masked, no cookie
        }
        MaskingReport unused = new MaskingReport();
        CellResult cookie = masking.masker().maskText(ColumnRef.expression(name.isEmpty() ? "cookie" : name.strip()),
                pair.substring(name.length()), unused);
        CellResult rest = masking.masker().maskText(ColumnRef.expression("response.header"), attributes, unused);
        if (!personal(cookie) && !personal(rest)) {
            return value;
        }
        for (CellResult each : List.of(cookie, rest)) {
            each.findings().forEach((entity, count) -> evidence.responseReport().count("response.header:set-cookie",
                    entity, count));
        }
        return name + (cookie.changed() ? Objects.toString(cookie.value(), "") : pair.substring(name.length()))
                + (rest.changed() ? Objects.toString(rest.value(), "") : attributes);
    }

    /**
     * A header that describes the transfer, read by the detectors alone: its value is the target's
     * to choose ({@code ETag: W/"ada@example.com-v3"}, {@code Content-Type: ...; name="ada@...json"},
     * a {@code Server} naming its operator), but its name is no hint ({@code Expires} is not a
     * card's expiry nor {@code Date} a date of birth), so it is read under a name no hint matches
     * and an ordinary value (a date, a hash, a media type) arrives as sent, as caching needs it.
     */
    private String transferMasked(CallerMasking masking, String name, String value) {
        CellResult masked = masking.masker().maskText(ColumnRef.expression("response.header"), value, new MaskingReport());
        if (!masked.changed()) {
            return value;
        }
        evidence.responseReport().record("response.header:" + name.toLowerCase(Locale.ROOT), masked);
        return masked.value();
    }

    /**
     * A refusal's message as the caller may read it. It quotes what the target wrote in its headers
     * (a content type's parameters, a charset, a coding), which are the target's to choose: a
     * {@code Content-Type: application/pdf; name="ada@example.com.pdf"} was quoted to a masked
     * caller as written, and a credential echoed into a {@code Content-Encoding} to every caller,
     * until 2026-12-07. So the held credential is scrubbed from it, and a masked caller's is masked.
     */
    private static String told(String message, CallerMasking masking, EchoedCredential echoed) {
        String scrubbed = echoed.scrubbed(message);
        return masking == null ? scrubbed : Objects.toString(masking.masker().maskText(
                ColumnRef.expression("response.header"), scrubbed, new MaskingReport()).value(), "");
    }

    private static boolean personal(CellResult masked) {
        return masked.changed() && !masked.findings().keySet().equals(Set.of(EntityType.SECRET.name()));
    }

    /**
     * A body of a known, small length that the caller sees as it is: read whole, its kept share
     * recorded from the same array, then written with the end in one write (headers, body and
     * Content-Length together) once the result is durable. Streaming it would cost a copy per
     * chunk, a write and a flush per chunk and the chunked framing's end, for a body the client
     * cannot use before its end anyway.
     */
    private void relayWhole(byte[] whole, int status, BodyCapture requestBody, String contentType, ClientResponse out)
            throws IOException {
        // written to the client as it is
        evidence.completed(status, requestBody, BodyCapture.ofWhole(whole, capturedBytes), contentType);
        out.completeWith(whole);
    }

    /**
     * A JSON body of a known, small length for a masked caller: masked from its bytes, copied as it
     * came but for what is masked (the span writer, instead of a generator that writes every token
     * again), then sent with its end and its own length like {@link #relayWhole}. Returns false,
     * having sent and counted nothing, when the masker refuses it.
     */
    private boolean relayMaskedWhole(byte[] whole, CallerMasking masking, EchoedCredential echoed, int status,
                                     BodyCapture requestBody, String contentType, ClientResponse out)
            throws IOException {
        MaskingReport found = new MaskingReport(); // counted once the body goes: a refused one is masked again
        byte[] masked;
        try {
            masked = masking.masker().json("response.body").mask(whole, found);
        } catch (MaskingRefusedException e) {
            return false;
        }
        if (masked != whole) {
            masked = echoed.scrubbed(masked); // a value masked is written again, its escapes undone
        }
        if (CostAccounting.ON && masked != whole) {
            CostAccounting.COPIES.increment(); // the masked copy; the very array when nothing is masked
        }
        evidence.responseReport().add(found);
        evidence.completed(status, requestBody, BodyCapture.ofWhole(masked, capturedBytes), contentType);
        out.completeWith(masked);
        return true;
    }

    private static byte[] readWhole(InputStream in, int length) throws IOException {
        byte[] whole = in.readNBytes(length);
        if (whole.length < length || in.read() >= 0) {
            throw new IOException("the target's body did not match its Content-Length");
        }
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment(); // out of the target's stream
        }
        return whole;
    }

    private static boolean peekEmpty(PushbackInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return true;
        }
        in.unread(first);
        return false;
    }
}
