package dev.tracegate.gateway.postgres.results;

import java.util.Map;

/**
 * What a masked caller reads instead of the server's message for a command that may compute on
 * protected values, or for a message raised inside code of the database: the SQLSTATE and its condition (or at least its class) as PostgreSQL's
 * documentation names them, so the error stays actionable without its text, which can quote the
 * value that failed.
 */
final class WithheldMessage {

    /** Conditions a computation in a condition commonly raises; the rest are named by class. */
    private static final Map<String, String> CONDITIONS = Map.ofEntries(
            Map.entry("22P02", "invalid text representation"),
            Map.entry("22007", "invalid datetime format"),
            Map.entry("22008", "datetime field overflow"),
            Map.entry("22003", "numeric value out of range"),
            Map.entry("22012", "division by zero"),
            Map.entry("22023", "invalid parameter value"),
            Map.entry("22001", "string data right truncation"),
            Map.entry("22021", "character not in repertoire"),
            Map.entry("2200M", "invalid XML document"),
            Map.entry("2200N", "invalid XML content"),
            Map.entry("2201B", "invalid regular expression"),
            Map.entry("42601", "syntax error"),
            Map.entry("42602", "invalid name"),
            Map.entry("42704", "undefined object"),
            Map.entry("42883", "undefined function"),
            Map.entry("42P01", "undefined table"),
            Map.entry("42703", "undefined column"),
            Map.entry("57014", "query canceled"));
    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("00", "successful completion"), Map.entry("01", "warning"), Map.entry("02", "no data"),
            Map.entry("03", "SQL statement not yet complete"), Map.entry("08", "connection exception"),
            Map.entry("09", "triggered action exception"), Map.entry("0A", "feature not supported"),
            Map.entry("0B", "invalid transaction initiation"), Map.entry("0F", "locator exception"),
            Map.entry("0L", "invalid grantor"), Map.entry("0P", "invalid role specification"),
            Map.entry("0Z", "diagnostics exception"), Map.entry("20", "case not found"),
            Map.entry("21", "cardinality violation"), Map.entry("22", "data exception"),
            Map.entry("23", "integrity constraint violation"), Map.entry("24", "invalid cursor state"),
            Map.entry("25", "invalid transaction state"), Map.entry("26", "invalid SQL statement name"),
            Map.entry("27", "triggered data change violation"), Map.entry("28", "invalid authorization specification"),
            Map.entry("2B", "dependent privilege descriptors still exist"),
            Map.entry("2D", "invalid transaction termination"), Map.entry("2F", "SQL routine exception"),
            Map.entry("34", "invalid cursor name"), Map.entry("38", "external routine exception"),
            Map.entry("39", "external routine invocation exception"), Map.entry("3B", "savepoint exception"),
            Map.entry("3D", "invalid catalog name"), Map.entry("3F", "invalid schema name"),
            Map.entry("40", "transaction rollback"), Map.entry("42", "syntax error or access rule violation"),
            Map.entry("44", "WITH CHECK OPTION violation"), Map.entry("53", "insufficient resources"),
            Map.entry("54", "program limit exceeded"), Map.entry("55", "object not in prerequisite state"),
            Map.entry("57", "operator intervention"), Map.entry("58", "system error"),
            Map.entry("72", "snapshot failure"), Map.entry("F0", "configuration file error"),
            Map.entry("HV", "foreign data wrapper error"), Map.entry("P0", "PL/pgSQL error"),
            Map.entry("XX", "internal error"));

    private WithheldMessage() {
    }

    static String of(String sqlState) {
        return heading(sqlState) + ": this statement computes on protected columns, and the server's text could quote"
                + " their values; the error position, if any, says where it failed";
    }

    /**
     * For a message raised inside code the server ran on the caller's behalf: a trigger, a function
     * in a column default or a constraint, a deferred trigger at COMMIT. That code reads rows the
     * caller's statement never named ({@code RAISE NOTICE 'status of % changed', NEW.name}).
     */
    static String raisedInCode(String sqlState) {
        return heading(sqlState) + ": raised inside code of the database (a trigger or function) that can quote rows"
                + " your statement did not name; callers whose results are masked do not see its text";
    }

    private static String heading(String sqlState) {
        String code = sqlState == null ? "" : sqlState;
        String condition = CONDITIONS.get(code);
        if (condition == null && code.length() == 5) {
            condition = CLASSES.get(code.substring(0, 2));
        }
        return "tracegate: message withheld (SQLSTATE " + (code.isEmpty() ? "unknown" : code)
                + (condition == null ? "" : ", " + condition) + ")";
    }
}
