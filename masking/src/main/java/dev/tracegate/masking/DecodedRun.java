package dev.tracegate.masking;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A run of a text written in an encoding ({@link Base64Reading}, {@link HexReading}) and the text
 * it decodes to.
 *
 * @param start where the run is written in the text
 * @param end   where it ends (Base64's padding included)
 * @param text  what it says
 */
record DecodedRun(int start, int end, String text) {

    /**
     * {@code bytes} as text when they are UTF-8 without control characters (tab and line ends
     * aside), else {@code null}: what a person would read after decoding, which random bytes
     * (a digest, a key) of a run's length almost never are.
     */
    static String readable(byte[] bytes) {
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
}
