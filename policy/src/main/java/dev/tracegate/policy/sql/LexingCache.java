package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link SqlLexer#lex} for texts that repeat with other numbers: an application sends
 * {@code WHERE aid = 17}, then {@code WHERE aid = 42}, thousands of times a second, and the
 * classifier and the record's redaction each need the tokens of every one. The first text of a
 * shape is lexed; later texts of that shape get the same tokens with their own numbers and
 * positions, without lexing.
 *
 * <p>The shape is the text with every maximal run of ASCII digits replaced by a mark. A run that
 * the lexer made a whole {@link SqlToken.Kind#NUMBER} token on its own is <em>variable</em>; every
 * other run (inside a word such as {@code t1}, a parameter {@code $1}, a string, a comment, a
 * dollar-quote tag, a number such as {@code 1.5} or {@code 1e5}) is <em>fixed</em>: a later text is
 * served from the cached lexing only if its fixed runs are the same digits, so literal and comment
 * contents are never taken from another text. Replacing the digits of a variable run by other digits
 * cannot change the tokens around it: the lexer looks at a digit only to ask whether it is one
 * (never which), and every other character of the text is the same. So the tokens are exactly what
 * {@link SqlLexer#lex} would give ({@code LexingCacheTest} checks this against the lexer); each
 * token's text comes from the text being lexed or is the cached text's identical non-digit token.
 *
 * <p>Bounded: at most {@link #CAPACITY} shapes (CLOCK eviction), each from a text of at most
 * {@link #MAX_TEXT_LENGTH} characters and {@link #MAX_TOKENS} tokens; other texts are lexed every
 * time, as without the cache. Texts holding the mark character itself are never cached. Thread-safe.
 */
public final class LexingCache {

    public static final int CAPACITY = 1_024;
    public static final int MAX_TEXT_LENGTH = 4_096;
    public static final int MAX_TOKENS = 256;
    /** The longest text whose lexing a thread keeps for its next question (see {@link #lastOnThisThread}). */
    static final int MAX_REMEMBERED_LENGTH = 1_024;

    /** Stands for a run of digits in a shape; a text holding it is not cached, so shapes cannot collide. */
    private static final char DIGITS_MARK = '\u0000';
    private static final int MAX_RUNS = MAX_TOKENS;

    /**
     * A lexed text's tokens, with which digit runs are variable ({@code variableToken[k]} is the index
     * of run {@code k}'s NUMBER token) and the digits of the fixed ones.
     */
    private record Template(LexedSql lexed, int[] runStarts, int[] runEnds, int[] variableToken, String text) {
    }

    /** A text and its lexing, as this thread asked for it last. */
    private record LastLexing(String text, Lexing lexing) {
    }

    /** A text's shape and where its digit runs are. */
    private record Shape(String key, int[] starts, int[] ends) {
    }

    private final ClassificationCache<Template> templates = new ClassificationCache<>(CAPACITY);
    /**
     * The text this thread lexed last and its lexing, until the thread asks again: a session's
     * thread classifies a statement and then redacts it for the record, and both ask for its tokens
     * (without this, the shape of every statement would be found and its tokens derived twice).
     * Taken at the next question, whatever it is, so a session's thread holds at most one short
     * text's tokens between two statements.
     */
    private final ThreadLocal<LastLexing> lastOnThisThread = new ThreadLocal<>();

    /**
     * A text's tokens, and the text of the cached shape they were derived from: {@code template} is
     * the first text of that shape, which was lexed, or {@code null} when {@code sql} is not served
     * from a cached shape. Texts with the same template have the same tokens but for the digits (and
     * so the positions) of whole-number tokens: every other token is the template's, text and kind,
     * so what a caller derives from a template's tokens apart from its numbers holds for each of them.
     */
    public record Lexing(LexedSql lexed, String template) {
    }

    /** The tokens {@link SqlLexer#lex} gives for {@code sql}. */
    public LexedSql lex(String sql) {
        return lexing(sql).lexed();
    }

    /** The tokens {@link SqlLexer#lex} gives for {@code sql}, with the template they come from. */
    public Lexing lexing(String sql) {
        LastLexing last = lastOnThisThread.get();
        if (last != null) {
            lastOnThisThread.set(null); // (not remove: the thread's entry stays for the next statement, no allocation)
            if (last.text().equals(sql)) {
                return last.lexing(); // the record's redaction after the classifier, the same statement
            }
        }
        Lexing lexing = lexingOf(sql);
        if (sql.length() <= MAX_REMEMBERED_LENGTH) {
            lastOnThisThread.set(new LastLexing(sql, lexing));
        }
        return lexing;
    }

    private Lexing lexingOf(String sql) {
        Shape shape = sql.length() > MAX_TEXT_LENGTH ? null : shape(sql);
        if (shape == null) {
            return new Lexing(SqlLexer.lex(sql), null);
        }
        Template template = templates.get(shape.key());
        if (template != null) {
            LexedSql derived = derive(template, sql, shape);
            if (derived != null) {
                return new Lexing(derived, template.text());
            }
        }
        LexedSql lexed = SqlLexer.lex(sql);
        if (template == null && lexed.tokens().size() <= MAX_TOKENS) {
            templates.put(shape.key(), template(sql, shape, lexed));
            return new Lexing(lexed, sql);
        }
        return new Lexing(lexed, null);
    }

    int cachedShapes() {
        return templates.size();
    }

    /** The shape of {@code sql}, or {@code null} when it is not cached (the mark in it, too many runs). */
    private static Shape shape(String sql) {
        StringBuilder key = null;
        int[] starts = new int[4];
        int[] ends = new int[4];
        int runs = 0;
        int copied = 0;
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == DIGITS_MARK) {
                return null;
            }
            if (c < '0' || c > '9') {
                i++;
                continue;
            }
            int start = i;
            while (i < sql.length() && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
                i++;
            }
            if (runs == MAX_RUNS) {
                return null;
            }
            if (runs == starts.length) {
                starts = Arrays.copyOf(starts, runs * 2);
                ends = Arrays.copyOf(ends, runs * 2);
            }
            starts[runs] = start;
            ends[runs] = i;
            runs++;
            if (key == null) {
                key = new StringBuilder(sql.length());
            }
            key.append(sql, copied, start).append(DIGITS_MARK);
            copied = i;
        }
        String text = key == null ? sql : key.append(sql, copied, sql.length()).toString();
        return new Shape(text, Arrays.copyOf(starts, runs), Arrays.copyOf(ends, runs));
    }

    private static Template template(String sql, Shape shape, LexedSql lexed) {
        List<SqlToken> tokens = lexed.tokens();
        int[] variableToken = new int[shape.starts().length];
        int t = 0;
        for (int k = 0; k < variableToken.length; k++) {
            while (t < tokens.size() && tokens.get(t).end() <= shape.starts()[k]) {
                t++;
            }
            boolean whole = t < tokens.size() && tokens.get(t).kind() == SqlToken.Kind.NUMBER
                    && tokens.get(t).start() == shape.starts()[k] && tokens.get(t).end() == shape.ends()[k];
            variableToken[k] = whole ? t : -1;
        }
        return new Template(lexed, shape.starts(), shape.ends(), variableToken, sql);
    }

    /**
     * The template's tokens moved to {@code sql}'s numbers, or {@code null} when a fixed run of
     * {@code sql} holds other digits than the template's text (another statement; lexed instead).
     */
    private static LexedSql derive(Template template, String sql, Shape shape) {
        int[] starts = shape.starts();
        int[] ends = shape.ends();
        for (int k = 0; k < starts.length; k++) {
            int length = ends[k] - starts[k];
            if (template.variableToken()[k] < 0 && (template.runEnds()[k] - template.runStarts()[k] != length
                    || !template.text().regionMatches(template.runStarts()[k], sql, starts[k], length))) {
                return null;
            }
        }
        int k = nextVariable(template, 0);
        if (k == starts.length) {
            return template.lexed(); // every run fixed and equal: the same text
        }
        List<SqlToken> cached = template.lexed().tokens();
        List<SqlToken> tokens = new ArrayList<>(cached.size());
        int shift = 0;
        for (int t = 0; t < cached.size(); t++) {
            SqlToken token = cached.get(t);
            if (k < starts.length && template.variableToken()[k] == t) {
                tokens.add(new SqlToken(SqlToken.Kind.NUMBER, sql.substring(starts[k], ends[k]), starts[k], ends[k]));
                shift += (ends[k] - starts[k]) - (template.runEnds()[k] - template.runStarts()[k]);
                k = nextVariable(template, k + 1);
            } else {
                tokens.add(shift == 0 ? token
                        : new SqlToken(token.kind(), token.text(), token.start() + shift, token.end() + shift));
            }
        }
        return new LexedSql(tokens, template.lexed().unterminated());
    }

    private static int nextVariable(Template template, int from) {
        int k = from;
        while (k < template.variableToken().length && template.variableToken()[k] < 0) {
            k++;
        }
        return k;
    }
}
