package dev.tracegate.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.guard.Command;
import dev.tracegate.policy.rules.HttpRequestFacts;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The request's JSON body, read whole because a rule asks about its fields (at most
 * {@link #MAX_INSPECTED_BODY} bytes). A body that is too large, not one JSON document, has
 * duplicate keys, or is labelled so that its target reads it otherwise ({@link JsonBodyLabel}: a
 * form, a charset that hides ASCII) leaves the rule undecidable (the gateway and the target could
 * read different values): the Guard blocks it as high risk.
 *
 * @param command what the Guard decides on
 * @param bytes   the body as read, sent upstream from here
 */
record PolicyBody(Command.Http command, byte[] bytes) {

    /** Largest body read whole for a rule's field conditions; bodies otherwise stream. */
    static final int MAX_INSPECTED_BODY = 1024 * 1024;
    private static final ObjectMapper STRICT_JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /**
     * @param contentTypes every value of every header the target may take for the content type
     *                     ({@link JsonBodyLabel}): a body its target would read otherwise is undecidable
     */
    static PolicyBody read(InputStream body, HttpRequestFacts facts, List<String> contentTypes) throws IOException {
        byte[] bytes = body.readNBytes(MAX_INSPECTED_BODY + 1);
        if (bytes.length > MAX_INSPECTED_BODY) {
            return undecidable(facts, null, "the policy inspects this request's JSON body, and it is over "
                    + MAX_INSPECTED_BODY + " bytes");
        }
        String otherReading = JsonBodyLabel.otherReading(contentTypes);
        if (otherReading != null) {
            return undecidable(facts, bytes, "the policy inspects this request's JSON body, and " + otherReading);
        }
        try (JsonParser parser = STRICT_JSON.createParser(bytes)) {
            JsonNode parsed = STRICT_JSON.readTree(parser);
            if (parsed == null || parser.nextToken() != null) {
                return undecidable(facts, bytes, "the policy inspects this request's JSON body, and it is not one JSON"
                        + " document");
            }
            return new PolicyBody(new Command.Http(facts.withBody(parsed), null), bytes);
        } catch (JsonProcessingException e) {
            return undecidable(facts, bytes, "the policy inspects this request's JSON body, and it is not valid JSON"
                    + " (duplicate keys are refused too)");
        }
    }

    /**
     * A POST body that may name another method in a {@code _method} field ({@link MethodFieldBody}:
     * a form, a multipart form, a JSON object), read whole because a rule blocks or holds by
     * method. A body over {@link #MAX_INSPECTED_BODY}, or one the gateway cannot read as a target
     * would, leaves the rule undecidable.
     */
    static PolicyBody readMethodFields(InputStream body, HttpRequestFacts facts, MethodFieldBody fields)
            throws IOException {
        byte[] bytes = body.readNBytes(MAX_INSPECTED_BODY + 1);
        if (bytes.length > MAX_INSPECTED_BODY) {
            return undecidable(facts, null, "the policy weighs the method a POST body names in its _method field, and"
                    + " this body is over " + MAX_INSPECTED_BODY + " bytes");
        }
        MethodFieldBody.Named named = fields.named(bytes);
        if (named.undecidable() != null) {
            return undecidable(facts, bytes, "the policy weighs the method a POST body names in its _method field, and"
                    + " this body cannot be read for one: " + named.undecidable());
        }
        return new PolicyBody(new Command.Http(facts.withMethodParameters(named.methods()), null), bytes);
    }

    /** A body the policy would weigh but cannot read, left unread: the request is undecidable for {@code reason}. */
    static PolicyBody unread(HttpRequestFacts facts, String reason) {
        return undecidable(facts, null, reason);
    }

    private static PolicyBody undecidable(HttpRequestFacts facts, byte[] bytes, String reason) {
        return new PolicyBody(new Command.Http(facts, reason), bytes);
    }
}
