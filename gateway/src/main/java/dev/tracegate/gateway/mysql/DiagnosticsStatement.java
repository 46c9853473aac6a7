package dev.tracegate.gateway.mysql;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.List;

/**
 * MySQL's statements that read the diagnostics area another statement left: {@code SHOW WARNINGS},
 * {@code SHOW ERRORS} (and their {@code COUNT(*)}), which answer rows, and {@code GET [CURRENT |
 * STACKED] DIAGNOSTICS}, which copies messages into variables. MySQL quotes the values a
 * conversion failed on in those messages ({@code Truncated incorrect DOUBLE value: 'Ada
 * Lovelace'}), as PostgreSQL does in its errors. Read in every way a server could read the text
 * (comments, executable comments), like the policy's own reading.
 */
enum DiagnosticsStatement {
    /** Not one of them. */
    NONE,
    /** {@code SHOW WARNINGS} or {@code SHOW ERRORS}: a message column in its rows. */
    SHOW,
    /** {@code GET DIAGNOSTICS}: messages into variables, where no masking reaches them. */
    GET;

    static DiagnosticsStatement of(String sql, SqlDialect dialect) {
        var readings = SqlScriptSplitter.splitEveryReading(sql, dialect);
        if (readings.isEmpty()) {
            return GET; // read differently by different servers: refused by the policy; never passed
        }
        DiagnosticsStatement found = NONE;
        for (List<SqlStatement> reading : readings.get()) {
            for (SqlStatement statement : reading) {
                DiagnosticsStatement kind = of(statement.tokens());
                found = kind.ordinal() > found.ordinal() ? kind : found;
            }
        }
        return found;
    }

    private static DiagnosticsStatement of(List<SqlToken> tokens) {
        if (word(tokens, 0, "show")) {
            int next = word(tokens, 1, "count") ? 5 : 1; // SHOW COUNT(*) WARNINGS
            return word(tokens, next, "warnings") || word(tokens, next, "errors") ? SHOW : NONE;
        }
        if (word(tokens, 0, "get")) {
            int next = word(tokens, 1, "current") || word(tokens, 1, "stacked") ? 2 : 1;
            return word(tokens, next, "diagnostics") ? GET : NONE;
        }
        return NONE;
    }

    private static boolean word(List<SqlToken> tokens, int index, String word) {
        return index < tokens.size() && tokens.get(index).kind() == SqlToken.Kind.WORD
                && tokens.get(index).text().equals(word);
    }
}
