package dev.tracegate.gateway.mcp;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A POST body read as the one JSON document it must be, the way that leaves no second reading:
 * UTF-8 decoded strictly (the SDK decodes with replacement characters where Jackson's byte reader
 * takes an overlong {@code C0 AF} for {@code /} and guesses UTF-16 from zero bytes), no byte order
 * mark, no key named twice in an object (readers differ in which one they keep), nothing after
 * the document (the SDK reads the first message of {@code {...}{...}} and drops the rest
 * unanswered). What is refused is still read as leniently as it can be, so that each tool call it
 * asked for can be recorded as asked.
 *
 * @param document the document, or null when the body is refused
 * @param refusal  why the body is refused, or null
 * @param json     whether the refused body is JSON at all (a parse error otherwise)
 * @param asked    the messages a lenient reader finds in a refused body, for the record
 */
record JsonRpcBody(JsonNode document, String refusal, boolean json, List<JsonNode> asked) {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // The message is written again for the SDK: a decimal keeps its digits, not a double's.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final ObjectMapper LENIENT = new ObjectMapper();

    static JsonRpcBody read(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return refused("the body is not UTF-8 text", false, List.of());
        }
        if (text.startsWith("\uFEFF")) {
            return refused("the body starts with a byte order mark", false, List.of());
        }
        try {
            return new JsonRpcBody(STRICT.readTree(text), null, true, List.of());
        } catch (IOException strict) {
            List<JsonNode> asked = lenient(text);
            if (asked.isEmpty()) {
                return refused("the body is not a JSON-RPC message", false, asked);
            }
            String why = String.valueOf(strict.getMessage()).startsWith("Duplicate field")
                    ? "a key is named twice in one object (readers differ in which one they take)"
                    : "something follows the JSON-RPC message (one message per request)";
            return refused(why, true, asked);
        }
    }

    private static JsonRpcBody refused(String refusal, boolean json, List<JsonNode> asked) {
        return new JsonRpcBody(null, refusal, json, asked);
    }

    /** The documents a lenient reader finds one after another (the last of a key named twice), or none. */
    private static List<JsonNode> lenient(String text) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> each = LENIENT.readerFor(JsonNode.class).readValues(text)) {
            while (each.hasNextValue()) {
                documents.add(each.nextValue());
            }
            return documents;
        } catch (IOException | RuntimeException e) {
            // What it read up to the malformed part is still what was asked, if anything was.
            return documents.size() > 0 ? documents : List.of();
        }
    }
}
