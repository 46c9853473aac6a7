package dev.tracegate.masking;

import java.util.Locale;
import java.util.Set;

/**
 * What a browser, a JSON or JavaScript parser or a URL decoder shows of a text: HTML character
 * references decoded ({@code &#52;&#49;...}, {@code &#x40;}, {@code &nbsp;}), {@literal \}u0034
 * and {@literal \}x34 escapes (CSS's {@literal \}34 too), {@code %34} URL encoding (also encoded again: {@code %2540}
 * and {@code %252540} read as {@code @}; IIS's {@code %u0040}),
 * and, when one of them splits a value, inline HTML tags and comments removed ({@code
 * alice<span>@</span>example.com}, {@code 4111<!-- -->1111}); block tags ({@code <td>}, {@code <p>},
 * {@code <br>}) separate, so table cells are not joined. The scanner uses a reading form only where it shows more than the text as
 * written, so ordinary HTML is masked as written. Part of a text's {@link ReadingForm}; a value hidden by markup from detectors
 * that read the text as written is masked whole. One pass, linear in the text's length.
 */
final class MarkupDecoding {

    /** Tags that format text inside a line: a value split by them reads as one. Block tags separate. */
    private static final Set<String> INLINE_TAGS = Set.of(
            "span", "b", "i", "u", "s", "em", "strong", "small", "font", "a", "mark", "sub", "sup", "code", "kbd",
            "abbr", "bdi", "bdo", "del", "ins", "wbr", "tt", "var", "samp", "q", "cite", "dfn", "time", "data");
    private static final int MAX_TAG = 200;
    private static final int MAX_COMMENT = 500;
    /** The most characters of digits and {@code +} signs a form's value of a number is looked back through. */
    private static final int MAX_FORM_NUMBER = 24;
    /** The longest name of a character reference read ({@code NegativeVeryThinSpace}). */
    private static final int LONGEST_REFERENCE_NAME = 22;
    /** The longest line quoted-printable writes, its soft line break's {@code =} included. */
    private static final int QUOTED_PRINTABLE_LINE = 76;

    private MarkupDecoding() {
    }

