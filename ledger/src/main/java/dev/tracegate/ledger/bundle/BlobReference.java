package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A leaf's commitment to a blob: an object {@code {"blob":"sha256:<hex>","size":N}} inside {@code detail}. */
public record BlobReference(String sha256Hex, long size) {
    private static final Pattern BLOB = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Every blob reference anywhere inside the value, in document order. */
    public static List<BlobReference> findIn(JsonNode value) {
        List<BlobReference> found = new ArrayList<>();
        collect(value, found);
        return found;
    }

    private static void collect(JsonNode node, List<BlobReference> found) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            JsonNode blob = node.get("blob");
            JsonNode size = node.get("size");
            if (blob != null && blob.isTextual() && BLOB.matcher(blob.textValue()).matches()
                    && size != null && size.isIntegralNumber() && size.canConvertToLong() && size.longValue() >= 0) {
                found.add(new BlobReference(blob.textValue().substring("sha256:".length()), size.longValue()));
            }
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                collect(member.getValue(), found);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                collect(item, found);
            }
        }
    }
}
