package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * MySQL's {@code SET}: every assignment of a statement is judged on its own ({@code SET @a = 1,
 * GLOBAL general_log = 1} is as risky as its second part). Session variables are an allowlist: one
 * not known to be harmless is UNKNOWN. A change of the server for every session ({@code GLOBAL},
 * {@code PERSIST}, {@code PERSIST_ONLY}, {@code @@global.}) is PRIVILEGE, like PostgreSQL's
 * ALTER SYSTEM, and DANGEROUS_ADMIN where the variable writes files, runs SQL for others or turns
 * off logging. What changes how the gateway must read text ({@code sql_mode}, a character set
 * other than UTF-8) is refused as DANGEROUS_ADMIN.
 */
final class MySqlSettingRules {

    private static final Set<String> GLOBAL_SCOPES = Set.of("global", "persist", "persist_only");
    private static final Set<String> SESSION_SCOPES = Set.of("session", "local");
    private static final Set<String> UTF8 = Set.of("utf8mb4", "utf8", "utf8mb3");
    private static final Set<String> CHARSET_WORDS = Set.of("names", "charset");
    /**
     * sql_mode flags that only make the server stricter about values; none changes how text is
     * read (unlike ANSI_QUOTES, NO_BACKSLASH_ESCAPES, PIPES_AS_CONCAT, IGNORE_SPACE or ANSI).
     */
    private static final Set<String> STRICTER_MODES = Set.of("strict_trans_tables", "strict_all_tables", "no_zero_date",
            "no_zero_in_date", "error_for_division_by_zero", "no_engine_substitution", "only_full_group_by");
    private static final Set<String> SESSION_SQL_MODE = Set.of("@@sql_mode", "@@session.sql_mode", "@@local.sql_mode");

    /** Session variables whose change turns off a safeguard, logging or replication, or strips result metadata. */
    private static final Set<String> SAFEGUARD = Set.of(
            "sql_log_bin", "sql_log_off", "foreign_key_checks", "unique_checks", "sql_safe_updates",
            "pseudo_thread_id", "pseudo_replica_mode", "pseudo_slave_mode", "gtid_next", "resultset_metadata",
            "debug", "debug_sync", "binlog_format", "binlog_row_image", "session_track_gtids",
            "default_collation_for_utf8mb4", "skip_replication", "wsrep_on");

    /** Server variables that write files, run SQL for other sessions, open file access or change logging. */
    private static final Set<String> DANGEROUS_GLOBAL = Set.of(
            "general_log", "general_log_file", "slow_query_log", "slow_query_log_file", "log_output",
            "init_connect", "init_replica", "init_slave", "local_infile", "event_scheduler",
            "log_bin_trust_function_creators", "read_only", "super_read_only", "offline_mode", "max_connections",
            "require_secure_transport", "default_authentication_plugin", "authentication_policy",
            "enforce_gtid_consistency", "gtid_mode", "gtid_purged", "sql_log_bin", "secure_file_priv", "plugin_dir");
    private static final List<String> DANGEROUS_GLOBAL_PREFIXES = List.of(
            "audit_log", "server_audit", "binlog_", "log_", "general_log", "slow_query", "keyring", "validate_password",
            "gtid_", "init_", "replica_", "slave_", "rpl_", "group_replication", "wsrep_", "secure_", "ssl_", "tls_");

    private static final Set<String> HARMLESS = Set.of(
            "autocommit", "time_zone", "transaction_isolation", "tx_isolation", "transaction_read_only", "tx_read_only",
            "sql_select_limit", "max_execution_time", "max_statement_time", "wait_timeout", "interactive_timeout",
            "net_read_timeout", "net_write_timeout", "lock_wait_timeout", "innodb_lock_wait_timeout",
            "group_concat_max_len", "max_sort_length", "sort_buffer_size", "join_buffer_size", "read_buffer_size",
            "read_rnd_buffer_size", "tmp_table_size", "max_heap_table_size", "sql_big_selects", "big_tables",
            "sql_buffer_result", "sql_auto_is_null", "sql_notes", "sql_warnings", "sql_quote_show_create",
            "optimizer_switch", "optimizer_search_depth", "optimizer_prune_level", "eq_range_index_dive_limit",
            "div_precision_increment", "lc_time_names", "lc_messages", "default_week_format", "cte_max_recursion_depth",
            "profiling", "profiling_history_size", "session_track_schema", "session_track_state_change",
            "session_track_system_variables", "session_track_transaction_info", "range_optimizer_max_mem_size",
            "max_join_size", "max_seeks_for_key", "max_length_for_sort_data", "information_schema_stats_expiry", "end_markers_in_json", "explain_format",
            "windowing_use_high_precision", "sql_require_primary_key", "show_create_table_verbosity",
            "innodb_strict_mode", "net_buffer_length", "max_error_count", "completion_type", "block_encryption_mode");

