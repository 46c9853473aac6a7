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
    /** MySQL and MariaDB. */
    MYSQL
}
