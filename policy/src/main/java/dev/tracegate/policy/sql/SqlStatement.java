package dev.tracegate.policy.sql;

import java.util.List;

/**
 * One statement of a script.
 *
 * @param text the statement as written (comments included, the terminating semicolon excluded)
 * @param start offset of {@code text} in the script
 * @param end offset just after {@code text} in the script
 * @param tokens the normalised tokens, without comments; semicolons only inside a BEGIN ATOMIC body
 * @param comments the comments inside the statement (sqlcommenter puts trace context there)
 * @param incomplete the statement runs into an unterminated quote, comment or dollar quote
 */
public record SqlStatement(String text, int start, int end, List<SqlToken> tokens, List<SqlToken> comments,
                           boolean incomplete) {
    public SqlStatement {
        tokens = List.copyOf(tokens);
        comments = List.copyOf(comments);
    }
}
