package dev.tracegate.policy.sql;

/**
 * What a statement can do, for policy rules.
 *
 * <p>Risk order, lowest first: {@code TRANSACTION < SESSION < READ < WRITE < BULK_WRITE < DDL <
 * PRIVILEGE < DANGEROUS_ADMIN = UNKNOWN}. UNKNOWN shares the top rank with DANGEROUS_ADMIN: whatever
 * the classifier cannot understand is treated as the worst it could be. Where the two tie (in
 * {@link #max}), DANGEROUS_ADMIN wins because it is the more specific finding.
 */
public enum StatementClass {
    /** Queries: SELECT, VALUES, TABLE, FETCH, COPY ... TO STDOUT, EXPLAIN without ANALYZE. */
    READ(2),
    /** Row changes limited by a condition: INSERT, UPDATE/DELETE with WHERE, MERGE, COPY FROM STDIN, locks. */
    WRITE(3),
    /** UPDATE/DELETE without a row-dependent WHERE, TRUNCATE, MERGE that can hit every row. */
    BULK_WRITE(4),
    /** Schema and heavy maintenance: CREATE, ALTER, DROP, COMMENT, REINDEX, CLUSTER, VACUUM FULL, SELECT INTO. */
    DDL(5),
    /** Who may do what: GRANT, REVOKE, roles, ownership, row-level security, ALTER SYSTEM. */
    PRIVILEGE(6),
    /** Reaches outside the database or escapes the session's identity: files, programs, network, SET ROLE. */
    DANGEROUS_ADMIN(7),
    /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT and friends. */
    TRANSACTION(0),
    /** Harmless session state: SET of ordinary settings, SHOW, LISTEN, DEALLOCATE. */
    SESSION(1),
    /** Not understood; as risky as DANGEROUS_ADMIN. */
    UNKNOWN(7);

    private final int risk;

    StatementClass(int risk) {
        this.risk = risk;
    }

    /** Rank in the risk order; higher is riskier. */
    public int risk() {
        return risk;
    }

    public boolean isAtLeast(StatementClass other) {
        return risk >= other.risk;
    }

    /** True for the two top-rank classes a guard must never let through unexamined. */
    public boolean isHighestRisk() {
        return risk == DANGEROUS_ADMIN.risk;
    }

    /** The riskier of two classes; DANGEROUS_ADMIN wins a tie with UNKNOWN. */
    public static StatementClass max(StatementClass a, StatementClass b) {
        if (a.risk != b.risk) {
            return a.risk > b.risk ? a : b;
        }
        return a == DANGEROUS_ADMIN || b == DANGEROUS_ADMIN ? DANGEROUS_ADMIN : a;
    }
}
