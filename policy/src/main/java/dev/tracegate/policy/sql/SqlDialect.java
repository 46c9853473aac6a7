package dev.tracegate.policy.sql;

/**
 * Whose SQL a text is. Lexing depends on it (PostgreSQL's standard-conforming strings and dollar
 * quotes; MySQL's backticks, {@code #} comments, backslash escapes and executable {@code /*! *}{@code /}
 * comments), so a text is never read in a dialect it was not written in: a dialect without a lexer
 * of its own is classified as not understood.
 */
public enum SqlDialect {
    /** PostgreSQL, with {@code standard_conforming_strings} on and a UTF-8 client encoding. */
    POSTGRESQL,
    /**
     * MySQL and MariaDB, in a session whose last server status did not have
     * {@code SERVER_STATUS_NO_BACKSLASH_ESCAPES}: backslashes escape in strings. {@code sql_mode}'s
     * ANSI_QUOTES has no status flag, so {@code "} is read both as a string and as an identifier.
     */
    MYSQL,
    /**
     * MySQL and MariaDB in a session whose server status has {@code SERVER_STATUS_NO_BACKSLASH_ESCAPES}
     * (sent in every OK packet): a backslash is an ordinary character in strings.
     */
    MYSQL_NO_BACKSLASH_ESCAPES
}
