package dev.tracegate.policy.sql;

/**
 * A statement's text as PostgreSQL reads it, for matching a rule's {@code command} pattern: every
 * comment and run of white space is one space, and quoted identifiers are spelt without their
 * quotes and escapes. {@code DROP/**}{@code /TABLE t}, {@code DROP -- x\nTABLE t} and
 * {@code SELECT U&"pg\005fread_file"('x')} read {@code DROP TABLE t} and
 * {@code SELECT pg_read_file('x')}, so a pattern written for the plain spelling finds them.
 * Strings, numbers and operators keep their spelling as written.
 */
public final class CommandReading {

    private CommandReading() {
    }

    /** The reading of {@code text}; the text itself when it has nothing to normalise. */
    public static String of(String text) {
        StringBuilder reading = new StringBuilder(text.length());
        int previousEnd = 0;
        for (SqlToken token : SqlLexer.lex(text).tokens()) {
            if (token.kind() == SqlToken.Kind.COMMENT) {
                continue;
            }
            if (token.start() > previousEnd && !reading.isEmpty()) {
                reading.append(' ');
            }
            reading.append(token.kind() == SqlToken.Kind.QUOTED_IDENTIFIER ? token.text()
                    : text.substring(token.start(), token.end()));
            previousEnd = token.end();
        }
        return reading.toString();
    }
}