    /** The decoded text, or {@code text} itself when nothing in it is markup (the common case allocates nothing). */
    static String decode(String text) {
        if (!mayHoldMarkup(text)) {
            return text;
        }
        boolean tags = aTagSplitsAValue(text);
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int end = -1;
            int decoded = -1; // a code point, or -1 to drop the markup
            switch (c) {
                case '&' -> {
                    long reference = characterReference(text, i);
                    if (reference >= 0) {
                        end = (int) (reference >>> 32);
                        decoded = (int) reference;
                    }
                }
                case '%' -> {
                    long percent = percentEncoding(text, i);
                    if (percent >= 0) {
                        end = (int) (percent >>> 32);
                        decoded = (int) percent;
                    }
                }
                case '\\' -> {
                    long escape = escape(text, i);
                    if (escape >= 0) {
                        end = (int) (escape >>> 32);
                        decoded = (int) escape;
                    }
                }
                case '=' -> {
                    end = softLineBreakEnd(text, i);
                    long encoded = end < 0 ? encodedUtf8(text, i, '=') : -1;
                    if (encoded >= 0) {
                        end = (int) (encoded >>> 32);
                        decoded = (int) encoded;
                    }
                }
                case '+' -> {
                    if (isFormSpaceBetweenDigits(text, i)) {
                        end = i + 1;
                        decoded = ' ';
                    }
                }
                case '<' -> end = tags ? inlineTagEnd(text, i) : -1;
                default -> {
                }
            }
            if (end < 0) {
                i++;
                continue;
            }
            out = out == null ? new StringBuilder(n) : out;
            out.append(text, copied, i);
            if (decoded >= 0) {
                out.appendCodePoint(decoded);
            }
            copied = end;
            i = end;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    private static boolean mayHoldMarkup(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '&' || c == '%' || c == '\\' || c == '<'
                    || (c == '=' && (softLineBreakEnd(text, i) > 0 || isQuotedPrintableCharacter(text, i)))
                    || (c == '+' && isFormSpaceBetweenDigits(text, i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@literal \}u0034, {@literal \}u{34} (JavaScript, Rust, Swift), {@literal \}x34, {@literal \}x{34} (Perl),
     * JSON's {@literal \}/, the octal {@literal \}064 of a printable ASCII character (C, Python, shell's
     * printf, PostgreSQL's E''), or else CSS's {@literal \}34 ({@link #cssEscape}):
     * {@code end << 32 | codePoint}, or -1.
     */
    private static long escape(String text, int i) {
        int n = text.length();
        char kind = i + 1 < n ? text.charAt(i + 1) : 0;
        int value = -1;
        int end = -1;
        if (kind == '\\' && i + 2 < n && (text.charAt(i + 2) == 'u' || text.charAt(i + 2) == 'x')) {
            return escape(text, i + 1); // escaped again, \\u0040 in a JSON text of a JavaScript string: what a second decoding reads
        }
        if ((kind == 'u' || kind == 'x') && i + 2 < n && text.charAt(i + 2) == '{') {
            int close = i + 3;
            while (close < n && close - i - 3 < 6 && hex(text.charAt(close)) >= 0) {
                close++;
            }
            if (close < n && text.charAt(close) == '}' && close > i + 3) {
                value = hexValue(text, i + 3, close);
                end = close + 1;
            }
        } else if (kind == 'u' || (kind == 'x' && !isHexDump(text, i + 2))) {
            end = i + 2 + (kind == 'u' ? 4 : 2);
            value = hexValue(text, i + 2, end);
        } else if (kind == '/') {
            // JSON's escaped solidus, which PHP's json_encode and others write for every slash:
            // https:\/\/hooks.slack.com\/services\/..., a Base64 value's / in a JSON text logged as it is
            value = '/';
            end = i + 2;
        } else if (kind >= '0' && kind <= '3' && i + 3 < n && isOctal(text.charAt(i + 2)) && isOctal(text.charAt(i + 3))) {
            value = (kind - '0') * 64 + (text.charAt(i + 2) - '0') * 8 + (text.charAt(i + 3) - '0');
            value = value >= 0x20 && value < 0x7f ? value : -1; // a control byte or a high one is no character to read
            end = i + 4;
        }
        if (value < 0 && hex(kind) >= 0) {
            long css = cssEscape(text, i);
            value = (int) css;
            end = (int) (css >>> 32);
        }
        if (value <= 0 || value > Character.MAX_CODE_POINT || (value >= 0xd800 && value <= 0xdfff)) {
            return -1;
        }
        return ((long) end << 32) | value;
    }

    /**
     * URL encoding of a printable ASCII character, {@code %40}, also when the encoding was itself
     * encoded, as a redirect parameter or a proxy that encodes again writes it ({@code %2540},
     * {@code %252540}: every {@code 25} before two hex digits is an encoded {@code %}), or IIS's
     * {@code %u0040}: {@code end << 32 | codePoint}, or -1.
     */
    private static long percentEncoding(String text, int i) {
        int n = text.length();
        if (i + 5 < n && text.charAt(i + 1) == 'u') {
            int value = hexValue(text, i + 2, i + 6);
            return value >= 0x20 && value != 0x7f && (value < 0xd800 || value > 0xdfff) ? ((long) (i + 6) << 32) | value : -1;
        }
        int k = i + 1;
        while (k + 3 < n && text.charAt(k) == '2' && text.charAt(k + 1) == '5' && hex(text.charAt(k + 2)) >= 0
                && hex(text.charAt(k + 3)) >= 0) {
            k += 2;
        }
        if (k + 1 >= n || hex(text.charAt(k)) < 0 || hex(text.charAt(k + 1)) < 0) {
            return -1;
        }
        int value = hex(text.charAt(k)) * 16 + hex(text.charAt(k + 1));
        if (value >= 0x80) {
            return encodedUtf8(text, i, '%');
        }
        return value >= 0x20 && value < 0x7f ? ((long) (k + 2) << 32) | value : -1;
    }

    /**
     * A character other than ASCII written as its UTF-8 bytes, each encoded: URL encoding ({@code %C2%A0}, a no-break
     * space, {@code %EF%BC%A0}, a full-width {@code @}; each byte's {@code %} maybe encoded again, {@code %25C2}) or
     * quoted-printable ({@code =E2=80=8B}, a zero-width space, as MIME writes every byte above ASCII):
     * {@code end << 32 | codePoint}, or -1. Only a whole, shortest sequence of a character that is no surrogate is read,
     * so that ordinary text with an {@code =} or a {@code %} before hex digits reads as written. Before 2026-12-07 only
     * ASCII was decoded, and a card's groups apart by an encoded no-break space, or digits and an {@code @} in
     * their full-width forms, reached masked callers in clear through a form's or a URL's value and a mail's body.
     */
    private static long encodedUtf8(CharSequence text, int i, char marker) {
        int[] at = {i};
        int lead = encodedByte(text, at, marker);
        int length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
        if (length == 0) {
            return -1;
        }
        int value = lead & (0x7f >> length);
        for (int k = 1; k < length; k++) {
            int next = encodedByte(text, at, marker);
            if (next < 0x80 || next > 0xbf) {
                return -1;
            }
            value = (value << 6) | (next & 0x3f);
        }
        boolean shortest = value >= (length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000);
        boolean character = value <= Character.MAX_CODE_POINT && (value < 0xd800 || value > 0xdfff);
        return shortest && character ? ((long) at[0] << 32) | value : -1;
    }

    /** Whether a character other than ASCII is written in quoted-printable at {@code i} ({@code =C2=A0}). */
    static boolean isQuotedPrintableCharacter(CharSequence text, int i) {
        return encodedUtf8(text, i, '=') >= 0;
    }

    /** The byte {@code marker} and two hex digits at {@code at[0]} encode ({@code %} maybe encoded again), moving past it; or -1. */
    private static int encodedByte(CharSequence text, int[] at, char marker) {
        int n = text.length();
        int k = at[0];
        if (k >= n || text.charAt(k) != marker) {
            return -1;
        }
        k++;
        while (marker == '%' && k + 3 < n && text.charAt(k) == '2' && text.charAt(k + 1) == '5' && hex(text.charAt(k + 2)) >= 0
                && hex(text.charAt(k + 3)) >= 0) {
            k += 2;
        }
        if (k + 1 >= n || hex(text.charAt(k)) < 0 || hex(text.charAt(k + 1)) < 0) {
            return -1;
        }
        at[0] = k + 2;
        return hex(text.charAt(k)) * 16 + hex(text.charAt(k + 1));
    }

    /**
     * CSS's escape, {@literal \}40 followed by a space (which it ends and CSS drops), six hex digits
     * ({@literal \}000040) or fewer before a character that is no hex digit ({@literal \}40.):
     * {@code end << 32 | codePoint}, or -1. A stylesheet's {@code content:} and an HTML page's inline
     * style write an address or a number so ({@code ada\40 example.com}). Only printable ASCII is read:
     * below a space it is a control character or a regular expression's class ({@literal \}d,
     * {@literal \}b), above it troff's font escapes ({@literal \}fB, {@literal \}f5) and Windows paths
     * ({@literal \}Ada) would read as letters that join the words around them.
     */
    private static long cssEscape(String text, int i) {
        int n = text.length();
        int end = i + 1;
        while (end < n && end - i - 1 < 6 && hex(text.charAt(end)) >= 0) {
            end++;
        }
        int value = hexValue(text, i + 1, end);
        if (value < 0x20 || value >= 0x7f) {
            return -1; // troff's font escapes, \fB and \f5, read as U+00FB and U+00F5: only ASCII is read so
        }
        if (end < n && (text.charAt(end) == ' ' || text.charAt(end) == '\t' || text.charAt(end) == '\n')) {
            end++; // the white space that ends the escape is part of it
        }
        return ((long) end << 32) | value;
    }

    /**
     * Whether a run of at least {@value HexReading#MIN_RUN} hex digits starts at {@code from}: after
     * {@literal \}x that is how PostgreSQL prints a {@code bytea} ({@literal \}x6164...), the bytes
     * written whole, not a character escaped (an escaped string escapes each byte: {@literal \}x61{@literal \}x64).
     */
    private static boolean isHexDump(String text, int from) {
        int end = from;
        while (end < text.length() && end - from < HexReading.MIN_RUN && hex(text.charAt(end)) >= 0) {
            end++;
        }
        return end - from >= HexReading.MIN_RUN;
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    /**
     * The end of a quoted-printable soft line break, or -1: an {@code =} that ends a line of 70 to 76
     * characters, which the decoder removes with the line break (MIME wraps a body's lines at 76
     * characters, inside an address or a card number too). Shorter lines are not read so: Base64's
     * padding ends its last line with an {@code =}, and a full line of Base64 has none.
     */
    static int softLineBreakEnd(CharSequence text, int i) {
        int next = i + 1;
        if (next < text.length() && text.charAt(next) == '\r') {
            next++;
        }
        if (next >= text.length() || text.charAt(next) != '\n') {
            return -1;
        }
        int lineStart = i;
        while (lineStart > 0 && i - lineStart < QUOTED_PRINTABLE_LINE && text.charAt(lineStart - 1) != '\n') {
            lineStart--;
        }
        int column = i - lineStart + 1;
        boolean wrapped = column >= QUOTED_PRINTABLE_LINE - 6 && (lineStart == 0 || text.charAt(lineStart - 1) == '\n');
        return wrapped ? next + 1 : -1;
    }

    /**
     * A {@code +} between two digits in a form's or a query string's value, which writes a space so
     * ({@code card=4111+1111+1111+1111}, what a browser sends for {@code 4111 1111 1111 1111}): the
     * digits and {@code +} signs before it, at most {@value #MAX_FORM_NUMBER} characters, follow an
     * {@code =}. Elsewhere a {@code +} between digits is a sum or the start of a phone number glued
     * to another number, read as written.
     */
    static boolean isFormSpaceBetweenDigits(CharSequence text, int i) {
        if (i == 0 || i + 1 >= text.length() || !isDigit(text.charAt(i - 1)) || !isDigit(text.charAt(i + 1))) {
            return false;
        }
        for (int k = i - 1; k >= 0 && i - k <= MAX_FORM_NUMBER; k--) {
            char c = text.charAt(k);
            if (c == '=') {
                return true;
            }
            if (!isDigit(c) && c != '+') {
                return false;
            }
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code &#64;}, {@code &#x40;} (the {@code ;} may be left out, as browsers allow) or a named one: {@code end << 32 | codePoint}, or -1. */
    private static long characterReference(String text, int i) {
        int n = text.length();
        if (startsWith(text, i, "&amp;")) {
            // escaped again, as HTML escaped twice writes a reference (&amp;#64;, &amp;amp;#64;, &amp;commat;):
            // what a second decoding reads; &amp; alone is left as written
            int again = i + 4;
            while (startsWith(text, again + 1, "amp;")) {
                again += 4;
            }
            return characterReference(text, again);
        }
        if (i + 2 < n && text.charAt(i + 1) == '#') {
            boolean hexadecimal = text.charAt(i + 2) == 'x' || text.charAt(i + 2) == 'X';
            int start = i + (hexadecimal ? 3 : 2);
            while (start < n && text.charAt(start) == '0' && start + 1 < n && (hexadecimal ? hex(text.charAt(start + 1)) >= 0
                    : text.charAt(start + 1) >= '0' && text.charAt(start + 1) <= '9')) {
                start++; // leading zeros, as many as a browser reads: &#00000052; is a 4
            }
            int end = start;
            long value = 0;
            while (end < n && end - start < 7 && (hexadecimal ? hex(text.charAt(end)) >= 0 : Character.isDigit(text.charAt(end))
                    && text.charAt(end) < 128)) {
                value = value * (hexadecimal ? 16 : 10) + (hexadecimal ? hex(text.charAt(end)) : text.charAt(end) - '0');
                end++;
            }
            if (end == start || value <= 0 || value > Character.MAX_CODE_POINT || (value >= 0xd800 && value <= 0xdfff)) {
                return -1;
            }
            end += end < n && text.charAt(end) == ';' ? 1 : 0;
            return ((long) end << 32) | value;
        }
        int semicolon = i + 1;
        while (semicolon < n && semicolon - i <= LONGEST_REFERENCE_NAME && text.charAt(semicolon) != ';') {
            semicolon++;
        }
        if (semicolon >= n || text.charAt(semicolon) != ';') {
            return -1;
        }
        int value = switch (text.substring(i + 1, semicolon).toLowerCase(Locale.ROOT)) {
            case "commat" -> '@';
            case "period" -> '.';
            case "middot", "centerdot", "bull", "bullet" -> '.';
            case "sol" -> '/';
            case "nbsp", "ensp", "emsp", "thinsp", "numsp", "puncsp", "hairsp", "emsp13", "emsp14", "nonbreakingspace",
                 "thinspace", "mediumspace", "verythinspace", "tab" -> ' ';
            case "newline" -> '\n';
            case "hyphen", "dash", "ndash", "mdash", "minus" -> '-';
            case "plus" -> '+';
            case "lpar" -> '(';
            case "rpar" -> ')';
            case "lowbar" -> '_';
            case "colon" -> ':';
            // what draws nothing: a soft hyphen, zero-width spaces and joiners (HTML names U+200B five ways), the word
            // joiner, invisible operators, direction marks; read as the soft hyphen the reading form drops
            case "shy", "zwsp", "zwj", "zwnj", "zerowidthspace", "negativeverythinspace", "negativethinspace",
                 "negativemediumspace", "negativethickspace", "nobreak", "ic", "invisiblecomma", "it", "invisibletimes",
                 "af", "applyfunction", "lrm", "rlm" -> 0xad;
            default -> -1;
        };
        return value < 0 ? -1 : ((long) (semicolon + 1) << 32) | value;
    }

    /**
     * Whether some run of inline tags stands inside a word or a value ({@code
     * alice<span>@</span>example.com}, {@code 4111<b></b>1111}): only then are inline tags removed,
     * so that ordinary HTML ({@code Hello <b>World</b>}) reads as written and costs no second scan.
     */
    private static boolean aTagSplitsAValue(String text) {
        int i = text.indexOf('<');
        while (i >= 0) {
            int end = i;
            int next;
            while (end < text.length() && text.charAt(end) == '<' && (next = inlineTagEnd(text, end)) > 0) {
                end = next;
            }
            if (i > 0 && end > i && end < text.length() && isValueChar(text.charAt(i - 1)) && isValueChar(text.charAt(end))) {
                return true;
            }
            i = text.indexOf('<', Math.max(end, i + 1));
        }
        return false;
    }

    private static boolean isValueChar(char c) {
        return !Character.isWhitespace(c) && c != '<' && c != '>';
    }

    /** The end of an inline tag or a comment at {@code i}, or -1 for any other {@code <}. */
    private static int inlineTagEnd(String text, int i) {
        if (text.startsWith("<!--", i)) {
            int last = Math.min(text.length() - 3, i + MAX_COMMENT);
            for (int close = i + 4; close <= last; close++) {
                if (text.charAt(close) == '-' && text.startsWith("-->", close)) {
                    return close + 3;
                }
            }
            return -1; // looked for within a bound: a text of unclosed comments costs linear time
        }
        int nameStart = i + 1 < text.length() && text.charAt(i + 1) == '/' ? i + 2 : i + 1;
        int nameEnd = nameStart;
        while (nameEnd < text.length() && nameEnd - nameStart < 8 && Character.isLetter(text.charAt(nameEnd))
                && text.charAt(nameEnd) < 128) {
            nameEnd++;
        }
        if (nameEnd == nameStart || !INLINE_TAGS.contains(text.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT))) {
            return -1;
        }
        for (int k = nameEnd; k < text.length() && k - i <= MAX_TAG; k++) {
            char c = text.charAt(k);
            if (c == '>') {
                return k + 1;
            }
            if (c == '<' || c == '\n' || (k == nameEnd && c != ' ' && c != '/' && c != '\t')) {
                return -1;
            }
        }
        return -1;
    }

    private static int hexValue(String text, int from, int to) {
        if (to > text.length()) {
            return -1;
        }
        int value = 0;
        for (int k = from; k < to; k++) {
            int digit = hex(text.charAt(k));
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static boolean startsWith(String text, int at, String prefix) {
        return at >= 0 && text.startsWith(prefix, at);
    }
}
