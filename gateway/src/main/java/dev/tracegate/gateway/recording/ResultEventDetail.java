package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.CanonicalDetail;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;

/**
 * The detail of a {@code command.result} event, one per statement: written straight as its RFC
 * 8785 canonical text ({@link #canonical}), the members in UTF-16 order as listed below, instead
 * of a JSON tree that the leaf encoding would then sort and walk. {@link #tree} is the same
 * detail as a tree: the form the text must always equal ({@code ResultEventDetailTest}), and the
 * one used when a number is too large for the text's plain digits (beyond 2^53, where canonical
 * JSON writes what IEEE-754 makes of it, or refuses it).
 *
 * <p>A COPY's result has {@code copy}: {@code in} and {@code out}, each {@code bytes},
 * {@code messages} and {@code hmac}, the COPY data that moved that way ({@link CopiedData}).
 *
 * @param dataBlob    the digest of the kept response data, or {@code null} when none is kept
 * @param requestBlob the digest of the kept request body, or {@code null}
 */
record ResultEventDetail(ResultRecord result, ResultEvidence evidence, String dataBlob, String requestBlob) {

    /**
     * The canonical text: {@code data} (blob, format, rows, size, truncated), {@code duration_us},
     * {@code error} (message, sqlstate), {@code request_data} (blob, size), {@code rows},
     * {@code seq}, {@code status}, {@code tags}; {@code null} when a number or a text needs the tree's way.
     */
    CharSequence canonical() {
        try {
            return canonicalOrNull();
        } catch (JcsException unpairedSurrogate) {
            return null; // the tree's way, so such a text fails where it always did: in the leaf's encoding
        }
    }

    private CharSequence canonicalOrNull() {
        if (!exact(result.sequence()) || !exact(result.rows()) || !exact(result.durationMicros())
                || dataBlob != null && !exact(evidence.rowsKept()) || result.copyIn() != null || result.copyOut() != null) {
            return null; // a COPY's result (rare) takes the tree's way
        }
        // Room for a kept result's detail without growing: the builder itself becomes the event's text.
        StringBuilder out = new StringBuilder(256);
        out.append('{');
        if (dataBlob != null) {
            out.append("\"data\":{\"blob\":");
            Jcs.appendCanonical(dataBlob, out);
            if (evidence.format() != null) {
                out.append(",\"format\":");
                Jcs.appendCanonical(evidence.format(), out);
            }
            out.append(",\"rows\":").append(evidence.rowsKept())
                    .append(",\"size\":").append(evidence.data().length)
                    .append(",\"truncated\":").append(evidence.truncated()).append("},");
        }
        out.append("\"duration_us\":").append(result.durationMicros());
        if (result.errorSqlState() != null) {
            out.append(",\"error\":{");
            if (result.errorMessage() != null) {
                out.append("\"message\":");
                Jcs.appendCanonical(result.errorMessage(), out);
                out.append(',');
            }
            out.append("\"sqlstate\":");
            Jcs.appendCanonical(result.errorSqlState(), out);
            out.append('}');
        }
        if (requestBlob != null) {
            out.append(",\"request_data\":{\"blob\":");
            Jcs.appendCanonical(requestBlob, out);
            out.append(",\"size\":").append(evidence.requestData().length).append('}');
        }
        out.append(",\"rows\":").append(result.rows());
        out.append(",\"seq\":").append(result.sequence());
        out.append(",\"status\":");
        string(result.status(), out);
        out.append(",\"tags\":[");
        for (int i = 0; i < result.tags().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(result.tags().get(i), out);
        }
        return out.append("]}");
    }

    /** The same detail as a tree. */
    ObjectNode tree() {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", result.sequence());
        detail.put("status", result.status());
        ArrayNode tags = detail.putArray("tags");
        result.tags().forEach(tags::add);
        detail.put("rows", result.rows());
        detail.put("duration_us", result.durationMicros());
        if (dataBlob != null) {
            ObjectNode data = detail.putObject("data");
            data.put("blob", dataBlob);
            data.put("size", evidence.data().length);
            SessionRecorder.putIfPresent(data, "format", evidence.format());
            data.put("rows", evidence.rowsKept());
            data.put("truncated", evidence.truncated());
        }
        if (requestBlob != null) {
            ObjectNode request = detail.putObject("request_data");
            request.put("blob", requestBlob);
            request.put("size", evidence.requestData().length);
        }
        if (result.copyIn() != null || result.copyOut() != null) {
            ObjectNode copy = detail.putObject("copy");
            putMoved(copy, "in", result.copyIn());
            putMoved(copy, "out", result.copyOut());
        }
        if (result.errorSqlState() != null) {
            ObjectNode error = detail.putObject("error");
            error.put("sqlstate", result.errorSqlState());
            SessionRecorder.putIfPresent(error, "message", result.errorMessage());
        }
        return detail;
    }

    private static void putMoved(ObjectNode copy, String direction, CopiedData.Moved moved) {
        if (moved == null) {
            return;
        }
        ObjectNode stream = copy.putObject(direction);
        stream.put("bytes", moved.bytes());
        stream.put("messages", moved.messages());
        SessionRecorder.putIfPresent(stream, "hmac", moved.hmac());
    }

    private static void string(String value, StringBuilder out) {
        CanonicalDetail.appendString(value, out);
    }

    private static boolean exact(long value) {
        return CanonicalDetail.exactInteger(value);
    }
}
