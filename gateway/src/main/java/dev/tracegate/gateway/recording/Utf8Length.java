package dev.tracegate.gateway.recording;

/**
 * How many bytes {@code text.getBytes(UTF_8)} would give, counted without encoding it: whether a
 * command's text stays in its leaf is decided for every statement, and encoding the text only to
 * measure it was a copy of every statement. Utf8LengthTest holds it to the JDK's encoding.
 */
final class Utf8Length {

    private Utf8Length() {
    }

    static long of(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++; // an unpaired surrogate is encoded as '?'
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
