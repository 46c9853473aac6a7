package dev.tracegate.policy.sql;

import dev.tracegate.policy.sql.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A lexer that follows PostgreSQL's own scanner ({@code scan.l}) with
 * {@code standard_conforming_strings = on}, so that the gateway finds statement boundaries, keywords
 * and literals exactly where the server will.
 *
 * <p>Covered: {@code '...'} with {@code ''}; {@code E'...'} with backslash escapes; {@code U&'...'} and
 * {@code U&"..."} with {@code UESCAPE}; {@code B'...'}, {@code X'...'}, {@code N'...'};
 * {@code "..."} with {@code ""}; dollar quotes ({@code $$}, {@code $tag$}, while {@code $1} is a
 * parameter and {@code a$$b} an identifier); nested block comments; line comments; operators that
 * stop before {@code --} and {@code /*}. Unquoted words are folded to lower case the way PostgreSQL
 * folds them (ASCII letters only).
 */
public final class SqlLexer {

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";
    private static final String NON_TRIMMED_OPERATOR_CHARS = "~!@#%^&|`?";

    private final String sql;
    private final List<SqlToken> tokens = new ArrayList<>();
    private int pos;
    private String unterminated;

    private SqlLexer(String sql) {
        this.sql = sql;
    }

    /** Tokenises {@code sql}; never throws, an unterminated construct is reported in the result. */
    public static LexedSql lex(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        lexer.run();
        return new LexedSql(lexer.tokens, Optional.ofNullable(lexer.unterminated));
    }

    private void run() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (isSpace(c)) {
                pos++;
            } else if (c == '-' && peek(1) == '-') {
                lineComment();
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (c == '\'') {
                standardString(pos, pos);
            } else if (c == '"') {
                quotedIdentifier(pos, pos, false);
            } else if (c == '$') {
                dollar();
            } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
                number();
            } else if (isIdentStart(c)) {
                wordOrPrefixedLiteral();
            } else if (c == ';') {
                add(Kind.SEMICOLON, ";", pos, pos + 1);
                pos++;
            } else if (c == ':' && peek(1) == ':') {
                add(Kind.PUNCTUATION, "::", pos, pos + 2);
                pos += 2;
            } else if ("()[],.:".indexOf(c) >= 0) {
                add(Kind.PUNCTUATION, String.valueOf(c), pos, pos + 1);
                pos++;
            } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                operator();
            } else {
                add(Kind.OTHER, String.valueOf(c), pos, pos + 1);
                pos++;
            }
        }
    }

    private void lineComment() {
        int start = pos;
        while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
            pos++;
        }
        add(Kind.COMMENT, sql.substring(start, pos), start, pos);
    }

    /** PostgreSQL block comments nest; the comment ends only when every opener is closed. */
    private void blockComment() {
        int start = pos;
        int depth = 1;
        pos += 2;
        while (pos < sql.length() && depth > 0) {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                depth--;
                pos += 2;
            } else {
                pos++;
            }
        }
        if (depth > 0) {
            unterminated = "unterminated block comment";
        }
        add(Kind.COMMENT, sql.substring(start, pos), start, pos);
    }

    /** A standard string: backslash is an ordinary character, {@code ''} is a quote. */
    private void standardString(int tokenStart, int quote) {
        StringBuilder value = new StringBuilder();
        pos = quote + 1;
        while (true) {
            if (pos >= sql.length()) {
                unterminated = "unterminated quoted string";
                break;
            }
            char c = sql.charAt(pos);
            if (c == '\'') {
                if (peek(1) == '\'') {
                    value.append('\'');
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            value.append(c);
            pos++;
        }
        add(Kind.STRING, value.toString(), tokenStart, pos);
    }

    /** {@code E'...'}: backslash escapes, and {@code \'} does not end the string. */
    private void escapeString(int tokenStart, int quote) {
        StringBuilder value = new StringBuilder();
        pos = quote + 1;
        while (true) {
            if (pos >= sql.length()) {
                unterminated = "unterminated quoted string";
                break;
            }
            char c = sql.charAt(pos);
            if (c == '\'') {
                if (peek(1) == '\'') {
                    value.append('\'');
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            if (c == '\\' && pos + 1 < sql.length()) {
                pos = EscapeStringDecoder.decodeEscape(sql, pos, value);
                continue;
            }
            value.append(c);
            pos++;
        }
        add(Kind.STRING, value.toString(), tokenStart, pos);
    }

    private void quotedIdentifier(int tokenStart, int quote, boolean unicode) {
        StringBuilder value = new StringBuilder();
        pos = quote + 1;
        while (true) {
            if (pos >= sql.length()) {
                unterminated = "unterminated quoted identifier";
                break;
            }
            char c = sql.charAt(pos);
            if (c == '"') {
                if (peek(1) == '"') {
                    value.append('"');
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            value.append(c);
            pos++;
        }
        String text = unicode ? unicodeValue(value.toString()) : value.toString();
        add(Kind.QUOTED_IDENTIFIER, text, tokenStart, pos);
    }

    private void unicodeString(int tokenStart, int quote) {
        standardString(tokenStart, quote);
        SqlToken raw = tokens.removeLast();
        add(Kind.STRING, unicodeValue(raw.text()), tokenStart, pos);
    }

    /**
     * Resolves {@code U&} escapes, honouring a following {@code UESCAPE 'c'} clause (which is consumed).
     * An invalid escape makes PostgreSQL reject the statement; the raw text is kept then.
     */
    private String unicodeValue(String raw) {
        char escape = '\\';
        int after = skipSpaceAndComments(pos);
        if (sql.regionMatches(true, after, "uescape", 0, 7) && !isIdentCont(charAt(after + 7))) {
            int quote = skipSpaceAndComments(after + 7);
            if (charAt(quote) == '\'' && charAt(quote + 2) == '\'' && quote + 2 < sql.length()) {
                escape = sql.charAt(quote + 1);
                pos = quote + 3;
            }
        }
        return EscapeStringDecoder.decodeUnicode(raw, escape).orElse(raw);
    }

    private int skipSpaceAndComments(int from) {
        int p = from;
        while (p < sql.length()) {
            if (isSpace(sql.charAt(p))) {
                p++;
            } else if (sql.startsWith("--", p)) {
                while (p < sql.length() && sql.charAt(p) != '\n' && sql.charAt(p) != '\r') {
                    p++;
                }
            } else if (sql.startsWith("/*", p)) {
                int depth = 1;
                p += 2;
                while (p < sql.length() && depth > 0) {
                    if (sql.startsWith("/*", p)) {
                        depth++;
                        p += 2;
                    } else if (sql.startsWith("*/", p)) {
                        depth--;
                        p += 2;
                    } else {
                        p++;
                    }
                }
            } else {
                break;
            }
        }
        return p;
    }

    /** {@code $1} is a parameter; {@code $$} or {@code $tag$} opens a dollar quote. */
    private void dollar() {
        int start = pos;
        if (isDigit(peek(1))) {
            int p = pos + 1;
            while (p < sql.length() && isDigit(sql.charAt(p))) {
                p++;
            }
            add(Kind.PARAMETER, sql.substring(start, p), start, p);
            pos = p;
            return;
        }
        int p = pos + 1;
        if (p < sql.length() && isIdentStart(sql.charAt(p))) {
            p++;
            while (p < sql.length() && isIdentCont(sql.charAt(p)) && sql.charAt(p) != '$') {
                p++;
            }
        }
        if (charAt(p) != '$') {
            add(Kind.OTHER, "$", start, start + 1);
            pos++;
            return;
        }
        String delimiter = sql.substring(start, p + 1);
        int bodyStart = p + 1;
        int close = sql.indexOf(delimiter, bodyStart);
        if (close < 0) {
            unterminated = "unterminated dollar-quoted string";
            pos = sql.length();
            add(Kind.DOLLAR_STRING, sql.substring(bodyStart), start, pos);
            return;
        }
        pos = close + delimiter.length();
        add(Kind.DOLLAR_STRING, sql.substring(bodyStart, close), start, pos);
    }

    /**
     * Digits, an optional fraction and exponent. Letters right after a number start a new word, as
     * in PostgreSQL before 16 ({@code SELECT 1into t} means {@code SELECT 1 INTO t}); 16+ rejects it.
     */
    private void number() {
        int start = pos;
        pos = endOfNumber(sql, pos);
        add(Kind.NUMBER, sql.substring(start, pos), start, pos);
    }

    private void wordOrPrefixedLiteral() {
        int start = pos;
        char c = sql.charAt(pos);
        char next = peek(1);
        if ((c == 'e' || c == 'E') && next == '\'') {
            escapeString(start, pos + 1);
            return;
        }
        if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && next == '\'') {
            standardString(start, pos + 1);
            return;
        }
        if ((c == 'u' || c == 'U') && next == '&' && (peek(2) == '\'' || peek(2) == '"')) {
            if (peek(2) == '\'') {
                unicodeString(start, pos + 2);
            } else {
                quotedIdentifier(start, pos + 2, true);
            }
            return;
        }
        while (pos < sql.length() && isIdentCont(sql.charAt(pos))) {
            pos++;
        }
        add(Kind.WORD, foldCase(sql.substring(start, pos)), start, pos);
    }

    /**
     * An operator is a run of operator characters that stops before a comment start, and (as in
     * PostgreSQL) loses a trailing {@code +}/{@code -} unless it contains one of {@code ~!@#%^&|`?},
     * so that {@code =-1} is {@code =} then {@code -1}.
     */
    private void operator() {
        int start = pos;
        int p = pos;
        while (p < sql.length() && OPERATOR_CHARS.indexOf(sql.charAt(p)) >= 0) {
            if (p > start && (sql.startsWith("--", p) || sql.startsWith("/*", p))) {
                break;
            }
            p++;
        }
        int end = p;
        if (end - start > 1 && !containsNonTrimmedOperatorChar(start, end)) {
            while (end - start > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
                end--;
            }
        }
        add(Kind.OPERATOR, sql.substring(start, end), start, end);
        // PostgreSQL scans the signs trimmed off again, and each becomes an operator of its own (a
        // run of only + and - keeps one character). Emitting them here reads the run once: scanning
        // it again from every sign would take quadratic time on a long run.
        for (int i = end; i < p; i++) {
            add(Kind.OPERATOR, String.valueOf(sql.charAt(i)), i, i + 1);
        }
        pos = p;
    }

    /** The end of the digits, optional fraction and optional exponent from {@code start} (MySQL reads numbers alike). */
    static int endOfNumber(String sql, int start) {
        int p = start;
        while (p < sql.length() && isDigit(sql.charAt(p))) {
            p++;
        }
        if (p < sql.length() && sql.charAt(p) == '.' && (p + 1 >= sql.length() || sql.charAt(p + 1) != '.')) {
            p++;
            while (p < sql.length() && isDigit(sql.charAt(p))) {
                p++;
            }
        }
        if (p < sql.length() && (sql.charAt(p) == 'e' || sql.charAt(p) == 'E')) {
            int e = p + 1;
            if (e < sql.length() && (sql.charAt(e) == '+' || sql.charAt(e) == '-')) {
                e++;
            }
            if (e < sql.length() && isDigit(sql.charAt(e))) {
                p = e;
                while (p < sql.length() && isDigit(sql.charAt(p))) {
                    p++;
                }
            }
        }
        return p;
    }

    private boolean containsNonTrimmedOperatorChar(int start, int end) {
        for (int i = start; i < end; i++) {
            if (NON_TRIMMED_OPERATOR_CHARS.indexOf(sql.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL folds only ASCII letters in unquoted identifiers (for UTF-8 databases). */
    static String foldCase(String word) {
        StringBuilder folded = null;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (folded == null) {
                    folded = new StringBuilder(word);
                }
                folded.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return folded == null ? word : folded.toString();
    }

    private void add(Kind kind, String text, int start, int end) {
        tokens.add(new SqlToken(kind, text, start, end));
    }

    private char peek(int offset) {
        return charAt(pos + offset);
    }

    private char charAt(int index) {
        return index >= 0 && index < sql.length() ? sql.charAt(index) : '\0';
    }

    /** PostgreSQL's whitespace: space, tab, newline, carriage return, form feed, vertical tab. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }
}
