package dev.tracegate.gateway.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a {@code multipart/form-data} body as the most lenient of the parsers a target
 * may use reads them: a delimiter at the start of any line (after CR LF or a bare LF), headers
 * ending at the first blank line either way, folded header lines joined, and each part's name
 * in every spelling a parser decodes (quoted with backslash escapes, a bare token, RFC 5987's
 * {@code name*=UTF-8''...}, percent-encoded). Reading more parts and more names than a strict
 * parser is the safe side: the policy weighs every method any of them could take the form for.
 */
final class MultipartFormFields {

    private static final Pattern NAME = Pattern.compile(
            "(?i)(?:^|;)\\s*name(\\*?)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"?|[^;]*)");

    /**
     * One part.
     *
     * @param names             every reading of its name; empty when it has none
     * @param transferEncoding  its {@code Content-Transfer-Encoding}, or null
     * @param contentType       its {@code Content-Type} (a charset its value is read in), or null
     * @param value             its content, read as UTF-8
     */
    record Field(List<String> names, String transferEncoding, String contentType, String value) {
    }

    private MultipartFormFields() {
    }

    /** @param boundary the content type's {@code boundary} parameter, unquoted */
    static List<Field> read(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1); // one char per byte: indexes are byte offsets
        String delimiter = "--" + boundary;
        List<Integer> starts = new ArrayList<>();
        for (int at = text.indexOf(delimiter); at >= 0; at = text.indexOf(delimiter, at + 1)) {
            if (at == 0 || text.charAt(at - 1) == '\n' || text.charAt(at - 1) == '\r') {
                starts.add(at);
            }
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int lineEnd = text.indexOf('\n', starts.get(i));
            int end = i + 1 < starts.size() ? starts.get(i + 1) : text.length();
            if (lineEnd >= 0 && lineEnd < end) {
                fields.add(part(body, text, lineEnd + 1, end));
            }
        }
        return fields;
    }

    private static Field part(byte[] body, String text, int from, int to) {
        String part = text.substring(from, to);
        int crlf = part.indexOf("\r\n\r\n");
        int lf = part.indexOf("\n\n");
        int headersEnd = crlf < 0 ? lf : lf < 0 ? crlf : Math.min(crlf, lf);
        int valueStart = headersEnd < 0 ? part.length() : headersEnd + (headersEnd == crlf ? 4 : 2);
        int valueEnd = part.length();
        if (part.endsWith("\r\n") && valueEnd - 2 >= valueStart) {
            valueEnd -= 2;
        } else if (part.endsWith("\n") && valueEnd - 1 >= valueStart) {
            valueEnd -= 1;
        }
        List<String> names = new ArrayList<>(1);
        String transferEncoding = null;
        String contentType = null;
        String headers = (headersEnd < 0 ? part : part.substring(0, headersEnd)).replaceAll("\r?\n[ \t]+", " ");
        for (String line : headers.split("\r?\n")) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : utf8(line.substring(colon + 1)).strip();
            if (name.equals("content-disposition")) {
                names.addAll(nameReadings(value));
            } else if (name.equals("content-transfer-encoding")) {
                transferEncoding = value.toLowerCase(Locale.ROOT);
            } else if (name.equals("content-type")) {
                contentType = contentType == null ? value : contentType + "; " + value; // two charsets: ambiguous
            }
        }
        return new Field(List.copyOf(names), transferEncoding, contentType,
                new String(body, from + valueStart, valueEnd - valueStart, StandardCharsets.UTF_8));
    }

    /** Every way a parser may read the {@code name} (and {@code name*}) parameters of a disposition. */
    private static List<String> nameReadings(String disposition) {
        List<String> readings = new ArrayList<>(3);
        Matcher names = NAME.matcher(disposition);
        while (names.find()) {
            String raw = names.group(2).strip();
            if (!names.group(1).isEmpty()) { // RFC 5987: charset'language'percent-encoded
                raw = raw.substring(raw.lastIndexOf('\'') + 1);
            }
            List<String> spellings = new ArrayList<>(List.of(raw));
            if (raw.startsWith("\"")) {
                String quoted = raw.substring(1, raw.endsWith("\"") && raw.length() > 1 ? raw.length() - 1 : raw.length());
                spellings.add(quoted);
                spellings.add(quoted.replaceAll("\\\\(.)", "$1"));
            }
            for (String spelling : spellings) {
                readings.add(spelling);
                readings.add(percentDecoded(spelling));
            }
        }
        return readings;
    }

    private static String percentDecoded(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
