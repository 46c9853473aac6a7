package dev.tracegate.policy.sql;

import java.util.Locale;
import java.util.Set;

/**
 * Relations that hold the server's credentials: every role's password hash ({@code pg_authid},
 * {@code pg_shadow}; MySQL's {@code mysql.user}, MariaDB's {@code mysql.global_priv}), the
 * passwords of user mappings and federated servers ({@code pg_user_mapping(s)},
 * {@code mysql.servers}) and of replication ({@code mysql.slave_master_info}). Reading them hands
 * the caller other identities' credentials, so a statement that names one is DANGEROUS_ADMIN,
 * like reading a server file, unless it is a plain query of the columns that hold no credential
 * ({@code SELECT rolname FROM pg_authid WHERE rolcanlogin}, {@code SELECT user, host FROM
 * mysql.user}): any other word (an alias, a function, {@code *}, a credential column, a whole-row
 * reference, the store's own name anywhere but after FROM or before a column) may return the secret. A PostgreSQL name is the catalog's whether unqualified or in
 * {@code pg_catalog} (quoted only in its own case); a MySQL one counts when qualified by {@code mysql}.
 */
final class CredentialStores {

    private static final Set<String> POSTGRES = Set.of("pg_authid", "pg_shadow", "pg_user_mapping",
            "pg_user_mappings");
    private static final Set<String> MYSQL = Set.of("user", "global_priv", "servers", "slave_master_info",
            "replica_source_info", "password_history");

    /** Words a plain query of harmless columns is made of. */
    private static final Set<String> PLAIN_QUERY = Set.of("select", "from", "where", "and", "or", "not", "order", "by",
            "asc", "desc", "limit", "offset", "distinct", "is", "null", "true", "false", "in", "like", "between",
            "pg_catalog", "mysql");
    /** Columns of the credential stores that hold no credential. */
    private static final Set<String> HARMLESS_COLUMNS = Set.of("oid", "rolname", "rolsuper", "rolinherit",
            "rolcreaterole", "rolcreatedb", "rolcanlogin", "rolreplication", "rolbypassrls", "rolconnlimit",
            "rolvaliduntil", "usename", "usesysid", "usecreatedb", "usesuper", "userepl", "usebypassrls", "valuntil",
            "umid", "umuser", "umserver", "srvid", "srvname", "user", "host", "account_locked", "password_expired",
            "max_connections", "max_user_connections", "server_name");

    private CredentialStores() {
    }

    /**
     * Whether the statement is more than a plain query of harmless columns (every word known, no
     * {@code *}). With {@code wholeRows} (PostgreSQL) a store's name counts only where it names the
     * relation read ({@code FROM pg_authid}, {@code FROM pg_catalog.pg_authid}) or qualifies a column
     * ({@code pg_authid.rolname}): anywhere else it is a whole-row reference, {@code SELECT pg_authid
     * FROM pg_authid}, whose value holds every column, the password's too.
     */
    private static boolean mayReturnSecrets(TokenSpan t, Set<String> stores, boolean wholeRows) {
        for (int i = 0; i < t.size(); i++) {
            SqlToken token = t.get(i);
            String word = token.text().toLowerCase(Locale.ROOT);
            if (token.isSymbol("*") || token.kind() == SqlToken.Kind.OPERATOR && token.text().equals("*")) {
                return true;
            }
            if (token.isIdentifier() && !PLAIN_QUERY.contains(word) && !HARMLESS_COLUMNS.contains(word)
                    && !word.endsWith("_priv") && !stores.contains(word)) {
                return true;
            }
            if (wholeRows && token.isIdentifier() && stores.contains(word) && !t.isSymbol(i + 1, ".")
                    && !namesTheRelation(t, i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the store's name at {@code i} follows FROM, itself or qualified by {@code pg_catalog}. */
    private static boolean namesTheRelation(TokenSpan t, int i) {
        int before = t.isSymbol(i - 1, ".") && t.isWord(i - 2, "pg_catalog") ? i - 3 : i - 1;
        return t.isWord(before, "from");
    }

    /** {@code verdict}, raised when PostgreSQL text names a credential store. */
    static ClassFinding postgres(ClassFinding verdict, TokenSpan t) {
        for (SqlToken token : t.tokens()) {
            if (token.isIdentifier() && POSTGRES.contains(token.text()) && mayReturnSecrets(t, POSTGRES, true)) {
                return raised(verdict, token.text());
            }
        }
        return verdict;
    }

    /** {@code verdict}, raised when MySQL text names {@code mysql.<credential table>}. */
    static ClassFinding mysql(ClassFinding verdict, TokenSpan t) {
        for (int i = 0; i + 2 < t.size(); i++) {
            if (t.isIdentifier(i) && t.isSymbol(i + 1, ".") && t.isIdentifier(i + 2)
                    && t.get(i).text().toLowerCase(Locale.ROOT).equals("mysql")
                    && MYSQL.contains(t.get(i + 2).text().toLowerCase(Locale.ROOT)) && mayReturnSecrets(t, MYSQL, false)) {
                return raised(verdict, "mysql." + t.get(i + 2).text().toLowerCase(Locale.ROOT));
            }
        }
        return verdict;
    }

    private static ClassFinding raised(ClassFinding verdict, String relation) {
        return verdict.escalate(StatementClass.DANGEROUS_ADMIN, "names " + relation
                + ", which holds the server's credentials (password hashes or stored passwords)");
    }
}
