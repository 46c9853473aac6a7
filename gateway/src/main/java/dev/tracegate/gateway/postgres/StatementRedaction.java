package dev.tracegate.gateway.postgres;

import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.config.MaskingConfig;
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
    private static final ColumnRef STATEMENT = ColumnRef.expression("statement");
    /** Only the secret detector: personal data a caller types into a query is their own input, kept as sent. */
    private static final Masker SECRETS = new Masker(MaskingProfile.from(
            new MaskingConfig(List.of(EntityType.SECRET), null, List.of(), null, null, null, null, null), null));

    private StatementRedaction() {
    }

    /** The statement with role passwords and recognisable credentials replaced; the same string when there are none. */
    static String statement(String sql) {
        String withoutPasswords = rolePasswords(sql);
        String masked = SECRETS.maskText(STATEMENT, withoutPasswords, new MaskingReport()).value();
        return masked == null ? "[statement withheld: it could not be scanned for credentials]" : masked;
    }

    /** A bind parameter or function argument, scanned the same way. */
    static String value(String value) {
        if (value == null) {
            return null;
        }
        String masked = SECRETS.maskText(STATEMENT, value, new MaskingReport()).value();
        return masked == null ? "[withheld]" : masked;
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
