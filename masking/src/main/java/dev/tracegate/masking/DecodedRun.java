package dev.tracegate.masking;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A run of a text written in an encoding ({@link Base64Reading}, {@link HexReading}, {@link
 * Base32Reading}) and the text it decodes to.
 *
 * @param start where the run is written in the text
 * @param end   where it ends (Base64's padding included)
 * @param text  what it says
 */
record DecodedRun(int start, int end, String text) {

    /**
     * The shortest stretch of text {@link #textStretches} reads. Eight: shorter stretches are common
     * in random bytes (six printable characters in a row made a false e-mail address in a probe of
     * 100,000 random runs), and the values worth hiding this way are longer (an address such as
     * {@code jo@ex.io} has eight characters, a card thirteen or more).
     */
    private static final int SHORTEST_STRETCH = 8;

    /**
     * {@code bytes} as a person reads them after decoding, or {@code null} when they are not text:
     * UTF-8 without control characters (tab and line ends aside); or text among stray bytes
     * ({@link #textStretches}), which random bytes (a digest, a key) of a run's length almost
     * never are.
     */
    static String readable(byte[] bytes) {
        String text = text(bytes);
        return text != null ? text : textStretches(bytes);
    }

    /** {@code bytes} as UTF-8 text without control characters (tab and line ends aside), else {@code null}. */
    private static String text(byte[] bytes) {
        // Most runs fail on an early control byte (a card number read as hex, a digest) or are
        // ASCII: both are told without a decoder, which a scan of every card number would pay for.
        boolean ascii = true;
        for (byte b : bytes) {
            if ((b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b == 0x7f) {
                return null;
            }
            ascii &= b >= 0;
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars;
        try {
            chars = utf8.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException notText) {
            return null;
        }
        for (int k = 0; k < chars.length(); k++) {
            char c = chars.charAt(k);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return null;
            }
        }
        return chars.toString();
    }

    /**
     * The stretches of text among {@code bytes}, as {@code strings(1)} shows them in a binary file:
     * each run of at least {@value #SHORTEST_STRETCH} printable ASCII characters (tab and line ends
     * too) on a line of its own, NULs between characters dropped; {@code null} when there is none. So
     * text a person still reads after decoding is read here too, whatever stray bytes were put around
     * or inside it: a NUL before or after each character (UTF-16, what MySQL's {@code HEX(CONVERT(x
     * USING utf16))} prints), a byte of another character set (Latin-1's {@code é}), a byte in front,
     * in the middle or after it so that the whole is not UTF-8 ({@code E'\\x00'::bytea ||
     * convert_to(email, 'UTF8')}, hex digits appended). Random bytes (a digest, a key, an image) are
     * 37 % printable ASCII: eight in a row are rare in them, and a detector finds nothing there.
     */
    static String textStretches(byte[] bytes) {
        StringBuilder stretches = null;
        int start = 0;
        int characters = 0;
        for (int i = 0; i <= bytes.length; i++) {
            byte b = i < bytes.length ? bytes[i] : 1;
            if (b == 0) {
                continue;
            }
            if ((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\r' || b == '\t') {
                characters++;
                continue;
            }
            if (characters >= SHORTEST_STRETCH) {
                stretches = stretches == null ? new StringBuilder() : stretches;
                for (int k = start; k < i; k++) {
                    if (bytes[k] != 0) {
                        stretches.append((char) bytes[k]);
                    }
                }
                stretches.append('\n');
            }
            start = i + 1;
            characters = 0;
        }
        return stretches == null ? null : stretches.toString();
    }
}
