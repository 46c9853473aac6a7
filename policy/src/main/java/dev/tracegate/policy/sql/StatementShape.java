package dev.tracegate.policy.sql;

import java.util.Optional;

/**
 * A statement's shape: its text exactly as written (comments, quoting, case and spacing included)
 * with plain numeric literals abstracted, so that {@code WHERE aid = 17} and {@code WHERE aid = 42}
 * share one. The classifier keys JSqlParser's opinion on it, so two statements of one shape must
 * get the same opinion from the parser, whose tokenizer is not the project's lexer. A number is
 * therefore abstracted only when no reading of it can depend on its digits:
 *
 * <ul>
 *   <li>it is {@code 123} or {@code 1.25}, each run of digits at most {@value #MAX_DIGITS} long.
 *       Longer runs overflow an {@code int} (JSqlParser rejects {@code varchar(2147483648)} but not
 *       {@code varchar(10)}), and the other spellings ({@code 1e5}, {@code .5}, {@code 5.}) are
 *       kept as written: a different spelling is a different shape.</li>
 *   <li>it stands on its own: what touches it is a space, a bracket, a comma or an arithmetic or
 *       comparison operator. A number glued to a letter, digit, dot, quote, {@code $}, {@code :} before
 *       it, and so on, is kept as written: JSqlParser reads {@code 0x1F} as a hex literal and
 *       {@code 1x1F} or {@code 1from} as a name, where PostgreSQL and the project's lexer see a
 *       number and a word.</li>
 * </ul>
 *
 * Strings, dollar-quoted bodies, identifiers, comments, parameters ({@code $1}) and operators are
 * never abstracted: strings can carry SQL, and the rest is what the parser reads.
 */
final class StatementShape {

    /** Runs of at most this many digits are below 2^31, so no parser's integer conversion fails on them. */
    static final int MAX_DIGITS = 9;

    /** Stands for a run of digits; a text that contains it has no shape, so keys cannot collide. */
    static final char DIGITS_MARK = '\u0000';

    private static final String SEPARATES_BEFORE = "(,[=<>+-*/%";
    private static final String SEPARATES_AFTER = "),]=<>+-*/%:;";

    private StatementShape() {
    }

    /** The statement's shape, or empty when its text contains the mark itself. */
    static Optional<String> of(SqlStatement statement) {
        String text = statement.text();
        if (text.indexOf(DIGITS_MARK) >= 0) {
            return Optional.empty();
        }
        // Made on the first number abstracted: a statement with none (parameters only, as drivers
        // send them) is its own shape, and copying its text twice would change nothing.
        StringBuilder shape = null;
        int copied = 0;
        for (SqlToken token : statement.tokens()) {
            int start = token.start() - statement.start();
            int end = token.end() - statement.start();
            if (token.kind() == SqlToken.Kind.NUMBER && isPlain(token.text()) && standsAlone(text, start, end)) {
                if (shape == null) {
                    shape = new StringBuilder(text.length());
                }
                shape.append(text, copied, start);
                appendAbstracted(token.text(), shape);
                copied = end;
            }
        }
        return Optional.of(shape == null ? text : shape.append(text, copied, text.length()).toString());
    }

    /** {@code 123} or {@code 1.25}, each digit run at most {@link #MAX_DIGITS} long. */
    private static boolean isPlain(String number) {
        int dot = number.indexOf('.');
        return dot < 0 ? isDigitRun(number) : isDigitRun(number.substring(0, dot)) && isDigitRun(number.substring(dot + 1));
    }

    private static boolean isDigitRun(String s) {
        if (s.isEmpty() || s.length() > MAX_DIGITS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean standsAlone(String text, int start, int end) {
        return (start == 0 || separates(text.charAt(start - 1), SEPARATES_BEFORE))
                && (end == text.length() || separates(text.charAt(end), SEPARATES_AFTER));
    }

    private static boolean separates(char c, String symbols) {
        return SqlLexer.isSpace(c) || symbols.indexOf(c) >= 0;
    }

    /** Each digit run becomes one mark; the decimal point stays, so {@code 15} and {@code 1.5} differ. */
    private static void appendAbstracted(String number, StringBuilder shape) {
        int dot = number.indexOf('.');
        shape.append(DIGITS_MARK);
        if (dot >= 0) {
            shape.append('.').append(DIGITS_MARK);
        }
    }
}
