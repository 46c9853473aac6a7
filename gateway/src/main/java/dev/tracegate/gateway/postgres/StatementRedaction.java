package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.recording.RecordedText;
import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.List;
import java.util.Locale;

/**
 * Credentials a client writes into a statement ({@code ALTER ROLE app PASSWORD '...'},
 * {@code dblink_connect('... password=...')}), taken out of the text the evidence keeps and
 * approvers see. The statement runs as written; the {@code command} event also carries the
 * SHA-256 of the original, so a statement someone already holds can still be matched to it.
 */
final class StatementRedaction {

    static final String PLACEHOLDER = "'[SECRET]'";

    private StatementRedaction() {
    }

    /** The statement with role passwords and recognisable credentials replaced; the same string when there are none. */
    static String statement(String sql) {
        return RecordedText.withoutCredentials(rolePasswords(sql));
    }

    /** A bind parameter or function argument, scanned the same way. */
    static String value(String value) {
        return RecordedText.withoutCredentials(value);
    }

    /** The literal after PASSWORD in CREATE/ALTER ROLE/USER (PostgreSQL's only place for one). */
    private static String rolePasswords(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains("password")) {
            return sql; // nearly every statement: no need to lex it again
        }
        List<SqlToken> tokens = SqlLexer.lex(sql).tokens().stream()
                .filter(token -> token.kind() != SqlToken.Kind.COMMENT).toList();
        StringBuilder out = null;
        int copied = 0;
        for (int i = 1; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isStringLiteral() && tokens.get(i - 1).isWord("password")) {
                if (out == null) {
                    out = new StringBuilder(sql.length());
                }
                out.append(sql, copied, token.start()).append(PLACEHOLDER);
                copied = token.end();
            }
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }
}
