package dev.tracegate.gateway.recording;

import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.regex.Pattern;

/**
 * How literals and comments are written in SQL text: where a token's contents lie between its
 * delimiters, and how a literal is written again with new contents. The recorder changes contents
 * only; the delimiters, and so what the text means to a lexer, stay as they were.
 */
final class LiteralSpelling {

    /** A literal written again, and where a position of its new contents lies in the new spelling. */
    record Spelled(String text, IntUnaryOperator position) {
    }

    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private LiteralSpelling() {
    }

    /**
     * The contents of a comment, quoted string or dollar quote in {@code text}, as [start, end)
     * ranges between its delimiters (an unterminated one runs to its end); a block comment's
     * contents are split at the comment marks nested inside it. Other tokens have none.
     */
    static List<int[]> contents(String text, SqlToken token) {
        int start = token.start();
        int end = token.end();
        if (token.kind() == SqlToken.Kind.COMMENT) {
            return text.startsWith("--", start) ? List.of(new int[] {start + 2, end}) : blockComment(text, start, end);
        }
        if (token.kind() == SqlToken.Kind.DOLLAR_STRING) {
            String tag = text.substring(start, text.indexOf('$', start + 1) + 1);
            int bodyEnd = terminated(text, token) ? end - tag.length() : end;
            return List.of(new int[] {start + tag.length(), Math.max(start + tag.length(), bodyEnd)});
        }
        if (token.kind() == SqlToken.Kind.STRING) {
            int quote = text.indexOf('\'', start);
            return List.of(new int[] {quote + 1, closingQuote(text, start, quote, end)});
        }
        return List.of();
    }

    /** Whether the literal or comment {@code token} has its closing delimiter (the lexer ran to the end otherwise). */
    static boolean terminated(String text, SqlToken token) {
        int start = token.start();
        int end = token.end();
        return switch (token.kind()) {
            case COMMENT -> text.startsWith("--", start) || blockDepthAt(text, start, end) == 0;
            case DOLLAR_STRING -> {
                String tag = text.substring(start, text.indexOf('$', start + 1) + 1);
                yield end - start >= 2 * tag.length() && text.startsWith(tag, end - tag.length());
            }
            case STRING -> {
                int quote = text.indexOf('\'', start);
                yield closingQuote(text, start, quote, end) < end;
            }
            default -> true;
        };
    }

    /**
     * {@code token} written again with {@code value} as its contents: a quoted string as a
     * standard string ({@code B}/{@code X} prefixes kept), a dollar quote with its tag (another
     * one if the new body holds it), a number as itself when it is still a number and as a
     * string otherwise. Unterminated literals stay unterminated.
     */
    static Spelled spell(String text, SqlToken token, String value) {
        boolean closed = terminated(text, token);
        return switch (token.kind()) {
            case DOLLAR_STRING -> {
                String tag = text.substring(token.start(), text.indexOf('$', token.start() + 1) + 1);
                String chosen = tag;
                for (int n = 0; value.contains(chosen); n++) {
                    chosen = "$tg" + n + "$";
                }
                int offset = chosen.length();
                yield new Spelled(chosen + value + (closed ? chosen : ""), p -> offset + p);
            }
            case NUMBER -> NUMBER.matcher(value).matches() ? new Spelled(value, p -> p) : numberAsString(text, token, value);
            default -> {
                char first = Character.toLowerCase(text.charAt(token.start()));
                yield quoted(first == 'b' || first == 'x' ? text.substring(token.start(), token.start() + 1) : "", value, closed);
            }
        };
    }

    /**
     * A number that is no longer one ({@code [CARD]}) becomes a string; a space keeps it apart from
     * a neighbour it would otherwise join: {@code 'a'4111...} must not become one string
     * {@code 'a''[CARD]'}, nor {@code U&4111...} a Unicode string.
     */
    private static Spelled numberAsString(String text, SqlToken token, String value) {
        boolean spaceBefore = token.start() > 0 && touches(text.charAt(token.start() - 1));
        boolean spaceAfter = token.end() < text.length() && touches(text.charAt(token.end()));
        Spelled quoted = quoted("", value, true);
        int shift = spaceBefore ? 1 : 0;
        return new Spelled((spaceBefore ? " " : "") + quoted.text() + (spaceAfter ? " " : ""),
                p -> shift + quoted.position().applyAsInt(p));
    }

    private static boolean touches(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '\'' || c == '"' || c == '&' || c >= 0x80;
    }

    private static Spelled quoted(String prefix, String value, boolean closed) {
        String body = value.replace("'", "''");
        int offset = prefix.length() + 1;
        return new Spelled(prefix + "'" + body + (closed ? "'" : ""),
                p -> offset + p + (int) value.substring(0, p).chars().filter(c -> c == '\'').count());
    }

    /**
     * The index of the quote closing the string token at {@code start} whose opening quote is at
     * {@code quote}, or {@code end} when none does. In an {@code E'...'} string a backslash escapes
     * the next character, so {@code \'} does not close it.
     */
    private static int closingQuote(String text, int start, int quote, int end) {
        boolean escapes = quote == start + 1 && Character.toLowerCase(text.charAt(start)) == 'e';
        for (int i = quote + 1; i < end; i++) {
            char c = text.charAt(i);
            if (escapes && c == '\\') {
                i++;
            } else if (c == '\'') {
                if (i + 1 < end && text.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return end;
    }

    private static List<int[]> blockComment(String text, int start, int end) {
        int stop = blockDepthAt(text, start, end) == 0 ? end - 2 : end;
        List<int[]> parts = new ArrayList<>();
        int from = start + 2;
        for (int i = from; i < stop - 1; i++) {
            if (text.startsWith("/*", i) || text.startsWith("*/", i)) {
                parts.add(new int[] {from, i});
                from = i + 2;
                i++;
            }
        }
        parts.add(new int[] {from, Math.max(from, stop)});
        return parts;
    }

    /** How many block comments opened at {@code start} are still open at {@code end}. */
    private static int blockDepthAt(String text, int start, int end) {
        int depth = 0;
        for (int i = start; i < end; i++) {
            if (text.startsWith("/*", i)) {
                depth++;
                i++;
            } else if (text.startsWith("*/", i) && depth > 0) {
                depth--;
                i++;
            }
        }
        return depth;
    }
}
