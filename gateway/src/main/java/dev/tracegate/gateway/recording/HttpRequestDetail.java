package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.ledger.jcs.Jcs;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What an HTTP request's {@code command} event adds: where it came from, over TLS or not, and its
 * headers as the evidence keeps them (names in lower case, credentials out, personal data
 * masked). Written as canonical text member by member; the headers are kept sorted by name as
 * they are collected.
 *
 * @param client  the client's address and port
 * @param tls     whether the request came over TLS
 * @param headers recorded header name to recorded value, in UTF-16 order of the names; a header
 *                sent more than once holds all its values in the order sent, joined with {@code ", "}
 */
public record HttpRequestDetail(String client, boolean tls, SortedMap<String, String> headers) implements ProtocolDetail {

    /** "client", "headers", "tls": already in canonical order. */
    private static final List<String> NAMES = List.of("client", "headers", "tls");

    public HttpRequestDetail {
        headers = Collections.unmodifiableSortedMap(headers);
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public void appendCanonical(String name, StringBuilder out) {
        switch (name) {
            case "client" -> Jcs.appendCanonical(client, out);
            case "tls" -> out.append(tls);
            case "headers" -> appendHeaders(out);
            default -> throw new IllegalArgumentException("no member " + name);
        }
    }

    private void appendHeaders(StringBuilder out) {
        out.append('{');
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (out.charAt(out.length() - 1) != '{') {
                out.append(',');
            }
            Jcs.appendCanonical(header.getKey(), out);
            out.append(':');
            if (header.getValue() == null) {
                out.append("null"); // as the tree holds a missing value
            } else {
                Jcs.appendCanonical(header.getValue(), out);
            }
        }
        out.append('}');
    }

    @Override
    public ObjectNode tree() {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("client", client);
        detail.put("tls", tls);
        ObjectNode recorded = detail.putObject("headers");
        headers.forEach(recorded::put);
        return detail;
    }
}
