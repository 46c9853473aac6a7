package dev.tracegate.gateway.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * What the gateway keeps of a client's request line and headers. Taken once, at the start: a
 * request held with {@code Prefer: respond-async} outlives its connection, and Jetty reuses the
 * request object once it is answered.
 *
 * @param rawPath       the path as sent, still percent-encoded (forwarded as is)
 * @param canonicalPath the decoded, normalised path (routing and policy)
 * @param query         the raw query string, or null
 * @param headers       every header, in order
 * @param length        Content-Length, or -1
 */
record ClientRequest(String method, String rawPath, String canonicalPath, String query,
                     List<Map.Entry<String, String>> headers, boolean secure, String remoteAddress, int remotePort,
                     long length, boolean chunked) {

    static ClientRequest of(Request request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (HttpField field : request.getHeaders()) {
            headers.add(Map.entry(field.getName(), field.getValue()));
        }
        return new ClientRequest(request.getMethod(), request.getHttpURI().getPath(),
                request.getHttpURI().getCanonicalPath(), request.getHttpURI().getQuery(), List.copyOf(headers),
                request.isSecure(), Request.getRemoteAddr(request), Request.getRemotePort(request), request.getLength(),
                request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
    }

    /** The first value of a header (any case), or null. */
    String header(String name) {
        for (Map.Entry<String, String> header : headers) { // a loop, not a stream: asked several times per request
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** Every value of a header (any case), in order. */
    List<String> headerValues(String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** Header name to value, repeated headers joined with {@code ", "}: what the policy sees. */
    Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        headers.forEach(h -> map.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b));
        return map;
    }

    boolean hasBody() {
        return length > 0 || chunked;
    }

    String remote() {
        return remoteAddress + ":" + remotePort;
    }

    /** RFC 7240 {@code Prefer: respond-async}. */
    boolean prefersAsync() {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase("prefer"))
                .anyMatch(h -> h.getValue().toLowerCase(Locale.ROOT).contains("respond-async"));
    }
}
