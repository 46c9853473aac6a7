package dev.tracegate.gateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a body is written, as its headers tell whoever reads it next: its content type, the
 * character set of its text and its content coding. The masker reads the bytes as the caller or
 * the target will read them, or not at all: a body it would read otherwise (compressed, in
 * UTF-16 or UTF-7, labelled twice, a byte range cut out of a document) is {@link BodyMasking.Kind#OTHER},
 * refused for masked callers like any body the masker cannot read.
 *
 * @param kind       how the masker reads the body
 * @param unreadable why the masker cannot read it, for the refusal's message; null when it can
 */
record BodyForm(BodyMasking.Kind kind, String unreadable) {

    /**
     * Character sets in which every ASCII character is its ASCII byte, so that the detectors,
     * which read ASCII digits, {@code @} and separators, see what the reader will see. Any other
     * (UTF-16 and UTF-32 put a zero byte in every ASCII character, UTF-7 writes {@code @} as
     * {@code +AEA-}, EBCDIC moves every letter) would pass personal data unread.
     */
    private static final Set<String> ASCII_COMPATIBLE = Set.of("utf-8", "utf8", "us-ascii", "ascii",
            "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7",
            "iso-8859-8", "iso-8859-9", "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
            "latin1", "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255",
            "windows-1256", "windows-1257", "windows-1258");

    /**
     * @param contentTypes     every {@code Content-Type} header's value, in order
     * @param contentEncodings every {@code Content-Encoding} header's value, in order
     */
    static BodyForm of(List<String> contentTypes, List<String> contentEncodings) {
        if (contentTypes.size() > 1) {
            return unreadable("a body with " + contentTypes.size() + " Content-Type headers");
        }
        String contentType = contentTypes.isEmpty() ? null : contentTypes.getFirst();
        if (contentType != null && contentType.indexOf(',') >= 0) {
            return unreadable("a body with more than one content type (" + contentType + ")");
        }
        String coding = contentCoding(contentEncodings);
        if (coding != null) {
            return unreadable("a body with Content-Encoding " + coding);
        }
        BodyMasking.Kind kind = BodyMasking.Kind.of(contentType);
        if (kind == BodyMasking.Kind.OTHER) {
            return unreadable(contentType == null ? "a body without a Content-Type" : "a " + contentType + " body");
        }
        String charset = hidingCharset(contentType);
        if (charset != null) {
            return unreadable("a body in charset " + charset);
        }
        return new BodyForm(kind, null);
    }

    /** The form of a body that is a part of the target's answer, not the whole (a byte range). */
    static BodyForm partial() {
        return unreadable("a partial answer (206 Partial Content)");
    }

    boolean maskable() {
        return unreadable == null;
    }

    private static BodyForm unreadable(String why) {
        return new BodyForm(BodyMasking.Kind.OTHER, why);
    }

    /** The codings applied to the body other than {@code identity}, as written; null when none. */
    static String contentCoding(List<String> contentEncodings) {
        StringBuilder codings = new StringBuilder();
        for (String header : contentEncodings) {
            for (String coding : header.split(",")) {
                String name = coding.strip();
                if (!name.isEmpty() && !name.equalsIgnoreCase("identity")) {
                    codings.append(codings.isEmpty() ? "" : ", ").append(name);
                }
            }
        }
        return codings.isEmpty() ? null : codings.toString();
    }

    /**
     * The content type's {@code charset} when it is one in which ASCII characters are not their
     * ASCII bytes (or there are two), lower case; null when there is none or it is one that is.
     */
    static String hidingCharset(String contentType) {
        String charset = charset(contentType);
        return charset == null || ASCII_COMPATIBLE.contains(charset) ? null : charset;
    }

    /**
     * The {@code charset} parameter, lower case and unquoted; null when there is none. Two of
     * them are ambiguous (readers differ in which one they take), so they read as an unknown one.
     */
    static String charset(String contentType) {
        List<String> found = parameters(contentType, "charset");
        return found.isEmpty() ? null : found.size() > 1 ? "(more than one)" : found.getFirst().toLowerCase(Locale.ROOT);
    }

    /** Every value of a content type's parameter (name in any case), unquoted, as written. */
    static List<String> parameters(String contentType, String name) {
        List<String> found = new ArrayList<>(1);
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            if (equals < 0 || !parameter.substring(0, equals).strip().equalsIgnoreCase(name)) {
                continue;
            }
            String value = parameter.substring(equals + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).strip();
            }
            found.add(value);
        }
        return found;
    }
}
