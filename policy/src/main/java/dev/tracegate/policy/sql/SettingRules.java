package dev.tracegate.policy.sql;

import java.util.Locale;
import java.util.Set;

/**
 * Which run-time settings a client may change harmlessly. An allowlist, not a denylist: a setting
 * that is not known to be harmless is UNKNOWN, because PostgreSQL has many settings that change
 * identity, logging (the evidence the gateway relies on), trigger firing or how text is lexed.
 */
final class SettingRules {

    /** Settings that change the database identity the session acts as. */
    private static final Set<String> IDENTITY = Set.of("role", "session_authorization");

    /** Settings whose change defeats other safeguards. */
    private static final Set<String> SAFEGUARD = Set.of(
            "session_replication_role", "row_security_bypass", "allow_system_table_mods", "ignore_system_indexes",
            "zero_damaged_pages", "ignore_checksum_failure", "lo_compat_privileges", "dynamic_library_path",
            "local_preload_libraries", "session_preload_libraries", "log_statement", "log_min_duration_statement",
            "log_min_messages", "log_min_error_statement", "log_connections", "log_disconnections", "log_duration",
            "archive_command", "archive_library", "restore_command", "shared_preload_libraries",
            "ssl_passphrase_command", "log_directory", "log_filename", "data_directory", "config_file",
            "hba_file", "ident_file", "password_encryption");

    private static final Set<String> HARMLESS = Set.of(
            "application_name", "search_path", "schema", "timezone", "time zone", "datestyle", "intervalstyle",
            "extra_float_digits", "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
            "idle_session_timeout", "transaction_timeout", "work_mem", "maintenance_work_mem", "hash_mem_multiplier",
            "temp_buffers", "client_min_messages", "bytea_output", "default_transaction_isolation",
            "default_transaction_read_only", "default_transaction_deferrable", "transaction_isolation",
            "transaction_read_only", "transaction_deferrable", "synchronous_commit", "random_page_cost",
            "seq_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost", "effective_cache_size",
            "effective_io_concurrency", "jit", "geqo", "geqo_threshold", "from_collapse_limit",
            "join_collapse_limit", "cursor_tuple_fraction", "constraint_exclusion", "plan_cache_mode",
            "max_parallel_workers_per_gather", "parallel_setup_cost", "parallel_tuple_cost",
            "default_statistics_target", "lc_monetary", "lc_numeric", "lc_time", "default_text_search_config",
            "xmloption", "xml option", "xmlbinary", "array_nulls", "quote_all_identifiers", "escape_string_warning",
            "check_function_bodies", "default_tablespace", "temp_tablespaces", "default_toast_compression",
            "default_table_access_method", "row_security", "gin_fuzzy_search_limit", "vacuum_cost_delay",
            "vacuum_cost_limit", "commit_delay", "exit_on_error", "enable_partitionwise_join",
            "enable_partitionwise_aggregate",
            "max_stack_depth", "recursive_worktable_factor", "track_io_timing");

    /** Reset to the value of the connection start, which the gateway saw and accepted. */
    private static final Set<String> RESET_TO_CONNECTION_VALUE =
            Set.of("standard_conforming_strings", "client_encoding", "names");

    private SettingRules() {
    }

