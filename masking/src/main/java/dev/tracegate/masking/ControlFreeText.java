package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text as a terminal or a viewer draws it, where it holds control characters: they draw
 * nothing (a control sequence or string whole, {@code ESC [ 31 m}, a window title, where
 * {@link ControlSequences} ends it for the terminal masker too), and a backspace takes back the character before it.
 * A value with a colour change, a window title or a backspace between its pieces
 * ({@code 4111ESC[0m1111...}, {@code ada.lovelaceESC]0;xBEL@example.com}) is whole on the screen and
 * in pieces for the detectors. Each character drawn keeps where it is written, so a value found in
 * the drawn text is masked where it stands in the written one, with the controls inside it, and
 * nothing else of the text is touched. Tab, line ends and NUL are not controls here; Unicode's line and paragraph
 * separators are drawn as the line feed they show.
 *
 * @param text      the text drawn
 * @param writtenAt for each character of {@code text}, where it is written
 */
record ControlFreeText(String text, int[] writtenAt) {

    /** {@code written} as drawn, or {@code null} when it holds no control character nor line separator (the common case, told in one pass). */
    static ControlFreeText of(String written) {
        int first = firstControl(written);
        if (first < 0) {
            return null;
        }
        int n = written.length();
        StringBuilder drawn = new StringBuilder(n).append(written, 0, first);
        int[] at = new int[n];
        for (int k = 0; k < first; k++) {
            at[k] = k;
        }
        for (int i = first; i < n; i++) {
            char c = written.charAt(i);
            int introducer = ControlSequences.introducerLength(written, i);
            if (introducer > 0) {
                // the whole text is here: a sequence still open runs to its end
                i = ControlSequences.unit(written, i, introducer, true)[0] - 1;
            } else if (isLineSeparator(c)) {
                at[drawn.length()] = i;
                drawn.append('\n');
            } else if (!isControl(c)) {
                at[drawn.length()] = i;
                drawn.append(c);
            } else if (c == '\b') {
                drawn.setLength(Math.max(0, drawn.length() - 1));
            }
        }
        return new ControlFreeText(drawn.toString(), Arrays.copyOf(at, drawn.length()));
    }

    /** The spans found in the drawn text, where they are written: from a value's first character to its last. */
    List<ContentScanner.Span> written(List<ContentScanner.Span> drawnSpans) {
        List<ContentScanner.Span> spans = new ArrayList<>(drawnSpans.size());
        for (ContentScanner.Span span : drawnSpans) {
            spans.add(new ContentScanner.Span(writtenAt[span.start()], writtenAt[span.end() - 1] + 1, span.label(),
                    span.replacement()));
        }
        return spans;
    }

    private static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i)) || isLineSeparator(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Unicode's line and paragraph separators ({@code U+2028}, {@code U+2029}), which a browser, an editor or a
     * JavaScript string draws as a line break: drawn so, a value cut by one is read as one cut by a line feed
     * ({@code ada.lovelace U+2028 @example.com}, a card's groups one a line), where before 2026-12-07 the detectors
     * read a symbol between two pieces and the value reached masked callers in clear.
     */
    private static boolean isLineSeparator(char c) {
        return c == '\u2028' || c == '\u2029';
    }

    /**
     * A C0 or C1 control character or DEL, not a tab or a line end, and not NUL: no detector reads
     * across a NUL, which the terminal masker puts between the texts of two control strings it scans
     * together; dropped, it glued them into one value.
     */
    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0) || (c >= 0x7f && c < 0xa0);
    }
}
