package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Set;

/**
 * MySQL functions that change what an otherwise harmless statement does, wherever they appear
 * (also quoted, {@code `LOAD_FILE`(...)}, or schema-qualified): MySQL resolves a quoted name to the
 * same built-in or user-defined function. Unknown functions are not escalated, as for PostgreSQL:
 * creating one is caught where it is created ({@code CREATE FUNCTION ... SONAME}).
 */
final class MySqlFunctionRules {

    /** Read the server's files or run programs (the well-known lib_mysqludf_sys UDFs). */
    private static final Set<String> SERVER_REACHING = Set.of(
            "load_file", "sys_exec", "sys_eval", "sys_get", "sys_set", "sys_bineval", "do_system",
            "lib_mysqludf_sys_info");

    /** Hold the session and a server thread as long as asked: denial of service. */
    private static final Set<String> STALLING = Set.of(
            "sleep", "benchmark", "master_pos_wait", "source_pos_wait", "wait_for_executed_gtid_set",
            "wait_until_sql_thread_after_gtids", "master_gtid_wait", "wsrep_sync_wait_upto_gtid");

    /**
     * Administration functions of MySQL's plugins and components (group replication, replication
     * failover, the audit log, the keyring, version tokens, the firewall): they reconfigure the
     * server or the cluster, or hand out its secrets and its log of other sessions' statements, from
     * a plain {@code SELECT}. Matched by prefix, so a function added to a family is caught too; the
     * few that only report (group_replication_get_...) are caught with them.
     */
    private static final List<String> SERVER_ADMIN_PREFIXES = List.of(
            "group_replication_", "asynchronous_connection_failover_", "audit_log_", "keyring_", "version_tokens_",
            "mysql_firewall_", "firewall_group_", "set_firewall_");

    /**
     * Take a named lock that outlives the statement: other sessions asking for it wait (up to the
     * timeout the caller chose), as behind {@code LOCK TABLES} or PostgreSQL's advisory locks, which are
     * WRITE. Releasing ({@code RELEASE_LOCK}, {@code RELEASE_ALL_LOCKS}) frees only the caller's own, and
     * asking ({@code IS_FREE_LOCK}, {@code IS_USED_LOCK}) changes nothing: both stay reads.
     */
    private static final Set<String> LOCKING = Set.of("get_lock", "service_get_read_locks", "service_get_write_locks");

    /**
     * Change data although they can appear in a SELECT or DO: MariaDB's {@code SETVAL(seq, n)} moves a
     * sequence, as PostgreSQL's {@code setval} does (a rule holding writes let {@code SELECT
     * SETVAL(order_ids, 1)} through as a read, and the next orders reused old numbers).
     */
    private static final Set<String> WRITING = Set.of("setval");

    private MySqlFunctionRules() {
    }

    static ClassFinding apply(ClassFinding verdict, TokenSpan t) {
        ClassFinding result = verdict;
        for (int i = 0; i < t.size(); i++) {
            if (!t.isIdentifier(i)) {
                continue;
            }
            String name = MySqlNames.skeleton(t.get(i).text());
            if (SERVER_REACHING.contains(name)) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN,
                        "calls " + name + "(), which reaches the database server's files or programs");
            } else if (STALLING.contains(name) && t.isSymbol(i + 1, "(")) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN,
                        "calls " + name + "(), which holds a server thread as long as asked (denial of service)");
            } else if (WRITING.contains(name) && t.isSymbol(i + 1, "(")) {
                result = result.escalate(StatementClass.WRITE, "calls " + name + "(), which changes data");
            } else if (LOCKING.contains(name) && t.isSymbol(i + 1, "(")) {
                result = result.escalate(StatementClass.WRITE,
                        "calls " + name + "(), which takes a lock other sessions wait on until the session releases it");
            } else if (t.isSymbol(i + 1, "(") && SERVER_ADMIN_PREFIXES.stream().anyMatch(name::startsWith)) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN, "calls " + name
                        + "(), a plugin's administration function (replication, audit log, keyring, version tokens or"
                        + " firewall)");
            }
        }
        return result;
    }
}
