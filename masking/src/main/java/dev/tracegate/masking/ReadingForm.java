package dev.tracegate.masking;

import java.text.Normalizer;

/**
 * A text as a person reads it rather than as it is written: compatibility forms folded (NFKC:
 * full-width {@code ４１１１} is {@code 4111}, {@code ＠} is {@code @}), digits of any script as
 * ASCII digits ({@code ٤١١١}), every space separator a space (a no-break or thin space between a
 * card's groups), every dash a hyphen, and invisible format characters (zero-width spaces and
 * joiners, soft hyphens) gone; before that, the markup a browser or a decoder undoes ({@link
 * MarkupDecoding}: character references, escapes, URL encoding, inline HTML tags). The detectors read ASCII; a value written so that they miss what a
 * reader sees is masked whole by the scanner.
 */
final class ReadingForm {

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
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c < 0x80) {
                read.append(c);
                continue;
            }
            int type = Character.getType(c);
            if (type == Character.FORMAT) {
                continue; // zero-width space, joiners, soft hyphen, byte-order mark
            }
            if (c == '\u3002' || c == '\uff61') {
                read.append('.'); // the ideographic full stop, which NFKC keeps, ends a domain label for a reader
            } else if (type == Character.SPACE_SEPARATOR) {
                read.append(' ');
            } else if (type == Character.DASH_PUNCTUATION) {
                read.append('-');
            } else if (type == Character.DECIMAL_DIGIT_NUMBER) {
                read.append((char) ('0' + Character.digit(c, 10)));
            } else {
                read.append(c);
            }
        }
        String result = read.toString();
        return result.equals(text) ? null : result;
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
