package dev.tracegate.wire.postgres.backend;

import java.util.Map;

/**
 * The typed fields shared by ErrorResponse and NoticeResponse. Each field is a one-byte code and a
 * string; unknown codes must be ignored by readers, and are kept here so a relayed message loses nothing.
 */
public sealed interface ResponseFields permits ErrorResponse, NoticeResponse {

    /** Severity, possibly localized: ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG. */
    char SEVERITY = 'S';
    /** Severity, never localized (PostgreSQL 9.6 and later). */
    char SEVERITY_NON_LOCALIZED = 'V';
    char SQLSTATE = 'C';
    char MESSAGE = 'M';
    char DETAIL = 'D';
    char HINT = 'H';
    char POSITION = 'P';
    char INTERNAL_POSITION = 'p';
    char INTERNAL_QUERY = 'q';
    char WHERE = 'W';
    char SCHEMA = 's';
    char TABLE = 't';
    char COLUMN = 'c';
    char DATA_TYPE = 'd';
    char CONSTRAINT = 'n';
    char FILE = 'F';
    char LINE = 'L';
    char ROUTINE = 'R';

    /** The fields in the order they were received or given. */
    Map<Character, String> fields();

    default String field(char code) {
        return fields().get(code);
    }

    /**
     * The severity for program logic: the non-localized 'V' field when present, otherwise 'S', so
     * "FATAL" compares equal whatever lc_messages the server uses.
     */
    default String severity() {
        String nonLocalized = field(SEVERITY_NON_LOCALIZED);
        return nonLocalized != null ? nonLocalized : field(SEVERITY);
    }

    /** The 'S' severity as the server sent it, possibly translated. */
    default String localizedSeverity() {
        return field(SEVERITY);
    }

    default String sqlState() {
        return field(SQLSTATE);
    }

    default String message() {
        return field(MESSAGE);
    }

    default String detail() {
        return field(DETAIL);
    }

    default String hint() {
        return field(HINT);
    }
}
