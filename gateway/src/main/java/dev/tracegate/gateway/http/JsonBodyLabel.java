package dev.tracegate.gateway.http;

import java.util.List;

/**
 * What a request's content types tell its target about a body the gateway reads as JSON (for a
 * rule's {@code fields}, for a top-level {@code _method}): the gateway reads the bytes as JSON in
 * UTF-8 (Jackson detects UTF-16 and UTF-32 by their zero bytes), whatever the label says, but the
 * target reads them as labelled. Labelled as a form, a JSON document's text is read as form fields
 * that the document does not hold ({@code {"x": "&env=prod&", "env": "dev"}} is {@code env=prod} to
 * PHP, Rails and Spring's {@code @ModelAttribute}); labelled with a charset in which ASCII
 * characters are not their bytes, its strings are other characters ({@code "+AHAAcgBvAGQ-"} is
 * {@code "prod"} to Express's body-parser under {@code charset=utf-7}).
 */
final class JsonBodyLabel {

    private JsonBodyLabel() {
    }

    /**
     * Why the target may read the body as other JSON than the gateway does, for the refusal;
     * null when it reads what the gateway reads.
     *
     * @param contentTypes every value of every header the target may take for the content type
     */
    static String otherReading(List<String> contentTypes) {
        for (String header : contentTypes) {
            for (String label : header.split(",")) {
                if (MethodFieldBody.of(List.of(label), List.of()) != null) {
                    return "it is labelled " + label.strip() + ", and a form's reader takes fields from its text that"
                            + " the JSON document does not hold";
                }
            }
        }
        String charset = hidingCharset(contentTypes);
        return charset == null ? null : "it is labelled with charset " + charset + ", in which its target reads other"
                + " characters than the gateway";
    }

    /** The first charset a label names in which ASCII characters are not their bytes; null when none does. */
    static String hidingCharset(List<String> contentTypes) {
        for (String header : contentTypes) {
            for (String label : header.split(",")) {
                String charset = BodyForm.hidingCharset(label);
                if (charset != null) {
                    return charset;
                }
            }
        }
        return null;
    }
}
