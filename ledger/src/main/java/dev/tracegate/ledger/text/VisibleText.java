package dev.tracegate.ledger.text;

/**
 * A recorded text as a person must read it: every character that is invisible or that changes
 * how the characters around it are displayed is shown as its code point, {@code <U+202E>}. A
 * statement, a user name or a reason comes from whoever the gateway recorded; a right-to-left
 * override (U+202E), an isolate (U+2066 to U+2069), a zero-width space or a line separator in it
 * would make an approver or an auditor read something other than what ran, in the order it ran.
 * Line feeds and tabs stay, as they only lay a text out; other control characters are shown too.
 */
public final class VisibleText {

    private VisibleText() {}

    /** {@code text} with each such character replaced by {@code <U+XXXX>}; null stays null. */
    public static String of(String text) {
        if (text == null || text.codePoints().noneMatch(VisibleText::hidden)) {
            return text;
        }
        StringBuilder shown = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (hidden(c)) {
                shown.append(String.format("<U+%04X>", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    /**
     * As {@link #of}, for one line of a terminal's output: the line feed and tab are shown too, so a
     * text from a bundle or an event (a file name, a figure's id) can start no line of its own, such
     * as a forged "ok" or "VERIFIED" below the verdict.
     */
    public static String line(String text) {
        String shown = of(text);
        if (shown == null || (shown.indexOf('\n') < 0 && shown.indexOf('\t') < 0)) {
            return shown;
        }
        return shown.replace("\n", "<U+000A>").replace("\t", "<U+0009>");
    }

    /**
     * Format characters (bidirectional controls and marks, zero-width characters, the BOM, tag
     * characters), line and paragraph separators, control characters other than line feed and tab,
     * and surrogates that pair with nothing.
     */
    static boolean hidden(int c) {
        if (c == '\n' || c == '\t') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.CONTROL || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }
}
