package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.CanonicalDetail;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;
import java.util.List;
import java.util.Set;

/**
 * The detail of a {@code command} event, one per statement, written before it runs: straight as
 * its RFC 8785 canonical text ({@link #canonical}), the members in UTF-16 order, instead of a JSON
 * tree that the leaf encoding would then sort and walk. What the protocol adds (an HTTP request's
 * client, TLS and headers) is merged in among the command's own members in that order.
 * {@link #tree} is the same detail as a tree: the form the text must always equal
 * ({@code CommandEventDetailTest}), and the one taken when the text cannot be written plainly (a
 * sequence number beyond 2^53, a text canonical JSON cannot hold, a protocol member named like
 * one of the command's, which the tree lets replace it).
 *
 * @param command        the command as recorded
 * @param textBlob       the digest of the text when it went into a blob (longer than
 *                       {@link SessionRecorder#INLINE_TEXT_BYTES}), or {@code null} when the leaf holds it
 * @param textSize       the blob's size in bytes, when there is one
 * @param protocolDetail what the protocol adds to this one command, or {@code null}
 */
record CommandEventDetail(CommandRecord command, String textBlob, long textSize, ProtocolDetail protocolDetail) {

    /** The command's own members; a protocol member of one of these names goes the tree's way. */
    private static final Set<String> OWN_MEMBERS =
            Set.of("class", "message", "params", "redactions", "rule", "seq", "statement", "text");

    /**
     * The canonical text: {@code class}, {@code message}, {@code params}, {@code redactions} (at,
     * entity, header, hmac, length, param), {@code rule}, {@code seq}, {@code statement},
     * {@code text} (or its blob and size), with the protocol's members in between where they sort;
     * {@code null} when the detail needs the tree's way.
     */
    CharSequence canonical() {
        try {
            return canonicalOrNull();
        } catch (JcsException notCanonical) {
            return null; // the tree's way, so such a detail fails where it always did: in the leaf's encoding
        }
    }

    private CharSequence canonicalOrNull() {
        List<String> protocolMembers = protocolMembers();
        if (protocolMembers == null || !CanonicalDetail.exactInteger(command.sequence())
                || textBlob != null && !CanonicalDetail.exactInteger(textSize)) {
            return null;
        }
        String text = command.text();
        Members out = new Members(new StringBuilder(96 + (textBlob == null && text != null ? text.length() : 96)),
                protocolMembers, protocolDetail);
        if (command.statementClass() != null) {
            Jcs.appendCanonical(command.statementClass(), out.name("class"));
        }
        CanonicalDetail.appendString(command.message(), out.name("message"));
        if (command.parameters() != null) {
            params(out.name("params"));
        }
        if (!command.redactions().isEmpty()) {
            redactions(out.name("redactions"));
        }
        if (command.rule() != null) {
            Jcs.appendCanonical(command.rule(), out.name("rule"));
        }
        out.name("seq").append(command.sequence());
        if (command.statement() != null) {
            Jcs.appendCanonical(command.statement(), out.name("statement"));
        }
        StringBuilder value = out.name("text");
        if (textBlob == null) {
            CanonicalDetail.appendString(text, value);
        } else {
            value.append("{\"blob\":");
            Jcs.appendCanonical(textBlob, value);
            value.append(",\"size\":").append(textSize).append('}');
        }
        return out.end();
    }

    /** The protocol's member names in UTF-16 order; {@code null} when one would replace a member of the command's. */
    private List<String> protocolMembers() {
        if (protocolDetail == null) {
            return List.of();
        }
        List<String> names = protocolDetail.names();
        for (String name : names) {
            if (OWN_MEMBERS.contains(name)) {
                return null;
            }
        }
        return names;
    }

    private void params(StringBuilder out) {
        out.append('[');
        List<String> parameters = command.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            CanonicalDetail.appendString(parameters.get(i), out);
        }
        out.append(']');
    }

    private void redactions(StringBuilder out) {
        out.append('[');
        List<Redaction> redactions = command.redactions();
        for (int i = 0; i < redactions.size(); i++) {
            Redaction r = redactions.get(i);
            out.append(i > 0 ? ",{\"at\":" : "{\"at\":").append(r.at()).append(",\"entity\":");
            CanonicalDetail.appendString(r.entity(), out);
            if (r.header() != null) {
                out.append(",\"header\":");
                Jcs.appendCanonical(r.header(), out);
            }
            if (r.hmac() != null) {
                out.append(",\"hmac\":");
                Jcs.appendCanonical(r.hmac(), out);
            }
            out.append(",\"length\":").append(r.length());
            if (r.parameter() != null) {
                out.append(",\"param\":").append(r.parameter().intValue());
            }
            out.append('}');
        }
        out.append(']');
    }

    /** The same detail as a tree. */
    ObjectNode tree() {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", command.sequence());
        detail.put("message", command.message());
        if (textBlob == null) {
            detail.put("text", command.text());
        } else {
            ObjectNode blob = detail.putObject("text");
            blob.put("blob", textBlob);
            blob.put("size", textSize);
        }
        if (command.statement() != null) {
            detail.put("statement", command.statement());
        }
        SessionRecorder.putIfPresent(detail, "class", command.statementClass());
        SessionRecorder.putIfPresent(detail, "rule", command.rule());
        if (command.parameters() != null) {
            ArrayNode params = detail.putArray("params");
            command.parameters().forEach(params::add);
        }
        if (protocolDetail != null) {
            detail.setAll(protocolDetail.tree());
        }
        SessionRecorder.putRedactions(detail, command.redactions());
        return detail;
    }

    /**
     * The object being written: each of the command's members is named through {@link #name},
     * which first writes the protocol's members that sort before it, so the two lists merge in
     * canonical order.
     */
    private static final class Members {

        private final StringBuilder out;
        private final List<String> protocolMembers;
        private final ProtocolDetail protocolDetail;
        private int nextProtocolMember;

        Members(StringBuilder out, List<String> protocolMembers, ProtocolDetail protocolDetail) {
            this.out = out;
            this.protocolMembers = protocolMembers;
            this.protocolDetail = protocolDetail;
        }

        /** Writes {@code "name":} (a plain ASCII name) after what sorts before it; the value follows. */
        StringBuilder name(String name) {
            protocolMembersBefore(name);
            out.append(out.isEmpty() ? "{\"" : ",\"").append(name).append("\":");
            return out;
        }

        /** The finished text: the builder itself, which the event keeps as its text (no string is made). */
        CharSequence end() {
            protocolMembersBefore(null);
            return out.append('}');
        }

        /** The protocol's members that sort before {@code name}; all that are left when it is null. */
        private void protocolMembersBefore(String name) {
            while (nextProtocolMember < protocolMembers.size()
                    && (name == null || protocolMembers.get(nextProtocolMember).compareTo(name) < 0)) {
                String member = protocolMembers.get(nextProtocolMember++);
                out.append(out.isEmpty() ? '{' : ',');
                Jcs.appendCanonical(member, out);
                out.append(':');
                protocolDetail.appendCanonical(member, out);
            }
        }
    }
}
