package dev.tracegate.policy.sql;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Function calls that change what an otherwise harmless statement does. A name counts wherever it
 * appears as an identifier (also schema-qualified, quoted, or in attribute notation), because
 * PostgreSQL resolves {@code pg_catalog.pg_read_file}, {@code "pg_read_file"} and
 * {@code U&"pg\005fread_file"} to the same function. Unknown functions are not escalated: a
 * SELECT calling one stays READ (creating such a function is DDL and is caught there).
 */
final class FunctionCallRules {

    /** Reach the server's file system, other servers, other sessions or the server process. */
    private static final Set<String> DANGEROUS = Set.of(
            "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir", "pg_ls_waldir",
            "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalsnapdir", "pg_ls_logicalmapdir",
            "pg_ls_replslotdir", "pg_ls_summariesdir", "lo_import", "lo_export", "pg_terminate_backend",
            "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal",
            "pg_switch_xlog", "pg_create_restore_point", "pg_start_backup", "pg_stop_backup", "pg_backup_start",
            "pg_backup_stop", "pg_wal_replay_pause", "pg_wal_replay_resume", "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot", "pg_drop_replication_slot", "pg_copy_physical_replication_slot",
            "pg_copy_logical_replication_slot", "pg_logical_slot_get_changes", "pg_logical_slot_peek_changes",
            "pg_logical_slot_get_binary_changes", "pg_logical_slot_peek_binary_changes",
            "pg_replication_slot_advance", "pg_logical_emit_message", "pg_log_backend_memory_contexts",
            "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_file_read", "pg_file_length",
            "pg_logdir_ls", "pg_import_system_collations", "pg_sync_replication_slots",
            // pg_cron: SQL text run later by the scheduler, in any database, outside this session
            "schedule_in_database", "alter_job",
            // Citus: SQL text run on other servers of the cluster
            "run_command_on_workers", "run_command_on_all_nodes", "run_command_on_coordinator",
            "run_command_on_shards", "run_command_on_placements", "run_command_on_colocated_placements",
            // pg_surgery and pg_visibility: kill or freeze tuples and clear visibility past MVCC,
            // triggers and constraints (heap_force_kill removes rows a SELECT names by ctid)
            "heap_force_kill", "heap_force_freeze", "pg_truncate_visibility_map",
            // pgsql-http and pg_net (net.http_*): requests to other servers, with data of the database
            "http_get", "http_post", "http_put", "http_patch", "http_delete", "http_head",
            // aws_s3 on RDS and Aurora: a query's rows written to S3, or S3 objects loaded into a table
            "query_export_to_s3", "table_import_from_s3",
            // TimescaleDB: procedures and chunk drops scheduled to run later, outside this session
            "add_job", "add_retention_policy");

    /**
     * Functions of an extension's schema that run SQL text later or elsewhere: {@code
     * cron.schedule(...)}. Unqualified, {@code schedule(...)} is judged the same (see {@link #apply}).
     */
    private static final Set<String> DANGEROUS_QUALIFIED = Set.of("cron.schedule", "aws_lambda.invoke");

    /**
     * Besides dblink and replication origins: {@code pg_stat_reset*} and {@code
     * pg_stat_statements_reset} erase the server's statistics for everyone (the record of what ran
     * and how often, and the dead-tuple counts autovacuum works from), a server administration
     * act as CHECKPOINT is.
     */
    private static final String[] DANGEROUS_PREFIXES = {"dblink", "pg_replication_origin_",
            "pg_stat_reset", "pg_stat_statements_reset"};

    /**
     * Do nothing but hold the session's server process for as long as the caller asks: no result
     * needs them, and what they are used for is keeping an upstream connection (a pooled one
     * included) past the gateway's idle limit and timing a blind guess. The same rule as MySQL's
     * {@code SLEEP()} and {@code BENCHMARK()} ({@link MySqlFunctionRules}); docs/policy.md, "What
     * a statement costs".
     */
    private static final Set<String> STALLING = Set.of("pg_sleep", "pg_sleep_for", "pg_sleep_until");

