package dev.tracegate.gateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a message's body is framed on the wire, as its {@code Transfer-Encoding} headers list it.
 * The gateway reads {@code chunked} alone: Jetty takes the framing from the last coding and leaves
 * any other ({@code gzip, chunked}) undone, so rules, approvers, masking and the evidence would read
 * compressed bytes while the other side, which may undo the coding, acts on text nobody saw. A
 * message framed any other way (another coding before {@code chunked}, {@code identity}, {@code
 * chunked} twice, in one header or two) is refused: a request 400, an answer 502.
 */
final class TransferCoding {

    private TransferCoding() {
    }

    /**
     * The codings as listed, for the refusal's reason, when the gateway cannot read them; null when
     * there is no {@code Transfer-Encoding} or it is {@code chunked} alone.
     */
    static String unreadable(List<String> headers) {
        return unreadable(headers, false);
    }

    /**
     * As {@link #unreadable(List)}, for a request of HTTP/1.0 too ({@code http10}): that version has
     * no transfer codings, so RFC 9112 (6.1) has a receiver treat any {@code Transfer-Encoding} in it
     * as faulty framing. A proxy before the gateway that follows it reads the chunked body as the next
     * request, where Jetty reads it as this one's body: the two would answer different requests.
     */
    static String unreadable(List<String> headers, boolean http10) {
        if (http10 && !headers.isEmpty()) {
            return String.join(", ", headers);
        }
        List<String> codings = new ArrayList<>();
        for (String header : headers) {
            for (String coding : header.split(",", -1)) {
                codings.add(coding.strip());
            }
        }
        if (codings.isEmpty() || codings.size() == 1 && codings.getFirst().toLowerCase(Locale.ROOT).equals("chunked")) {
            return null;
        }
        return String.join(", ", codings);
    }
}
