package dev.tracegate.policy.sql;

import java.util.Optional;

/**
 * Decodes the escapes of {@code E'...'} and {@code U&'...'} literals, so that a rule comparing a
 * literal (a setting name passed to {@code set_config}, a function name) sees what the server sees.
 */
final class EscapeStringDecoder {

    private EscapeStringDecoder() {
    }

    /**
     * Decodes one backslash escape starting at {@code sql[backslash]} into {@code out}.
     *
     * @return the index just after the escape
     */
    static int decodeEscape(String sql, int backslash, StringBuilder out) {
        int p = backslash + 1;
        char c = sql.charAt(p);
        switch (c) {
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'x' -> {
                int end = hexRun(sql, p + 1, 2);
                if (end == p + 1) {
                    out.append('x');
                    return p + 1;
                }
                out.append((char) Integer.parseInt(sql.substring(p + 1, end), 16));
                return end;
            }
            case 'u', 'U' -> {
                int digits = c == 'u' ? 4 : 8;
                int end = hexRun(sql, p + 1, digits);
                if (end - (p + 1) != digits) {
                    out.append(c);
                    return p + 1;
                }
                out.appendCodePoint(safeCodePoint(Long.parseLong(sql.substring(p + 1, end), 16)));
                return end;
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int end = p;
                    while (end < sql.length() && end < p + 3 && sql.charAt(end) >= '0' && sql.charAt(end) <= '7') {
                        end++;
                    }
                    out.append((char) (Integer.parseInt(sql.substring(p, end), 8) & 0xFF));
                    return end;
                }
                out.append(c);
            }
        }
        return p + 1;
    }

    /** Resolves {@code \XXXX}, {@code \+XXXXXX} and a doubled escape character; empty if invalid. */
    static Optional<String> decodeUnicode(String raw, char escape) {
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != escape) {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < raw.length() && raw.charAt(i + 1) == escape) {
                out.append(escape);
                i += 2;
            } else if (i + 1 < raw.length() && raw.charAt(i + 1) == '+' && hexRun(raw, i + 2, 6) == i + 8) {
                out.appendCodePoint(safeCodePoint(Long.parseLong(raw.substring(i + 2, i + 8), 16)));
                i += 8;
            } else if (hexRun(raw, i + 1, 4) == i + 5) {
                out.appendCodePoint(safeCodePoint(Long.parseLong(raw.substring(i + 1, i + 5), 16)));
                i += 5;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString());
    }

    private static int hexRun(String s, int from, int max) {
        int p = from;
        while (p < s.length() && p < from + max && Character.digit(s.charAt(p), 16) >= 0) {
            p++;
        }
        return p;
    }

    private static int safeCodePoint(long value) {
        return value >= 0 && value <= Character.MAX_CODE_POINT ? (int) value : 0xFFFD;
    }
}
