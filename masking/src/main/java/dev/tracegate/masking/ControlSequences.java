package dev.tracegate.masking;

/**
 * Where a terminal's control sequences and strings begin and end in output as written: ESC and
 * the 8-bit introducers, a CSI to its final byte, an OSC, DCS, SOS, PM or APC string to its BEL,
 * ST or ESC \, an ESC sequence past its intermediates. The terminal masker's screen reading
 * ({@link TerminalOutputMasker}) and the masker's reading of any text as a terminal draws it
 * ({@link ControlFreeText}) take the same ends, so the two never disagree on what a sequence is.
 */
final class ControlSequences {

    private static final char ESC = 0x1b;
    /** The most characters a CSI (or an ESC sequence's intermediates) may run to while it is still open. */
    private static final int MAX_PARAMETERS = 256;

    private ControlSequences() {
    }

    /**
     * 1 when a control sequence starts at {@code i}: ESC, or an 8-bit introducer (CSI U+009B;
     * OSC, DCS, SOS, PM, APC, which a terminal in UTF-8 mode may honour as ESC and a letter);
     * 0 otherwise.
     */
    static int introducerLength(CharSequence raw, int i) {
        char c = raw.charAt(i);
        if (c == ESC) {
            return 1;
        }
        return c == 0x9b || isStringIntroducer(c) ? 1 : 0;
    }

    private static boolean isStringIntroducer(char c) {
        return c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f;
    }

    static boolean isControlSequence(CharSequence raw, int i) {
        return raw.charAt(i) == 0x9b || (raw.charAt(i) == ESC && raw.charAt(i + 1) == '[');
    }

    /**
     * The control sequence at {@code i}: {end, text start, text end}, or null when it is not
     * complete yet. A CSI's text is its parameters and intermediates; an OSC, DCS, SOS, PM or
     * APC string's text runs to its BEL, ST or ESC \ (an ESC that starts something else ends
     * it there, as terminals do). One still open after more than a terminal expects
     * ({@link #MAX_PARAMETERS} for a CSI or an ESC sequence's intermediates, {@link TerminalOutputMasker#LINE_WINDOW}
     * for a string) is read as its introducer alone and the rest as text on the screen, so
     * output cannot be held back for ever and nothing in it escapes the scan.
     */
    static int[] unit(CharSequence raw, int i, int introducer, boolean atEnd) {
        int n = raw.length();
        char c = raw.charAt(i);
        if (c != ESC) {
            return c == 0x9b ? controlSequence(raw, i + introducer, atEnd) : string(raw, i + introducer, atEnd);
        }
        if (i + 1 >= n) {
            return atEnd ? new int[] {n, n, n} : null;
        }
        char next = raw.charAt(i + 1);
        if (next == '[') {
            return controlSequence(raw, i + 2, atEnd);
        }
        if (next == ']' || next == 'P' || next == 'X' || next == '^' || next == '_') {
            return string(raw, i + 2, atEnd);
        }
        if (next < 0x20) {
            return new int[] {i + 1, 0, 0}; // a lone ESC: the control after it is the terminal's own
        }
        int j = i + 1;
        while (j < n && raw.charAt(j) >= 0x20 && raw.charAt(j) <= 0x2f) {
            j++;
        }
        if (j < n) {
            return new int[] {j + 1, 0, 0};
        }
        return atEnd ? new int[] {n, 0, 0} : open(n - i, MAX_PARAMETERS, i + 1);
    }

    private static int[] controlSequence(CharSequence raw, int from, boolean atEnd) {
        int n = raw.length();
        int j = from;
        while (j < n && raw.charAt(j) >= 0x20 && raw.charAt(j) <= 0x3f) {
            j++;
        }
        if (j >= n) {
            return atEnd ? new int[] {n, from, n} : open(n - from, MAX_PARAMETERS, from);
        }
        char last = raw.charAt(j);
        // A final byte ends it; anything else (a control, a non-ASCII character) ends it malformed, before that.
        return new int[] {last >= 0x40 && last <= 0x7e ? j + 1 : j, from, j};
    }

    private static int[] string(CharSequence raw, int from, boolean atEnd) {
        int n = raw.length();
        for (int j = from; j < n; j++) {
            char c = raw.charAt(j);
            if (c == 0x07 || c == 0x9c) {
                return new int[] {j + 1, from, j};
            }
            if (c == ESC) {
                if (j + 1 >= n) {
                    return atEnd ? new int[] {n, from, j} : open(n - from, TerminalOutputMasker.LINE_WINDOW, from);
                }
                return new int[] {raw.charAt(j + 1) == '\\' ? j + 2 : j, from, j};
            }
        }
        return atEnd ? new int[] {n, from, n} : open(n - from, TerminalOutputMasker.LINE_WINDOW, from);
    }

    /** A sequence still open: null to wait for its end, or, past {@code most}, read as its introducer (ending at {@code text}). */
    private static int[] open(int length, int most, int text) {
        return length > most ? new int[] {text, 0, 0} : null;
    }
}