    /** Change data although they can appear in a SELECT. */
    private static final Set<String> WRITING = Set.of(
            "setval", "lowrite", "lo_unlink", "lo_create", "lo_creat", "lo_put", "lo_from_bytea", "lo_truncate", "lo_truncate64");

    /**
     * Remove rows wholesale although they can appear in a SELECT: TimescaleDB's {@code
     * drop_chunks('conditions', older_than => ...)} deletes every row of the chunks it drops, and
     * Citus's {@code truncate_local_data_after_distributing_table} truncates a table.
     */
    private static final Set<String> BULK_REMOVING = Set.of("drop_chunks", "truncate_local_data_after_distributing_table");

    /** Change an index's pages as VACUUM does, which is a WRITE. */
    private static final Set<String> INDEX_MAINTAINING = Set.of(
            "brin_summarize_new_values", "brin_summarize_range", "brin_desummarize_range", "gin_clean_pending_list");

    /**
     * Take an advisory lock, held to the end of the session or transaction: like LOCK (a WRITE), it
     * changes no data but blocks every other session waiting for the same key.
     */
    private static final String[] LOCKING_PREFIXES = {
            "pg_advisory_lock", "pg_advisory_xact_lock", "pg_try_advisory_lock", "pg_try_advisory_xact_lock"};

