/**
 * SQL splitting and classification for the guard, per {@link dev.tracegate.policy.sql.SqlDialect}.
 *
 * <p>Entry points: {@link dev.tracegate.policy.sql.SqlClassifier} (text to
 * {@link dev.tracegate.policy.sql.SqlClassification}), {@link dev.tracegate.policy.sql.SqlScriptSplitter}
 * and {@link dev.tracegate.policy.sql.SqlLexer} (PostgreSQL-exact tokens and statement boundaries). The classifier is a security boundary: the
 * text is attacker-controlled, so what is not understood is UNKNOWN, which ranks as high as
 * DANGEROUS_ADMIN.
 */
package dev.tracegate.policy.sql;
