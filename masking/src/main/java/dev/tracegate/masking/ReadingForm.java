package dev.tracegate.masking;

import java.text.Normalizer;

/**
 * A text as a person reads it rather than as it is written: compatibility forms folded (NFKC:
 * full-width {@code ４１１１} is {@code 4111}, {@code ＠} is {@code @}), digits of any script as
 * ASCII digits ({@code ٤١١١}, Adlam's too, outside the Basic Multilingual Plane; a digit in a circle, {@code ❹}),
 * every space separator a space (a no-break or thin space between a card's groups), every dash, the minus
 * sign and what is drawn as one a hyphen (and the katakana prolonged sound mark after a digit, which Japanese input
 * methods type for the hyphen key), a middle dot, a bullet or another character drawn as a dot a dot, a division or
 * fraction slash a slash, and what draws nothing of its own gone: invisible
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
        } else if (isDotLookalike(c)) {
            read.append('.'); // middle dots and bullets: 4111·1111·1111·1111 is grouped by dots
        } else if (type == Character.SPACE_SEPARATOR) {
            read.append(' ');
        } else if (type == Character.DASH_PUNCTUATION || isHyphenLookalike(c)) {
            read.append('-'); // the minus sign is no dash to Unicode but is one to a reader
        } else if (isSlashLookalike(c)) {
            read.append('/'); // 4111∕1111∕1111∕1111 is grouped by slashes for a reader
        } else if (isEnclosedDigit(c)) {
            read.append((char) ('0' + Character.getNumericValue(c))); // ❹ ➀ ⓵: a digit in a circle, which NFKC keeps
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
     * Characters drawn as a dot that Unicode files as other punctuation, symbols or letters, and NFKC keeps: middle
     * dots and bullets ({@code · • ∙ ⋅ ・ ‧ ⸱ ⸳ ◦ ‣ ●}), the Lisu and Latin letters drawn as one ({@code ꓸ ꞏ}) and the full
     * stops of Urdu, Syriac and Vai ({@code ۔ ܂ ꘎}). Between a card's groups or in a domain they read as its dots
     * ({@code ada@exampleꓸcom}, {@code 4111⸱1111⸱1111⸱1111} reached masked callers in clear before 2026-12-07).
     */
    private static boolean isDotLookalike(int c) {
        return switch (c) {
            case 0x00b7, 0x2022, 0x2219, 0x22c5, 0x30fb, 0x2027, 0x2e31, 0x2e33, 0x25e6, 0x2023, 0x25cf, 0xa4f8, 0xa78f,
                 0x06d4, 0x0702, 0xa60e -> true;
            default -> false;
        };
    }

    /**
     * Characters drawn as a hyphen that are no dash to Unicode: the minus signs ({@code − ➖}), the hyphen bullet
     * ({@code ⁃}), the modifier letter minus ({@code ˗}) and horizontal lines ({@code ─ ━ ⎯}).
     */
    private static boolean isHyphenLookalike(int c) {
        return c == 0x2212 || c == 0x2796 || c == 0x2043 || c == 0x02d7 || c == 0x2500 || c == 0x2501 || c == 0x23af;
    }

    /** Characters drawn as a slash that NFKC keeps: the division and fraction slashes and the big solidi ({@code ∕ ⁄ ⧸ ╱ ⟋}). */
    private static boolean isSlashLookalike(int c) {
        return c == 0x2215 || c == 0x2044 || c == 0x29f8 || c == 0x2571 || c == 0x27cb;
    }

    /**
     * A digit drawn in a circle that NFKC leaves as it is (its circled forms {@code ①} fold to digits, the
     * dingbats' {@code ❹ ➀ ➍}, the double circled {@code ⓵} and the negative {@code ⓿} do not): Unicode files them
     * as other numbers, not as decimal digits, so they were read as symbols and a card written in them reached
     * masked callers in clear before 2026-12-07. Only single digits: a circled ten is a number, not a digit.
     */
    private static boolean isEnclosedDigit(int c) {
        if (Character.getType(c) != Character.OTHER_NUMBER) {
            return false;
        }
        Character.UnicodeBlock block = Character.UnicodeBlock.of(c);
        int value = Character.getNumericValue(c);
        return value >= 0 && value <= 9 && (block == Character.UnicodeBlock.ENCLOSED_ALPHANUMERICS
                || block == Character.UnicodeBlock.DINGBATS || block == Character.UnicodeBlock.ENCLOSED_ALPHANUMERIC_SUPPLEMENT);
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
