package dev.tracegate.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The data of one Server-Sent Event, its {@code data:} lines joined as its reader joins them: one
 * JSON document (masked as JSON, with its field rules and name hints) or a text. Its strings are
 * the pieces a token stream's reader joins with the events around it ({@link TokenStreamText}).
 *
 * @param value the joined data, as the target wrote it
 */
record EventData(byte[] value) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The place of data that is not JSON: the whole of it is one piece. */
    private static final String TEXT = "text";
    private static final byte[] UNMASKABLE = "[UNMASKABLE]".getBytes(StandardCharsets.UTF_8);

    /**
     * The strings a token stream's reader joins: each JSON string by its JSON pointer when the data
     * is one JSON document, else the data as one text.
     */
    List<TokenStreamText.Piece> pieces() {
        List<TokenStreamText.Piece> json = jsonPieces(value);
        return json != null ? json : List.of(new TokenStreamText.Piece(TEXT, new String(value, StandardCharsets.UTF_8)));
    }

    /** Each JSON string of {@code bytes} by its JSON pointer; null when they are not one JSON document. */
    static List<TokenStreamText.Piece> jsonPieces(byte[] bytes) {
        if (!startsLikeJson(bytes)) {
            return null;
        }
        List<TokenStreamText.Piece> pieces = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(bytes)) {
            JsonToken token = parser.nextToken();
            int depth = 0;
            for (; token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING) {
                    pieces.add(new TokenStreamText.Piece(parser.getParsingContext().pathAsPointer().toString(),
                            parser.getText()));
                }
                depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            return token != null && parser.nextToken() == null ? pieces : null;
        } catch (IOException notJson) {
            return null; // read as text, as its masking does
        }
    }

    /**
     * The data with each piece's value replaced where {@code values} has one, written again (JSON
     * compactly); withheld as {@code [UNMASKABLE]} when a value cannot be put back where its reader
     * reads it (a JSON key written twice: readers differ in which one they take).
     */
    EventData withValues(String[] values, String location, MaskingReport report) {
        List<TokenStreamText.Piece> pieces = pieces();
        if (pieces.size() == 1 && pieces.getFirst().place().equals(TEXT)) {
            return new EventData(values[0] == null ? value : values[0].getBytes(StandardCharsets.UTF_8));
        }
        try {
            JsonNode tree = MAPPER.readTree(value);
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < pieces.size(); j++) {
                String pointer = pieces.get(j).place();
                if (!seen.add(pointer)) {
                    throw new IllegalStateException("a key written twice");
                }
                if (values[j] != null) {
                    tree = replaced(tree, JsonPointer.compile(pointer), values[j]);
                }
            }
            return new EventData(MAPPER.writeValueAsBytes(tree));
        } catch (IOException | RuntimeException unreadable) {
            report.fallback(location, FallbackReason.UNMASKABLE, FallbackAction.REDACT);
            return new EventData(UNMASKABLE);
        }
    }

    private static JsonNode replaced(JsonNode tree, JsonPointer pointer, String value) {
        if (pointer.matches()) {
            return TextNode.valueOf(value); // the document is one string
        }
        JsonNode parent = tree.at(pointer.head());
        if (parent instanceof ObjectNode object) {
            object.put(pointer.last().getMatchingProperty(), value);
        } else if (parent instanceof ArrayNode array) {
            array.set(pointer.last().getMatchingIndex(), TextNode.valueOf(value));
        } else {
            throw new IllegalStateException("no string at " + pointer);
        }
        return tree;
    }

    /** The data masked as its reader reads it: as JSON when it is a JSON document, else as text. */
    byte[] masked(BodyMasking.TextLine masker, MaskingReport report) {
        if (BodyMasking.holdsZeroByte(value)) {
            report.fallback(masker.location(), FallbackReason.UNMASKABLE, FallbackAction.REDACT);
            return UNMASKABLE;
        }
        if (startsLikeJson(value)) {
            MaskingReport tentative = new MaskingReport();
            try {
                byte[] masked = masker.json().mask(value, tentative);
                report.add(tentative);
                return masked;
            } catch (MaskingRefusedException e) {
                if (e.reason() != FallbackReason.INVALID_JSON) {
                    throw e; // nested too deep: refused as JSON, not let through as text
                }
            }
        }
        CellResult result = masker.text().maskUtf8(value, 0, value.length, report);
        if (!result.changed()) {
            return value;
        }
        return result.value() == null ? new byte[0] : result.utf8();
    }

    static boolean startsLikeJson(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\t' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }
}
