package dev.tracegate.masking;

import java.text.Normalizer;

/**
 * A text as a person reads it rather than as it is written: compatibility forms folded (NFKC:
 * full-width {@code ４１１１} is {@code 4111}, {@code ＠} is {@code @}), digits of any script as
 * ASCII digits ({@code ٤١١١}, Adlam's too, outside the Basic Multilingual Plane), every space
 * separator a space (a no-break or thin space between a card's groups), every dash and the minus
 * sign a hyphen (and the katakana prolonged sound mark after a digit, which Japanese input methods type
 * for the hyphen key), a middle dot or bullet a dot, and what draws nothing of its own gone: invisible
 * format characters (zero-width spaces and joiners, soft hyphens, tag characters), blank fillers
 * filed as letters or symbols (Hangul fillers, the Braille blank) and combining
 * marks on an ASCII character (an underline or a keycap drawn on a digit, a grapheme joiner). A run after a
 * right-to-left override ({@code U+202E}) is read reversed, as it is displayed. Before that, the
 * markup a browser or a decoder undoes ({@link MarkupDecoding}: character references, escapes, URL
 * encoding, inline HTML tags). The detectors read ASCII; a value written so that they miss what a
 * reader sees is masked whole by the scanner.
 */
final class ReadingForm {

    private static final int RIGHT_TO_LEFT_OVERRIDE = 0x202e;
    private static final int POP_DIRECTIONAL_FORMATTING = 0x202c;

    private ReadingForm() {
    }

    /** The text as read, or {@code null} when that is the text as written (all ASCII, the common case, costs one pass). */
    static String of(String text) {
        String decoded = MarkupDecoding.decode(text);
        if (isAscii(decoded)) {
            return decoded == text ? null : decoded;
        }
        String folded = Normalizer.normalize(decoded, Normalizer.Form.NFKC);
        StringBuilder read = new StringBuilder(folded.length());
        int reversedFrom = -1; // where the run an override displays right to left starts in read
        for (int i = 0; i < folded.length(); ) {
            int c = folded.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x80) {
                if (c == '\n' || c == '\r') {
                    reversedFrom = reversed(read, reversedFrom); // a paragraph ends every override
                }
                read.append((char) c);
                continue;
            }
            if (c == RIGHT_TO_LEFT_OVERRIDE) {
                reversedFrom = reversedFrom < 0 ? read.length() : reversedFrom;
            } else if (c == POP_DIRECTIONAL_FORMATTING) {
                reversedFrom = reversed(read, reversedFrom);
            } else {
                appendAsRead(read, c);
            }
        }
        reversed(read, reversedFrom);
        String result = read.toString();
        return result.equals(text) ? null : result;
    }

    private static void appendAsRead(StringBuilder read, int c) {
        int type = Character.getType(c);
        if (type == Character.FORMAT || isBlankFiller(c)) {
            return; // zero-width space, joiners, soft hyphen, byte-order mark, tag characters; blank fillers
        }
        if ((type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) && !read.isEmpty()
                && read.charAt(read.length() - 1) < 0x80) {
            return; // drawn on the ASCII character before (an underline, a keycap): that character is read; a script's own marks stay
        }
        if (c == '\u3002' || c == '\uff61') {
            read.append('.'); // the ideographic full stop, which NFKC keeps, ends a domain label for a reader
        } else if (c == '\u00b7' || c == '\u2022' || c == '\u2219' || c == '\u22c5' || c == '\u30fb' || c == '\u2027') {
            read.append('.'); // middle dots and bullets: 4111·1111·1111·1111 is grouped by dots
        } else if (type == Character.SPACE_SEPARATOR) {
            read.append(' ');
        } else if (type == Character.DASH_PUNCTUATION || c == '\u2212' || c == '\u2796' || c == '\u2043') {
            read.append('-'); // the minus sign is no dash to Unicode but is one to a reader
        } else if (c == '\u30fc' && !read.isEmpty() && Character.isDigit(read.charAt(read.length() - 1))) {
            // the katakana prolonged sound mark, which a Japanese input method in full-width mode types for the
            // hyphen key (its half-width form folds into it): after a digit it is that hyphen, in a word a vowel's length
            read.append('-');
        } else if (type == Character.DECIMAL_DIGIT_NUMBER) {
            read.append((char) ('0' + Character.digit(c, 10)));
        } else {
            read.appendCodePoint(c);
        }
    }

    /**
     * Characters that Unicode files as letters or symbols but that draw a blank: the Hangul fillers
     * ({@code U+3164}, its half-width form and the jamo fillers NFKC folds them into, {@code U+115F},
     * {@code U+1160}) and the Braille blank ({@code U+2800}). Put between a card's groups or before an
     * {@code @} they split the value for the detectors and for nobody who reads it.
     */
    private static boolean isBlankFiller(int c) {
        return c == 0x3164 || c == 0xffa0 || c == 0x115f || c == 0x1160 || c == 0x2800;
    }

    /** Reverses what {@code read} holds from {@code from} (a right-to-left override's run, as displayed); returns -1. */
    private static int reversed(StringBuilder read, int from) {
        if (from >= 0 && read.length() - from > 1) {
            String run = read.substring(from);
            read.setLength(from);
            read.append(new StringBuilder(run).reverse());
        }
        return -1;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
