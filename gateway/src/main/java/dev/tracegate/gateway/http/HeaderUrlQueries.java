package dev.tracegate.gateway.http;

import dev.tracegate.masking.JsonMasking;
import dev.tracegate.masking.MaskingReport;

/**
 * The query strings of the URLs a response header names ({@code Location}, {@code Content-Location},
 * {@code Link}, {@code Refresh}: a redirect to {@code /profile?dob=1985-03-02}), masked for a
 * masked caller field by field as a form, as the caller's own query strings are on their way to
 * the target ({@link FormMasking}): the field's name is a hint ({@code dob}, {@code email}) that a
 * scan of the header's text alone does not have. A query runs from a {@code ?} to the end of its
 * URL: a {@code #}, a {@code >} (a {@code Link}'s bracket), a quote or white space.
 */
final class HeaderUrlQueries {

    private HeaderUrlQueries() {
    }

    /**
     * @throws dev.tracegate.masking.MaskingRefusedException for a malformed percent-encoding or a
     *         value the profile refuses: the masker cannot know what the reader would decode
     */
    static String masked(JsonMasking masking, String location, String value, MaskingReport report) {
        int question = value.indexOf('?');
        if (question < 0) {
            return value; // the common case: no query, nothing copied
        }
        StringBuilder masked = new StringBuilder(value.length());
        int copied = 0;
        while (question >= 0) {
            int end = question + 1;
            while (end < value.length() && !endsUrl(value.charAt(end))) {
                end++;
            }
            masked.append(value, copied, question + 1)
                    .append(FormMasking.mask(masking, location, value.substring(question + 1, end), report));
            copied = end;
            question = value.indexOf('?', end);
        }
        return masked.append(value, copied, value.length()).toString();
    }

    private static boolean endsUrl(char c) {
        return c == '#' || c == '>' || c == '"' || c == '\'' || Character.isWhitespace(c);
    }
}
