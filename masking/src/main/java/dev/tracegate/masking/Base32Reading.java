package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * The runs of a text that are Base32 of readable text, decoded. {@code MFSGCQDFPBQW24DMMUXGG33N}
 * is an e-mail address to anyone who pipes it through {@code base32 -d}: RFC 4648's alphabet
 * ({@code A-Z 2-7}, {@code =} padding) is how {@code base32(1)}, Python's {@code b32encode}, TOTP
 * secrets and DNS labels carry bytes, and Crockford's ({@code 0-9} and the letters but {@code I L O
 * U}) how ULIDs and some APIs do. The detectors read the decoded text; what they find there masks
 * the whole run.
 *
 * <p>A run is at least {@value #MIN_RUN} letters and digits with letters of one case only, as both
 * alphabets write them (upper case, or lower case as DNS and some tools do; mixed case is
 * {@link Base64Reading Base64}'s), and at least one letter (a run of digits is a number, a card's
 * among them). It is read in RFC 4648's alphabet when it is written in it, else (or when that says
 * nothing) in Crockford's; it counts only when its bytes are readable text ({@link
 * DecodedRun#readable}), which random bytes of that length almost never are.
 */
final class Base32Reading {

    /** Sixteen characters are ten bytes: {@code ab@cd.com} and one more. */
    static final int MIN_RUN = 16;
    private static final int MAX_PADDING = 6;
    private static final String CROCKFORD_SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private Base32Reading() {
    }

    /** The runs of {@code text} that decode to readable text, in text order. */
    static List<DecodedRun> in(String text) {
        List<DecodedRun> decoded = new ArrayList<>(1);
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isAsciiAlnum(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isAsciiAlnum(text.charAt(i))) {
                i++;
            }
            int padded = i;
            while (padded < n && padded - i < MAX_PADDING && text.charAt(padded) == '=') {
                padded++;
            }
            String read = i - start >= MIN_RUN && oneCaseWithALetter(text, start, i) ? read(text, start, i) : null;
            if (read != null) {
                decoded.add(new DecodedRun(start, padded, read));
            }
        }
        return decoded;
    }

    private static String read(String text, int start, int end) {
        String read = inAlphabet(text, start, end, Alphabet.RFC_4648) ? decode(text, start, end, Alphabet.RFC_4648) : null;
        return read == null && inAlphabet(text, start, end, Alphabet.CROCKFORD) ? decode(text, start, end, Alphabet.CROCKFORD)
                : read;
    }

    /** Whether the run holds a letter and no two cases of letters. */
    private static boolean oneCaseWithALetter(String text, int start, int end) {
        boolean upper = false;
        boolean lower = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        return upper != lower;
    }

    private static boolean inAlphabet(String text, int start, int end, Alphabet alphabet) {
        for (int k = start; k < end; k++) {
            if (alphabet.value(text.charAt(k)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The run's bytes as readable text, or {@code null}; bits short of a byte at its end are dropped, as decoders do. */
    private static String decode(String text, int start, int end, Alphabet alphabet) {
        byte[] bytes = new byte[(end - start) * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int count = 0;
        for (int k = start; k < end && count < bytes.length; k++) {
            buffer = (buffer << 5) | alphabet.value(text.charAt(k));
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                bytes[count++] = (byte) (buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return DecodedRun.readable(bytes);
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The two alphabets, either case: a character's five bits, or -1 when it is not in the alphabet. */
    private enum Alphabet {
        RFC_4648 {
            @Override
            int value(char c) {
                char upper = upperCase(c);
                return upper >= 'A' && upper <= 'Z' ? upper - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
            }
        },
        /** Crockford's: no {@code U}; {@code I} and {@code L} read as one, {@code O} as zero, as its decoders read them. */
        CROCKFORD {
            @Override
            int value(char c) {
                char upper = upperCase(c);
                return upper == 'I' || upper == 'L' ? 1 : upper == 'O' ? 0 : CROCKFORD_SYMBOLS.indexOf(upper);
            }
        };

        abstract int value(char c);

        private static char upperCase(char c) {
            return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
        }
    }
}
