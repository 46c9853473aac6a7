package dev.tracegate.masking;

/**
 * A few facts about a text, gathered in one pass before any detector runs, so that detectors which
 * cannot match are not run at all: a text whose longest number has six digits holds no card, SSN
 * or phone number. The pass costs about as much as one detector's scan and saves several on the
 * typical cell.
 *
 * @param longestNumberDigits digits in the longest run of digits and separators ({@code space - . _
 *                            / ( ) +}): {@code 4111 1111 1111 1111} has 16. An upper bound for what
 *                            any number-shaped detector can see as one candidate
 * @param colons              how many {@code :} the text holds
 * @param lettersThenDigits   whether two ASCII letters are followed by two digits, as in an IBAN
 * @param atOrPercent         whether the text holds an {@code @} or a {@code %}: an e-mail address
 *                            has one, written plainly or URL-encoded ({@code %40})
 */
public record TextFacts(int longestNumberDigits, int colons, boolean lettersThenDigits, boolean atOrPercent) {

    /** Facts that rule nothing out, for callers that do not compute them. */
    public static final TextFacts UNKNOWN = new TextFacts(Integer.MAX_VALUE, Integer.MAX_VALUE, true, true);

    public static TextFacts of(CharSequence text) {
        int longest = 0;
        int current = 0;
        int colons = 0;
        int letterRun = 0;
        int digitsAfterLetters = 0;
        boolean lettersThenDigits = false;
        boolean atOrPercent = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c > '9' && c != '_') {
                if (current > longest) {
                    longest = current;
                }
                current = 0;
                boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                letterRun = letter ? letterRun + 1 : 0;
                digitsAfterLetters = 0;
                if (c == ':') {
                    colons++;
                } else if (c == '@') {
                    atOrPercent = true;
                }
            } else if (c >= '0' && c != '_') {
                current++;
                if (letterRun >= 2 || digitsAfterLetters > 0) {
                    lettersThenDigits |= ++digitsAfterLetters >= 2;
                }
                letterRun = 0;
            } else {
                boolean separator = c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' || c == '(' || c == ')' || c == '+';
                if (!separator) {
                    if (current > longest) {
                        longest = current;
                    }
                    current = 0;
                    atOrPercent |= c == '%';
                }
                letterRun = 0;
                digitsAfterLetters = 0;
            }
        }
        return new TextFacts(Math.max(longest, current), colons, lettersThenDigits, atOrPercent);
    }
}
