package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Optional;

/**
 * The token stream of a text, including comments and semicolons.
 *
 * @param unterminated set when the text ends inside a quote, comment or dollar quote; says which
 */
public record LexedSql(List<SqlToken> tokens, Optional<String> unterminated) {
    public LexedSql {
        tokens = List.copyOf(tokens);
    }
}
