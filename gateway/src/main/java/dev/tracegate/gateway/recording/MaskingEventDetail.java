package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.CanonicalDetail;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.ledger.jcs.JcsException;
import dev.tracegate.masking.MaskingSummary;
import java.util.Map;
import java.util.TreeMap;

/**
 * The detail of a {@code masking.applied} event (one per masked statement, and per HTTP answer
 * holding personal data, for the record or the caller): written straight as its RFC 8785 canonical
 * text ({@link #canonical}), its members in UTF-16 order as listed below, instead of a JSON tree
 * that the leaf encoding would then sort and walk. {@link #tree} is the same detail as a tree: the
 * form the text must always equal ({@code MaskingEventDetailTest}), and the one used when a count
 * is too large for the text's plain digits or a name is a text canonical JSON cannot hold.
 *
 * @param sequence  the command whose results were masked; {@code null} for server messages outside commands
 * @param appliedTo {@code client}: the caller received masked values (and the record holds the
 *                  same); {@code record}: the caller may see clear text, only the kept data was masked
 * @param rule      the mask rule, or {@code null}
 * @param profile   the masking profile, or {@code null}
 * @param source    what was masked when it is not a command's result ({@code server messages}), or {@code null}
 */
record MaskingEventDetail(Long sequence, String appliedTo, String rule, String profile, MaskingSummary summary,
                          String source) {

    /**
     * The canonical text: {@code applied_to}, {@code fallbacks} (action, count, location, reason),
     * {@code found} (location to entity to count), {@code profile}, {@code rule}, {@code seq},
     * {@code source}, {@code valuesMasked}; {@code null} when a number or a text needs the tree's way.
     */
    CharSequence canonical() {
        try {
            return canonicalOrNull();
        } catch (JcsException unpairedSurrogate) {
            return null; // the tree's way, so such a text fails where it always did: in the leaf's encoding
        }
    }

    private CharSequence canonicalOrNull() {
        if (sequence != null && !exact(sequence) || !exact(summary.valuesMasked())) {
            return null;
        }
        StringBuilder out = new StringBuilder(256);
        out.append("{\"applied_to\":");
        string(appliedTo, out);
        out.append(",\"fallbacks\":[");
        boolean first = true;
        for (MaskingSummary.Fallback fallback : summary.fallbacks()) {
            if (!exact(fallback.count())) {
                return null;
            }
            out.append(first ? "" : ",").append("{\"action\":");
            string(fallback.action().name(), out);
            out.append(",\"count\":").append(fallback.count()).append(",\"location\":");
            string(fallback.location(), out);
            out.append(",\"reason\":");
            string(fallback.reason().name(), out);
            out.append('}');
            first = false;
        }
        out.append("],\"found\":{");
        first = true;
        for (Map.Entry<String, Map<String, Long>> location : inOrder(summary.found()).entrySet()) {
            out.append(first ? "" : ",");
            string(location.getKey(), out);
            out.append(":{");
            boolean firstEntity = true;
            for (Map.Entry<String, Long> entity : inOrder(location.getValue()).entrySet()) {
                if (!exact(entity.getValue())) {
                    return null;
                }
                out.append(firstEntity ? "" : ",");
                string(entity.getKey(), out);
                out.append(':').append(entity.getValue().longValue());
                firstEntity = false;
            }
            out.append('}');
            first = false;
        }
        out.append('}');
        if (profile != null) {
            out.append(",\"profile\":");
            string(profile, out);
        }
        if (rule != null) {
            out.append(",\"rule\":");
            string(rule, out);
        }
        if (sequence != null) {
            out.append(",\"seq\":").append(sequence.longValue());
        }
        if (source != null) {
            out.append(",\"source\":");
            string(source, out);
        }
        return out.append(",\"valuesMasked\":").append(summary.valuesMasked()).append('}');
    }

    /** The same detail as a tree. */
    ObjectNode tree() {
        ObjectNode detail = EvidenceEvent.newDetail();
        if (sequence != null) {
            detail.put("seq", sequence);
        }
        detail.put("applied_to", appliedTo);
        SessionRecorder.putIfPresent(detail, "rule", rule);
        SessionRecorder.putIfPresent(detail, "profile", profile);
        detail.put("valuesMasked", summary.valuesMasked());
        ObjectNode found = detail.putObject("found");
        summary.found().forEach((location, entities) -> {
            ObjectNode counts = found.putObject(location);
            entities.forEach(counts::put);
        });
        ArrayNode fallbacks = detail.putArray("fallbacks");
        for (MaskingSummary.Fallback fallback : summary.fallbacks()) {
            fallbacks.addObject().put("location", fallback.location()).put("reason", fallback.reason().name())
                    .put("action", fallback.action().name()).put("count", fallback.count());
        }
        SessionRecorder.putIfPresent(detail, "source", source);
        return detail;
    }

    /**
     * The map in its keys' UTF-16 order, which canonical JSON's member order is: a summary's own maps
     * iterate so already (String's natural order compares UTF-16 units), any other is sorted here.
     */
    private static <V> Map<String, V> inOrder(Map<String, V> map) {
        String before = null;
        for (String key : map.keySet()) {
            if (before != null && before.compareTo(key) >= 0) {
                return new TreeMap<>(map);
            }
            before = key;
        }
        return map;
    }

    private static void string(String value, StringBuilder out) {
        CanonicalDetail.appendString(value, out);
    }

    private static boolean exact(long value) {
        return CanonicalDetail.exactInteger(value);
    }
}
