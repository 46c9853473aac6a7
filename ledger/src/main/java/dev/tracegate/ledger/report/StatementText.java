package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;

/** A statement as the report shows it: the recorded text, or what stands in for it. */
final class StatementText {
    /** Long enough for any statement a person reads; the bundle keeps the whole text. */
    static final int MAX_CHARS = 2000;

    private StatementText() {}

    static String of(JsonNode recorded) {
        if (recorded == null || recorded.isNull() || recorded.isMissingNode()) {
            return "(not recorded)";
        }
        if (recorded.isTextual()) {
            return shorten(recorded.textValue());
        }
        if (recorded.path("blob").isTextual()) {
            return "(a long statement, kept as blob " + recorded.path("blob").asText() + ", " + recorded.path("size").asLong()
                    + " bytes)";
        }
        return shorten(recorded.toString());
    }

    static String shorten(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "… (" + text.length() + " characters)";
    }
}