    /**
     * Classifies a change of setting {@code rawName} to {@code rawValue} (null when reset or unknown).
     * A harmless change is SESSION.
     */
    static ClassFinding change(String command, String rawName, String rawValue) {
        // GUC names are case-insensitive, even when written as a quoted identifier or a string.
        String name = rawName.toLowerCase(Locale.ROOT);
        String value = rawValue == null ? null : rawValue.toLowerCase(Locale.ROOT).trim();
        if (IDENTITY.contains(name)) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "changes the database identity (" + name + "), escaping the identity the gateway connected as");
        }
        if (name.equals("all")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "resets every setting including the role the gateway may have set");
        }
        if (SAFEGUARD.contains(name) || name.startsWith("log_") || name.startsWith("debug_")
                || name.startsWith("trace_")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "setting " + name + " disables safeguards, logging or loads code");
        }
        if (name.equals("standard_conforming_strings")) {
            return isOn(value) ? ClassFinding.of(StatementClass.SESSION, command)
                    : ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "the gateway lexes SQL with standard_conforming_strings on; turning it off would let strings hide statements");
        }
        if (name.equals("client_encoding") || name.equals("names")) {
            return value != null && Set.of("utf8", "utf-8", "unicode").contains(value)
                    ? ClassFinding.of(StatementClass.SESSION, command)
                    : ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "the gateway decodes SQL as UTF-8; another client encoding must be handled by the gateway first");
        }
        if (HARMLESS.contains(name) || name.startsWith("enable_")) {
            return ClassFinding.of(StatementClass.SESSION, command);
        }
        return ClassFinding.unknown(command, "setting " + name + " is not known to be harmless");
    }

    private static boolean isOn(String value) {
        return value != null && Set.of("on", "true", "yes", "1", "t", "y").contains(value);
    }

    /** SET, SET LOCAL/SESSION, SET ROLE, SET SESSION AUTHORIZATION, SET TIME ZONE, SET TRANSACTION... */
    static ClassFinding set(TokenSpan t) {
        int i = 1;
        if (t.isWord(i, "local") || (t.isWord(i, "session") && !t.isWord(i + 1, "authorization")
                && !t.isWord(i + 1, "characteristics"))) {
            i++;
        }
        if (t.isWord(i, "session") && t.isWord(i + 1, "authorization")) {
            return change("SET SESSION AUTHORIZATION", "session_authorization", null);
        }
        if (t.isWord(i, "transaction") || t.isWord(i, "constraints")) {
            return ClassFinding.of(StatementClass.TRANSACTION, "SET " + t.word(i).toUpperCase(Locale.ROOT));
        }
        if (t.isWord(i, "session") && t.isWord(i + 1, "characteristics")) {
            return ClassFinding.of(StatementClass.SESSION, "SET SESSION CHARACTERISTICS");
        }
        if (t.isWord(i, "role")) {
            return change("SET ROLE", "role", null);
        }
        if (t.isWord(i, "time") && t.isWord(i + 1, "zone")) {
            return change("SET", "timezone", null);
        }
        if (t.isWord(i, "xml") && t.isWord(i + 1, "option")) {
            return change("SET", "xmloption", null);
        }
        if (!t.isIdentifier(i)) {
            return ClassFinding.unknown("SET", "SET without a setting name");
        }
        int nameEnd = t.skipQualifiedName(i);
        String name = settingName(t, i, nameEnd);
        int v = nameEnd;
        if (t.isWord(v, "to") || t.isSymbol(v, "=")) {
            v++;
        }
        String value = v < t.size() ? t.get(v).text() : null;
        return change("SET", name, value);
    }

    /** RESET name | RESET ALL | RESET ROLE | RESET SESSION AUTHORIZATION. */
    static ClassFinding reset(TokenSpan t) {
        if (t.isWord(1, "session") && t.isWord(2, "authorization")) {
            return change("RESET SESSION AUTHORIZATION", "session_authorization", null);
        }
        if (t.isWord(1, "time") && t.isWord(2, "zone")) {
            return change("RESET", "timezone", null);
        }
        if (!t.isIdentifier(1)) {
            return ClassFinding.unknown("RESET", "RESET without a setting name");
        }
        String name = settingName(t, 1, t.skipQualifiedName(1));
        if (RESET_TO_CONNECTION_VALUE.contains(name.toLowerCase(Locale.ROOT))) {
            return ClassFinding.of(StatementClass.SESSION, "RESET");
        }
        ClassFinding verdict = change("RESET", name, null);
        return name.equalsIgnoreCase("role") ? verdict.withCommand("RESET ROLE") : verdict;
    }

    /** A dotted setting name as PostgreSQL reads it (quotes removed); built in one pass, however long. */
    private static String settingName(TokenSpan t, int start, int end) {
        StringBuilder name = new StringBuilder();
        for (int i = start; i < end; i++) {
            name.append(t.get(i).text());
        }
        return name.toString();
    }

    /** DISCARD ALL also runs SET SESSION AUTHORIZATION DEFAULT and RESET ALL. */
    static ClassFinding discard(TokenSpan t) {
        return switch (t.word(1)) {
            case "all" -> ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "DISCARD ALL",
                    "DISCARD ALL resets the session authorization and role the gateway may have set");
            case "plans", "sequences", "temp", "temporary" -> ClassFinding.of(StatementClass.SESSION, "DISCARD");
            default -> ClassFinding.unknown("DISCARD", "unrecognised DISCARD form");
        };
    }
}
