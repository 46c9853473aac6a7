package dev.tracegate.policy.sql;

import dev.tracegate.policy.sql.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A lexer for MySQL and MariaDB text, read the way the server's own lexer ({@code sql_lex.cc})
 * reads it under one {@link MySqlReading}: which {@code sql_mode} flags are on and which
 * executable comments run. The gateway cannot know the session's {@code sql_mode} or exactly
 * which server a comment's version gate is measured against, so {@link MySqlTextClassifier} lexes a
 * text under every reading it could have and keeps the riskiest result.
 *
 * <p>Covered: {@code '...'} and {@code "..."} strings with doubled quotes and backslash escapes
 * (none under NO_BACKSLASH_ESCAPES; {@code "..."} is an identifier under ANSI_QUOTES);
 * {@code `...`} identifiers with doubled backticks; {@code X'..'}, {@code B'..'}, {@code N'..'},
 * {@code 0x..}, {@code 0b..}; {@code #} and {@code -- } comments (the second dash must be followed
 * by whitespace, a control character or the end: {@code --x} is two minus signs); block comments,
 * which do not nest and end at the first {@code *}{@code /}; executable comments {@code /*! ...}, version-gated
 * {@code /*!50700 ...} and MariaDB's {@code /*M! ...} whose content is lexed as SQL when the
 * reading runs it; user and system variables ({@code @x}, {@code @'x'}, {@code @@global.x}), which
 * become one {@link Kind#PARAMETER} token, also when written with spaces ({@code @ @ global . x}).
 * Unquoted words and quoted identifiers are folded to lower case (ASCII): MySQL keywords, function
 * and column names are case-insensitive.
 *
 * <p>What cannot be read the same way by every server and mode is reported as {@code ambiguous},
 * and the classifier refuses the text: a quote or comment inside an executable comment that runs
 * past the comment's first {@code *}{@code /} (a server that skips the comment ends it there), comments
 * inside executable comments, a semicolon inside one, a version of other than 5 digits (6 for
 * {@code /*M!}), and a NUL character (the server stops reading there).
 */
final class MySqlLexer {

    private static final List<String> OPERATORS = List.of(
            "<=>", "->>", "<=", ">=", "<>", "!=", "<<", ">>", "&&", "||", ":=", "->");
    private static final String SINGLE_OPERATORS = "+-*/<>=~!%^&|:";

    private final String sql;
    private final MySqlReading reading;
    private final List<SqlToken> tokens = new ArrayList<>();
    private final SortedSet<Integer> versions = new TreeSet<>();
    private int pos;
    private String unterminated;
    private String ambiguous;
    private boolean gated;
    /** Offset of the first {@code *}{@code /} after the open executable comment's marker; -1 when none is open. */
    private int executableEnd = -1;
    private boolean inExecutable;

    private MySqlLexer(String sql, MySqlReading reading) {
        this.sql = sql;
        this.reading = reading;
    }

    /**
     * The tokens of {@code sql} under {@code reading}; never throws.
     *
     * @param lexed tokens (comments and semicolons included) and whether the text ends unterminated
     * @param ambiguous set when servers or modes would read the text differently in a way no reading covers
     * @param versions the version gates of the executable comments met
     * @param gated whether any executable comment runs only on some servers (a version or {@code M!})
     */
    record Result(LexedSql lexed, Optional<String> ambiguous, SortedSet<Integer> versions, boolean gated) {
    }

    static Result lex(String sql, MySqlReading reading) {
        MySqlLexer lexer = new MySqlLexer(sql, reading);
        if (sql.indexOf('\0') >= 0) {
            // Outside a string the server stops reading at a NUL; inside one, a client that escapes
            // its strings never sends one raw. Refusing it closes every way a NUL could split readings.
            lexer.ambiguous("a NUL character: the server stops reading the statement there");
        }
        lexer.run();
        return new Result(new LexedSql(mergeVariables(lexer.tokens), Optional.ofNullable(lexer.unterminated)),
                Optional.ofNullable(lexer.ambiguous), lexer.versions, lexer.gated);
    }

    private void run() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (SqlLexer.isSpace(c)) {
                pos++;
            } else if (inExecutable && sql.startsWith("*/", pos)) {
                closeExecutable();
            } else if (c == '#' || (c == '-' && peek(1) == '-' && dashCommentFollows(pos + 2))) {
                lineComment();
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (c == '\'') {
                string(pos, '\'', reading.backslashEscapes());
            } else if (c == '"') {
                if (reading.ansiQuotes()) {
                    quotedIdentifier('"');
                } else {
                    string(pos, '"', reading.backslashEscapes());
                }
            } else if (c == '`') {
                quotedIdentifier('`');
            } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
                number();
            } else if (isIdentStart(c)) {
                wordOrPrefixedLiteral();
            } else if (c == ';') {
                if (inExecutable) {
                    ambiguous("a semicolon inside an executable comment");
                }
                add(Kind.SEMICOLON, ";", pos, pos + 1);
                pos++;
            } else if (c == '?') {
                add(Kind.PARAMETER, "?", pos, pos + 1);
                pos++;
            } else if ("(),.".indexOf(c) >= 0) {
                add(Kind.PUNCTUATION, String.valueOf(c), pos, pos + 1);
                pos++;
            } else if (c == '@') {
                add(Kind.OPERATOR, "@", pos, pos + 1);
                pos++;
            } else if (SINGLE_OPERATORS.indexOf(c) >= 0) {
                operator();
            } else {
                add(Kind.OTHER, String.valueOf(c), pos, pos + 1);
                pos++;
            }
        }
        if (inExecutable) {
            unterminated = "unterminated executable comment";
        }
    }

    /** MySQL: {@code --} starts a comment only before whitespace, a control character or the end of the text. */
    private boolean dashCommentFollows(int after) {
        if (after >= sql.length()) {
            return true;
        }
        char next = sql.charAt(after);
        return next <= ' ' || next == 0x7f;
    }

    /** {@code #} and {@code -- } comments run to the next line feed (a carriage return does not end them). */
    private void lineComment() {
        int start = pos;
        while (pos < sql.length() && sql.charAt(pos) != '\n') {
            pos++;
        }
        add(Kind.COMMENT, sql.substring(start, pos), start, pos);
    }

    private void blockComment() {
        int start = pos;
        int marker = pos + 2;
        boolean mariaDbOnly = false;
        if (charAt(marker) == 'M' || charAt(marker) == 'm') {
            mariaDbOnly = charAt(marker + 1) == '!';
            marker = mariaDbOnly ? marker + 1 : marker;
        }
        if (charAt(marker) != '!') {
            plainComment(start);
            return;
        }
        if (inExecutable) {
            ambiguous("an executable comment inside an executable comment");
            plainComment(start);
            return;
        }
        int digits = marker + 1;
        int body = digits;
        while (isDigit(charAt(body))) {
            body++;
        }
        int length = body - digits;
        boolean versioned = length > 0;
        if (versioned && length != 5 && !(mariaDbOnly && length == 6)) {
            ambiguous("an executable comment whose version has " + length + " digits: servers read it differently");
        }
        int version = versioned ? Integer.parseInt(sql.substring(digits, Math.min(body, digits + 6))) : 0;
        if (versioned) {
            versions.add(version);
        }
        gated |= versioned || mariaDbOnly;
        if (reading.runs(mariaDbOnly, versioned, version)) {
            executableEnd = sql.indexOf("*/", body);
            inExecutable = true;
            add(Kind.COMMENT, sql.substring(start, body), start, body);
            pos = body;
        } else {
            int end = sql.indexOf("*/", body);
            if (end >= 0 && sql.substring(body, end).contains("/*")) {
                ambiguous("a comment inside an executable comment");
            }
            plainComment(start);
        }
    }

    /** A block comment ends at the first {@code *}{@code /}: MySQL comments do not nest. */
    private void plainComment(int start) {
        int end = sql.indexOf("*/", start + 2);
        if (end < 0) {
            unterminated = "unterminated block comment";
            pos = sql.length();
        } else {
            pos = end + 2;
        }
        add(Kind.COMMENT, sql.substring(start, pos), start, pos);
    }

    /**
     * A server that skips an executable comment ends it at the first {@code *}{@code /}; one that runs it ends
     * it where the lexer reaches a {@code *}{@code /} outside quotes and comments. The readings agree only if
     * they are the same place.
     */
    private void closeExecutable() {
        if (pos != executableEnd) {
            ambiguous("a quote or comment inside an executable comment runs past its first */");
        }
        inExecutable = false;
        executableEnd = -1;
        add(Kind.COMMENT, "*/", pos, pos + 2);
        pos += 2;
    }

    /** {@code '...'} or {@code "..."}: a doubled quote is a quote; backslash escapes unless the reading turns them off. */
    private void string(int tokenStart, char quote, boolean escapes) {
        add(Kind.STRING, quoted(quote, escapes, "unterminated quoted string"), tokenStart, pos);
    }

    /** {@code `...`}, or {@code "..."} under ANSI_QUOTES: a doubled quote is a quote, no escapes. */
    private void quotedIdentifier(char quote) {
        int start = pos;
        String value = quoted(quote, false, "unterminated quoted identifier");
        add(Kind.QUOTED_IDENTIFIER, SqlLexer.foldCase(value), start, pos);
    }

    /** The value of the quoted text whose opening quote is at {@code pos}, leaving {@code pos} after it. */
    private String quoted(char quote, boolean escapes, String unterminatedReason) {
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == quote && peek(1) == quote) {
                value.append(quote);
                pos += 2;
            } else if (c == quote) {
                pos++;
                return value.toString();
            } else if (c == '\\' && escapes && pos + 1 < sql.length()) {
                value.append(unescape(sql.charAt(pos + 1)));
                pos += 2;
            } else {
                value.append(c);
                pos++;
            }
        }
        unterminated = unterminatedReason;
        return value.toString();
    }

    /** MySQL's escapes; {@code \%} and {@code \_} keep their backslash, any other escaped character is itself. */
    private static String unescape(char c) {
        return switch (c) {
            case '0' -> "\0";
            case 'b' -> "\b";
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case 'Z' -> "\u001A";
            case '%', '_' -> "\\" + c;
            default -> String.valueOf(c);
        };
    }

    /** {@code X'..'} and {@code B'..'}: digits up to the next quote, no escapes. */
    private void rawString(int tokenStart) {
        int close = sql.indexOf('\'', pos + 1);
        if (close < 0) {
            unterminated = "unterminated quoted string";
            pos = sql.length();
            add(Kind.STRING, sql.substring(tokenStart), tokenStart, pos);
            return;
        }
        add(Kind.STRING, sql.substring(pos + 1, close), tokenStart, close + 1);
        pos = close + 1;
    }

    /**
     * A number, or a hexadecimal/binary literal ({@code 0x1F}, {@code 0b101}, kept as strings: they
     * are constants), or, when letters follow the digits, an identifier ({@code 1abc} is a name in MySQL).
     */
    private void number() {
        int start = pos;
        char c1 = peek(1);
        if (sql.charAt(pos) == '0' && (c1 == 'x' || c1 == 'b')) {
            int p = pos + 2;
            while (c1 == 'x' ? isHexDigit(charAt(p)) : (charAt(p) == '0' || charAt(p) == '1')) {
                p++;
            }
            if (p > pos + 2 && !isIdentCont(charAt(p))) {
                add(Kind.STRING, sql.substring(start, p), start, p);
                pos = p;
                return;
            }
        }
        pos = SqlLexer.endOfNumber(sql, pos);
        if (isIdentCont(charAt(pos)) && sql.charAt(start) != '.' && sql.substring(start, pos).chars().allMatch(MySqlLexer::isDigit)) {
            while (isIdentCont(charAt(pos))) {
                pos++;
            }
            add(Kind.WORD, SqlLexer.foldCase(sql.substring(start, pos)), start, pos);
            return;
        }
        add(Kind.NUMBER, sql.substring(start, pos), start, pos);
    }

    private void wordOrPrefixedLiteral() {
        int start = pos;
        char c = sql.charAt(pos);
        if (peek(1) == '\'') {
            if (c == 'n' || c == 'N') {
                pos++;
                string(start, '\'', reading.backslashEscapes());
                return;
            }
            if (c == 'x' || c == 'X' || c == 'b' || c == 'B') {
                pos++;
                rawString(start);
                return;
            }
        }
        while (pos < sql.length() && isIdentCont(sql.charAt(pos))) {
            pos++;
        }
        add(Kind.WORD, SqlLexer.foldCase(sql.substring(start, pos)), start, pos);
    }

    /** MySQL's operators are a fixed set: the longest that matches. */
    private void operator() {
        for (String op : OPERATORS) {
            if (sql.startsWith(op, pos)) {
                add(Kind.OPERATOR, op, pos, pos + op.length());
                pos += op.length();
                return;
            }
        }
        add(Kind.OPERATOR, String.valueOf(sql.charAt(pos)), pos, pos + 1);
        pos++;
    }

    /**
     * {@code @name}, {@code @'name'}, {@code @@name}, {@code @@scope.name} become one PARAMETER token
     * whose text is {@code @name} or {@code @@scope.name} (lower case): a variable is a value of the
     * session, never a column of the row, and its scope decides what assigning it does. The
     * server's grammar allows spaces and comments between the parts; comments between them are
     * dropped with them.
     */
    private static List<SqlToken> mergeVariables(List<SqlToken> tokens) {
        List<SqlToken> out = new ArrayList<>(tokens.size());
        int i = 0;
        while (i < tokens.size()) {
            SqlToken token = tokens.get(i);
            if (!token.isSymbol("@")) {
                out.add(token);
                i++;
                continue;
            }
            int p = nextCode(tokens, i + 1);
            boolean system = p < tokens.size() && tokens.get(p).isSymbol("@");
            if (system) {
                p = nextCode(tokens, p + 1);
            }
            if (p >= tokens.size() || !(tokens.get(p).isIdentifier() || tokens.get(p).kind() == Kind.STRING)) {
                out.add(token);
                i++;
                continue;
            }
            StringBuilder name = new StringBuilder(system ? "@@" : "@").append(tokens.get(p).text().toLowerCase(java.util.Locale.ROOT));
            int end = p;
            int dot = nextCode(tokens, p + 1);
            int part = nextCode(tokens, dot + 1);
            if (system && dot < tokens.size() && tokens.get(dot).isSymbol(".") && part < tokens.size()
                    && tokens.get(part).isIdentifier()) {
                name.append('.').append(tokens.get(part).text());
                end = part;
            }
            out.add(new SqlToken(Kind.PARAMETER, name.toString(), token.start(), tokens.get(end).end()));
            i = end + 1;
        }
        return out;
    }

    private static int nextCode(List<SqlToken> tokens, int from) {
        int p = from;
        while (p < tokens.size() && tokens.get(p).kind() == Kind.COMMENT) {
            p++;
        }
        return p;
    }

    private void ambiguous(String reason) {
        if (ambiguous == null) {
            ambiguous = reason;
        }
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

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Unquoted MySQL identifiers: ASCII letters, digits, {@code _}, {@code $} and any character from U+0080. */
    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
    }

    private static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c);
    }
}