    /** Settings that choose the engine of tables created without ENGINE=. */
    private static final Set<String> DEFAULT_ENGINES = Set.of("default_storage_engine", "default_tmp_storage_engine",
            "storage_engine", "enforce_storage_engine");

    /** Engines that keep a table in the server's own data directory. */
    private static final Set<String> LOCAL_ENGINES = Set.of(
            "innodb", "myisam", "memory", "heap", "aria", "archive", "csv", "blackhole", "mrg_myisam", "merge",
            "rocksdb", "tokudb", "ndb", "ndbcluster", "columnstore", "default");

    private MySqlSettingRules() {
    }

    /** Classifies a whole SET statement. */
    static ClassFinding set(TokenSpan t) {
        String second = t.word(1);
        if (second.equals("transaction") || (SESSION_SCOPES.contains(second) && t.isWord(2, "transaction"))) {
            return ClassFinding.of(StatementClass.TRANSACTION, "SET TRANSACTION");
        }
        if (GLOBAL_SCOPES.contains(second) && t.isWord(2, "transaction")) {
            return ClassFinding.of(StatementClass.PRIVILEGE, "SET GLOBAL TRANSACTION",
                    "changes the default transaction characteristics of every session");
        }
        switch (second) {
            case "password" -> {
                return ClassFinding.of(StatementClass.PRIVILEGE, "SET PASSWORD", "changes an account's password");
            }
            case "role" -> {
                return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "SET ROLE",
                        "changes the roles the session acts with, escaping the identity the gateway connected as");
            }
            case "default" -> {
                return ClassFinding.of(StatementClass.PRIVILEGE, "SET DEFAULT ROLE", "changes an account's default roles");
            }
            case "statement" -> {
                return ClassFinding.unknown("SET STATEMENT", "SET STATEMENT ... FOR changes variables for a statement "
                        + "the gateway does not judge with them");
            }
            default -> {
                // assignments follow
            }
        }
        if (t.size() < 2) {
            return ClassFinding.unknown("SET", "SET without an assignment");
        }
        ClassFinding verdict = ClassFinding.of(StatementClass.SESSION, "SET");
        for (TokenSpan item : assignments(t.from(1))) {
            ClassFinding one = assignment(item);
            verdict = verdict.escalate(one.statementClass(), String.join("; ", one.reasons()));
            if (one.statementClass().risk() >= verdict.statementClass().risk()) {
                verdict = verdict.withCommand(one.command());
            }
        }
        if (t.containsWord("select")) {
            verdict = verdict.escalate(StatementClass.READ, "assigns the result of a query");
        }
        return verdict;
    }

    private static List<TokenSpan> assignments(TokenSpan t) {
        List<TokenSpan> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= t.size(); i++) {
            if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (i == t.size() || t.isSymbol(i, ",")) {
                items.add(t.sub(start, i));
                start = i + 1;
            }
        }
        return items;
    }

    private static ClassFinding assignment(TokenSpan item) {
        if (item.isEmpty()) {
            return ClassFinding.unknown("SET", "an empty assignment");
        }
        if (CHARSET_WORDS.contains(item.word(0)) || (item.isWord(0, "character") && item.isWord(1, "set"))) {
            int value = item.isWord(0, "character") ? 2 : 1;
            return charset("SET " + item.word(0).toUpperCase(Locale.ROOT), "names", item, value);
        }
        String scope = "session";
        int i = 0;
        String name;
        if (GLOBAL_SCOPES.contains(item.word(0)) || SESSION_SCOPES.contains(item.word(0))) {
            scope = item.word(0);
            i = 1;
        }
        SqlToken first = i < item.size() ? item.get(i) : null;
        if (first != null && first.kind() == SqlToken.Kind.PARAMETER && first.text().startsWith("@@")) {
            String qualified = first.text().substring(2);
            int dot = qualified.indexOf('.');
            String prefix = dot < 0 ? "" : qualified.substring(0, dot);
            if (GLOBAL_SCOPES.contains(prefix) || SESSION_SCOPES.contains(prefix)) {
                scope = prefix;
                qualified = qualified.substring(dot + 1);
            }
            name = qualified;
            i++;
        } else if (first != null && first.kind() == SqlToken.Kind.PARAMETER && first.text().startsWith("@")) {
            return ClassFinding.of(StatementClass.SESSION, "SET");
        } else if (item.isIdentifier(i)) {
            int end = item.skipQualifiedName(i);
            name = item.nameText(i, end).replace("\"", "");
            i = end;
        } else {
            return ClassFinding.unknown("SET", "SET without a variable name");
        }
        if (!(item.isSymbol(i, "=") || item.isSymbol(i, ":="))) {
            return ClassFinding.unknown("SET", "unrecognised assignment to " + name);
        }
        return change(scope, MySqlNames.skeleton(name), item, i + 1);
    }

    private static ClassFinding change(String scope, String name, TokenSpan item, int value) {
        String command = GLOBAL_SCOPES.contains(scope) ? "SET " + scope.toUpperCase(Locale.ROOT) : "SET";
        if (name.equals("sql_mode") && !GLOBAL_SCOPES.contains(scope) && appendsStricterModes(item, value)) {
            return ClassFinding.of(StatementClass.SESSION, command);
        }
        if (name.equals("sql_mode")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "sql_mode changes how the server reads SQL (ANSI_QUOTES, NO_BACKSLASH_ESCAPES, PIPES_AS_CONCAT, "
                            + "IGNORE_SPACE); the gateway refuses a change it would have to follow");
        }
        if (name.startsWith("character_set_") || name.equals("names")) {
            return charset(command, name, item, value);
        }
        if (name.startsWith("collation_")) {
            String collation = valueText(item, value, item.size());
            return collation != null && collation.startsWith("utf8") ? ClassFinding.of(StatementClass.SESSION, command)
                    : ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "collation " + collation + " is not one of UTF-8, the only character set the gateway reads");
        }
        if (GLOBAL_SCOPES.contains(scope)) {
            return isDangerousGlobal(name)
                    ? ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "server variable " + name + " writes files, runs SQL for other sessions, opens file access or changes logging")
                    : ClassFinding.of(StatementClass.PRIVILEGE, command,
                    "changes server variable " + name + " for every session");
        }
        if (DEFAULT_ENGINES.contains(name)) {
            String engine = valueText(item, value, item.size());
            return engine != null && LOCAL_ENGINES.contains(engine.replace("'", "").replace("\"", ""))
                    ? ClassFinding.of(StatementClass.SESSION, command)
                    : ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command, "setting " + name + " to " + engine
                    + ": a CREATE TABLE without ENGINE= would make a table of it, and engines such as CONNECT, "
                    + "FEDERATED or SPIDER read the server's files or reach other servers");
        }
        if (SAFEGUARD.contains(name)) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "setting " + name + " turns off a safeguard, logging or replication, or the metadata masking needs");
        }
        if (HARMLESS.contains(name)) {
            return ClassFinding.of(StatementClass.SESSION, command);
        }
        return ClassFinding.unknown(command, "variable " + name + " is not known to be harmless");
    }

    /**
     * Exactly {@code CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')} (MariaDB Connector/J sends it at
     * connect): appending keeps every mode the session has, so the gateway's reading stays right,
     * as long as each appended mode is one that does not change how text is read.
     */
    private static boolean appendsStricterModes(TokenSpan item, int value) {
        if (item.size() != value + 6 || !item.isWord(value, "concat") || !item.isSymbol(value + 1, "(")
                || item.get(value + 2).kind() != SqlToken.Kind.PARAMETER
                || !SESSION_SQL_MODE.contains(item.get(value + 2).text().toLowerCase(Locale.ROOT))
                || !item.isSymbol(value + 3, ",") || item.get(value + 4).kind() != SqlToken.Kind.STRING
                || !item.isSymbol(value + 5, ")")) {
            return false;
        }
        String appended = item.get(value + 4).text();
        if (!appended.startsWith(",")) {
            return false; // without the comma the last mode and the first appended one run together
        }
        String[] modes = appended.substring(1).split(",", -1);
        for (String mode : modes) {
            if (!STRICTER_MODES.contains(mode.trim().toLowerCase(Locale.ROOT)) || !mode.equals(mode.trim())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A character set the gateway cannot read makes strings ambiguous: in gbk, big5 or sjis a
     * multi-byte character may end in the byte of a backslash, so {@code \'} no longer means what
     * the lexer reads. Only UTF-8 is accepted, written as a word, a string or an identifier, with
     * an optional COLLATE.
     */
    private static ClassFinding charset(String command, String name, TokenSpan item, int value) {
        String charset = valueText(item, value, value + 1);
        boolean alone = item.size() == value + 1 || (item.isWord(value + 1, "collate") && item.size() == value + 3);
        if (charset != null && UTF8.contains(charset) && alone) {
            return ClassFinding.of(StatementClass.SESSION, command);
        }
        return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                "setting " + name + " to " + charset + ": the gateway reads SQL only as UTF-8 (in gbk, big5 or sjis a "
                        + "character may end in a backslash byte and hide a quote)");
    }

    /** The single token from {@code start} to {@code end}, lower case; null when there is not exactly one. */
    private static String valueText(TokenSpan item, int start, int end) {
        if (end - start != 1 || start >= item.size()) {
            return null;
        }
        return item.get(start).text().toLowerCase(Locale.ROOT);
    }

    private static boolean isDangerousGlobal(String name) {
        if (DANGEROUS_GLOBAL.contains(name)) {
            return true;
        }
        for (String prefix : DANGEROUS_GLOBAL_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