    /** Run the SQL text they are given. */
    private static final Set<String> SQL_RUNNING = Set.of(
            "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "ts_stat");

    /**
     * Run every text argument they are given as SQL: tablefunc's {@code crosstab(source_sql[,
     * category_sql])} and {@code crosstab2..4} (a trusted extension any database owner installs),
     * and pg_background's {@code pg_background_launch(sql[, queue_size])}.
     */
    private static final Set<String> SQL_RUNNING_EVERY_ARGUMENT = Set.of(
            "crosstab", "crosstab2", "crosstab3", "crosstab4", "pg_background_launch");

    /**
     * Build SQL from their arguments and run it: {@code xpath_table} (xml2) pastes its relation,
     * key, document and criteria arguments into a query, and so does tablefunc's {@code connectby}
     * its relation and field names, so any of them can carry statements.
     */
    private static final Set<String> SQL_BUILDING = Set.of("xpath_table", "connectby");

    /** Return the rows of the table their first argument names (a regclass text), as XML. */
    private static final Set<String> TABLE_READING = Set.of("table_to_xml", "table_to_xml_and_xmlschema");

    /** Return the rows of every table of a schema or database, naming none of them. */
    private static final Set<String> EVERY_TABLE_READING = Set.of(
            "schema_to_xml", "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xml_and_xmlschema");

    /** How deep SQL text in SQL text is followed for its table names. */
    private static final int MAX_TABLE_NESTING = 10;

    private FunctionCallRules() {
    }

    /** Escalates {@code verdict} for every notable function in {@code t}. */
    static ClassFinding apply(ClassFinding verdict, TokenSpan t, int depth) {
        ClassFinding result = verdict;
        for (int i = 0; i < t.size(); i++) {
            if (!t.isIdentifier(i)) {
                continue;
            }
            String name = t.get(i).text();
            boolean call = t.isSymbol(i + 1, "(");
            if (isDangerous(name)) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN, "calls " + name + "()");
            } else if (call && i >= 2 && t.isSymbol(i - 1, ".") && t.isIdentifier(i - 2)
                    && DANGEROUS_QUALIFIED.contains(t.get(i - 2).text() + "." + name)) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN, "calls " + t.get(i - 2).text() + "." + name
                        + "(), which runs SQL text outside this session");
            } else if (call && name.equals("schedule") && !t.isSymbol(i - 1, ".")) {
                // pg_cron's schema is on the search path of whoever set it so (SET search_path = cron):
                // an unqualified schedule() is cron.schedule() there.
                result = result.escalate(StatementClass.DANGEROUS_ADMIN, "calls schedule(), which is pg_cron's"
                        + " cron.schedule() when cron is on the search path and runs SQL text outside this session");
            } else if (call && STALLING.contains(name)) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN,
                        "calls " + name + "(), which holds a server process as long as asked (denial of service)");
            } else if (call && BULK_REMOVING.contains(name)) {
                result = result.escalate(StatementClass.BULK_WRITE, "calls " + name + "(), which removes rows wholesale");
            } else if (WRITING.contains(name)) {
                result = result.escalate(StatementClass.WRITE, "calls " + name + "(), which changes data");
            } else if (INDEX_MAINTAINING.contains(name)) {
                result = result.escalate(StatementClass.WRITE, "calls " + name + "(), which changes an index as VACUUM does");
            } else if (isLocking(name)) {
                result = result.escalate(StatementClass.WRITE, "calls " + name
                        + "(), which takes a lock that can block other sessions, as LOCK does");
            } else if (call && name.equals("set_config")) {
                result = setConfig(result, t, i + 1);
            } else if (call && SQL_RUNNING.contains(name)) {
                result = runsSql(result, t, i + 1, name, depth);
            } else if (call && SQL_RUNNING_EVERY_ARGUMENT.contains(name)) {
                result = runsSqlInEveryArgument(result, t, i + 1, name, depth);
            } else if (call && name.equals("ts_rewrite")) {
                result = tsRewrite(result, t, i + 1, depth);
            } else if (call && TABLE_READING.contains(name) && !firstArgumentIsLiteral(t, i + 1)) {
                result = result.escalate(StatementClass.UNKNOWN,
                        name + "() reads a table named by an expression, which table rules cannot see");
            } else if (call && EVERY_TABLE_READING.contains(name)) {
                result = result.escalate(StatementClass.UNKNOWN,
                        name + "() reads every table of a schema or database without naming them, so table rules "
                                + "cannot see them");
            } else if (call && SQL_BUILDING.contains(name)) {
                result = result.escalate(StatementClass.UNKNOWN, name + "() builds SQL from its arguments and runs it");
            }
        }
        return result;
    }

    /**
     * Tables a statement reads without naming them in its own SQL: those named in the SQL text
     * given to {@code query_to_xml}, {@code ts_stat} and the like, and the literal table argument
     * of {@code table_to_xml}. A rule on {@code tables} must see {@code SELECT query_to_xml('SELECT
     * * FROM salaries', ...)} as reading salaries.
     */
    static Set<String> tablesNamedInText(TokenSpan t, int depth) {
        Set<String> tables = Set.of(); // made when a table is found: nearly every statement names none this way
        for (int i = 0; i + 2 < t.size(); i++) {
            if (!t.isIdentifier(i) || !t.isSymbol(i + 1, "(")) {
                continue;
            }
            String name = t.get(i).text();
            if (TABLE_READING.contains(name) && firstArgumentIsLiteral(t, i + 1)) {
                tables = growable(tables);
                tables.add(t.get(i + 2).text());
            } else if ((SQL_RUNNING.contains(name) || SQL_RUNNING_EVERY_ARGUMENT.contains(name)
                    || name.equals("ts_rewrite")) && depth < MAX_TABLE_NESTING) {
                for (SqlToken argument : t.sub(i + 2, t.closing(i + 1)).tokens()) {
                    if (argument.isStringLiteral()) {
                        for (SqlStatement statement : SqlScriptSplitter.split(argument.text())) {
                            TokenSpan inner = new TokenSpan(statement.tokens());
                            tables = growable(tables);
                            tables.addAll(TableNameCollector.collect(inner));
                            tables.addAll(tablesNamedInText(inner, depth + 1));
                        }
                    }
                }
            }
        }
        return tables;
    }

    private static Set<String> growable(Set<String> tables) {
        return tables.isEmpty() ? new LinkedHashSet<>() : tables;
    }

    private static boolean firstArgumentIsLiteral(TokenSpan t, int open) {
        return open + 1 < t.size() && t.get(open + 1).isStringLiteral()
                && (t.isSymbol(open + 2, ",") || t.isSymbol(open + 2, ")") || t.isSymbol(open + 2, "::"));
    }

    /**
     * Loops over arrays, not a stream or an iterator: every identifier of every statement passes
     * here, and neither is always compiled away (a stream here was about 150 bytes per identifier).
     */
    private static boolean isLocking(String name) {
        for (String prefix : LOCKING_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static boolean isDangerous(String name) {
        if (DANGEROUS.contains(name)) {
            return true;
        }
        for (String prefix : DANGEROUS_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static ClassFinding setConfig(ClassFinding verdict, TokenSpan t, int open) {
        int first = open + 1;
        if (first >= t.size() || !t.get(first).isStringLiteral()) {
            return verdict.escalate(StatementClass.DANGEROUS_ADMIN,
                    "calls set_config() with a setting name that is not a literal");
        }
        String name = t.get(first).text();
        int comma = first + 1;
        while (t.isSymbol(comma, "::") && t.isIdentifier(comma + 1)) {
            comma += 2;
        }
        if (!t.isSymbol(comma, ",")) {
            return verdict.escalate(StatementClass.DANGEROUS_ADMIN,
                    "calls set_config() with a setting name that is not a plain literal");
        }
        String value = t.isSymbol(comma, ",") && comma + 1 < t.size() && t.get(comma + 1).isStringLiteral()
                ? t.get(comma + 1).text() : null;
        ClassFinding setting = SettingRules.change("set_config", name, value);
        if (setting.statementClass() == StatementClass.SESSION) {
            return verdict;
        }
        return verdict.escalate(setting.statementClass(),
                "calls set_config('" + name.toLowerCase(Locale.ROOT) + "'): " + String.join("; ", setting.reasons()));
    }

    /**
     * {@code ts_rewrite(query, 'SELECT ...')}, the two-argument form, runs its second argument as
     * SQL (reading any table or file its functions reach); the three-argument form runs nothing.
     */
    private static ClassFinding tsRewrite(ClassFinding verdict, TokenSpan t, int open, int depth) {
        int close = t.closing(open);
        int comma = -1;
        for (int i = open + 1; i < close; i++) {
            if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (t.isSymbol(i, ",")) {
                if (comma >= 0) {
                    return verdict;
                }
                comma = i;
            }
        }
        return comma < 0 ? verdict : runsSql(verdict, t, comma, "ts_rewrite", depth);
    }

    /**
     * The statement is as risky as the SQL of each of its arguments: a string literal is SQL, a
     * number is a number (a queue size), anything else is text the gateway cannot read (UNKNOWN).
     */
    private static ClassFinding runsSqlInEveryArgument(ClassFinding verdict, TokenSpan t, int open, String name,
                                                       int depth) {
        int close = t.closing(open);
        if (close < 0 || close >= t.size()) {
            return verdict.escalate(StatementClass.UNKNOWN, name + "() runs SQL text the gateway cannot read");
        }
        ClassFinding result = verdict;
        int start = open + 1;
        for (int i = start; i <= close; i++) {
            if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (i == close || t.isSymbol(i, ",")) {
                boolean single = i - start == 1;
                if (single && t.get(start).isStringLiteral()) {
                    StatementClass inner = EmbeddedSqlInspector.classOfScript(t.get(start).text(), depth + 1);
                    result = result.escalate(inner, name + "() runs SQL classified " + inner);
                } else if (!(single && t.get(start).kind() == SqlToken.Kind.NUMBER) && i > start) {
                    return result.escalate(StatementClass.UNKNOWN, name + "() runs SQL text that is not a literal");
                }
                start = i + 1;
            }
        }
        return result;
    }

    /**
     * The statement is as risky as the SQL it runs, the argument after {@code before} (the opening
     * bracket or a comma); a non-literal query text is UNKNOWN.
     */
    private static ClassFinding runsSql(ClassFinding verdict, TokenSpan t, int before, String name, int depth) {
        int query = before + 1;
        boolean literal = query < t.size() && t.get(query).isStringLiteral()
                && (t.isSymbol(query + 1, ",") || t.isSymbol(query + 1, ")"));
        if (!literal) {
            return verdict.escalate(StatementClass.UNKNOWN, name + "() runs SQL text that is not a literal");
        }
        StatementClass inner = EmbeddedSqlInspector.classOfScript(t.get(query).text(), depth + 1);
        return verdict.escalate(inner, name + "() runs SQL classified " + inner);
    }
}
