package dev.tracegate.policy.trace;

import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code traceparent} that sqlcommenter puts in a comment, usually at the end of a
 * statement: {@code /*controller='index',traceparent='00-<32 hex>-<16 hex>-01'*}{@code /}. Keys and
 * values are URL-encoded; values are in single quotes with {@code \'} escapes. Only real comments
 * are read (the lexer tells them from string literals); when several carry a traceparent, the last
 * one wins, as sqlcommenter appends. Malformed or all-zero ids yield nothing.
 */
public final class TraceContextExtractor {

    private TraceContextExtractor() {
    }

    public static Optional<TraceContext> extract(String sql) {
        if (!sql.contains("/*") || !sql.contains("traceparent")) {
            // No block comment can hold the key: the statement need not be lexed again for it (every statement asks).
            return Optional.empty();
        }
        Optional<TraceContext> found = Optional.empty();
        for (SqlToken token : SqlLexer.lex(sql).tokens()) {
            if (token.kind() != SqlToken.Kind.COMMENT || !token.text().startsWith("/*") || !token.text().endsWith("*/")
                    || token.text().length() < 4) {
                continue;
            }
            String body = token.text().substring(2, token.text().length() - 2);
            Optional<TraceContext> here = pairs(body).map(p -> p.get("traceparent")).flatMap(TraceContextExtractor::parse);
            if (here.isPresent()) {
                found = here;
            }
        }
        return found;
    }

    /** Parses {@code 00-<trace-id>-<parent-id>-<flags>} per W3C Trace Context. */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        String value = traceparent.trim();
        if (value.length() < 55 || !isLowerHex(value, 0, 2) || value.startsWith("ff") || value.charAt(2) != '-'
                || !isLowerHex(value, 3, 35) || value.charAt(35) != '-' || !isLowerHex(value, 36, 52)
                || value.charAt(52) != '-' || !isLowerHex(value, 53, 55)) {
            return Optional.empty();
        }
        boolean versionZero = value.startsWith("00");
        if ((versionZero && value.length() != 55) || (!versionZero && value.length() > 55 && value.charAt(55) != '-')) {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String spanId = value.substring(36, 52);
        if (isAllZero(traceId) || isAllZero(spanId)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, spanId, value.substring(53, 55)));
    }

    /** {@code key='value',key2='value2'}; empty if the comment is not in that form. */
    private static Optional<Map<String, String>> pairs(String body) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        int n = body.length();
        while (true) {
            while (i < n && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return Optional.of(pairs);
            }
            int eq = body.indexOf('=', i);
            if (eq < 0 || eq + 1 >= n || body.charAt(eq + 1) != '\'') {
                return Optional.empty();
            }
            String key = body.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int p = eq + 2;
            while (p < n && body.charAt(p) != '\'') {
                if (body.charAt(p) == '\\' && p + 1 < n) {
                    p++;
                }
                value.append(body.charAt(p));
                p++;
            }
            if (p >= n) {
                return Optional.empty();
            }
            Optional<String> decodedKey = percentDecode(key);
            Optional<String> decodedValue = percentDecode(value.toString());
            if (decodedKey.isEmpty() || decodedValue.isEmpty()) {
                return Optional.empty();
            }
            pairs.put(decodedKey.get(), decodedValue.get());
            i = p + 1;
            while (i < n && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            if (i < n && body.charAt(i) != ',') {
                return Optional.empty();
            }
            i++;
        }
    }

    /** Percent-decoding without form semantics ({@code +} stays {@code +}). */
    private static Optional<String> percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return Optional.of(s);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                byte[] encoded = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i = end - 1;
            }
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }
}
