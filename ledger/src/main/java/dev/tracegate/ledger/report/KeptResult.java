package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The result data a command's evidence kept (always masked), as a sample shows it: the columns and
 * the first rows of a result set, or the start of an HTTP body. The blob itself is in the bundle.
 */
final class KeptResult {
    static final int MAX_ROWS = 20;
    static final int MAX_CELL = 200;
    static final int MAX_TEXT = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeptResult() {}

    static ObjectNode of(ReportBundle bundle, JsonNode reference, String name) throws IOException {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        String blob = reference.path("blob").asText();
        json.put("name", name);
        json.put("blob", blob);
        json.put("size", reference.path("size").asLong());
        Optional<byte[]> content = blob.startsWith("sha256:") ? bundle.blob(blob.substring(7)) : Optional.empty();
        json.put("present", content.isPresent());
        if (content.isEmpty()) {
            return json;
        }
        String format = reference.path("format").asText(name.equals("request") ? "body" : "jsonl");
        json.put("format", format);
        if (format.equals("jsonl")) {
            rows(new String(content.get(), StandardCharsets.UTF_8), json);
        } else {
            String text = new String(content.get(), StandardCharsets.UTF_8);
            json.put("text", text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text);
        }
        return json;
    }

    /** JSON Lines: a {"columns": [...]} line per result set, then one array of values per row. */
    private static void rows(String text, ObjectNode json) {
        ArrayNode columns = json.putArray("columns");
        ArrayNode rows = json.putArray("rows");
        long total = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode parsed;
            try {
                parsed = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (parsed.isObject() && parsed.path("columns").isArray() && columns.isEmpty()) {
                parsed.path("columns").forEach(column -> columns.add(column.path("name").asText(column.asText())));
            } else if (parsed.isArray()) {
                total++;
                if (rows.size() < MAX_ROWS) {
                    ArrayNode row = rows.addArray();
                    parsed.forEach(cell -> row.add(cell.isNull() ? null : cell(cell)));
                }
            }
        }
        json.put("rows_kept", total);
    }

    private static String cell(JsonNode cell) {
        String text = cell.isTextual() ? cell.textValue() : cell.toString();
        return text.length() > MAX_CELL ? text.substring(0, MAX_CELL) + "…" : text;
    }
}
