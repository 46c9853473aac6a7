package dev.tracegate.policy.sql;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies one statement from its token stream. Dispatch is on the leading keyword; then every
 * statement is scanned for data-modifying statements in parentheses (CTEs) and for function calls
 * that change what it does. Anything not recognised is UNKNOWN; nothing defaults to READ.
 */
final class CommandRules {

    /** How deep embedded SQL (function bodies, DO blocks, query_to_xml texts) is followed. */
    static final int MAX_DEPTH = 4;

    /**
     * Brackets, and statements inside statements ({@code EXPLAIN EXPLAIN ...}, {@code WITH ... WITH ...}),
     * nested deeper than this are UNKNOWN: the analysis recurses on them, and no query a person or
     * tool writes comes near it.
     */
    static final int MAX_NESTING = 100;

    private static final Set<String> QUERY_STARTS = Set.of("select", "values", "table", "with");
    /** What may follow a WITH clause (PostgreSQL's PreparableStmt), besides a parenthesised query. */
    private static final Set<String> MAIN_VERBS = Set.of("select", "values", "table", "insert", "update", "delete", "merge");
    /** Statements that change rows chosen by a condition, which a WITH query may read the table again for. */
    private static final Set<String> CHANGING_VERBS = Set.of("update", "delete", "merge");
    private static final Set<String> TRANSACTION_WORDS = Set.of(
            "transaction", "work", "isolation", "level", "serializable", "repeatable", "read", "committed",
            "uncommitted", "only", "write", "deferrable", "not", "and", "no", "chain", "to", "savepoint");

    private CommandRules() {
    }

    /** The full classification of a top-level statement's tokens. */
    static ClassFinding classify(TokenSpan t, int depth) {
        if (depth > MAX_DEPTH) {
            return ClassFinding.unknown("", "SQL nested too deeply to analyse");
        }
        String command = t.word(0).toUpperCase(Locale.ROOT);
        if (!t.bracketsBalance()) {
            return ClassFinding.unknown(command, "brackets do not balance (PostgreSQL rejects such a statement)");
        }
        if (t.bracketDepth() > MAX_NESTING) {
            return ClassFinding.unknown(command, "brackets nested more than " + MAX_NESTING + " deep are not analysed");
        }
        ClassFinding verdict = dispatch(t, depth);
        verdict = dataModifyingSubstatements(verdict, t, depth);
        verdict = rowLocks(verdict, t);
        verdict = CredentialStores.postgres(verdict, t);
        return FunctionCallRules.apply(verdict, t, depth);
    }

    /** Classification by the leading keyword only; used for sub-statements whose tokens are scanned by the caller. */
    static ClassFinding dispatch(TokenSpan t, int depth) {
        return dispatch(t, depth, 0);
    }

    /** {@code nesting} counts statements inside statements (EXPLAIN, PREPARE, DECLARE, COPY, WITH) on the way here. */
    private static ClassFinding dispatch(TokenSpan t, int depth, int nesting) {
        if (t.isEmpty()) {
            return ClassFinding.unknown("", "empty statement");
        }
        if (nesting > MAX_NESTING) {
            return ClassFinding.unknown(t.word(0).toUpperCase(Locale.ROOT),
                    "statements nested more than " + MAX_NESTING + " deep are not analysed");
        }
        if (t.isSymbol(0, "(")) {
            int first = 0;
            while (t.isSymbol(first, "(")) {
                first++;
            }
            return QUERY_STARTS.contains(t.word(first))
                    ? dispatch(t.from(first), depth, nesting + 1)
                    : ClassFinding.unknown("", "unrecognised parenthesised statement");
        }
        String first = t.word(0);
        return switch (first) {
            case "select", "values", "table" -> query(t);
            case "with" -> with(t, depth, nesting);
            case "insert" -> dmlOnCatalog(t, insert(t));
            case "update", "delete" -> dmlOnCatalog(t, updateOrDelete(t, ChangedTable.postgres(t)));
            case "merge" -> dmlOnCatalog(t, merge(t, ChangedTable.postgres(t)));
            case "truncate" -> ClassFinding.of(StatementClass.BULK_WRITE, "TRUNCATE", "TRUNCATE removes every row");
            case "copy" -> copy(t, depth, nesting);
            case "explain" -> explain(t, depth, nesting);
            case "create", "alter", "drop", "comment", "security", "grant", "revoke", "reassign", "refresh",
                 "reindex", "cluster", "vacuum", "analyze", "analyse", "import" -> SchemaChangeRules.classify(t, depth);
            case "set" -> SettingRules.set(t);
            case "reset" -> SettingRules.reset(t);
            case "discard" -> SettingRules.discard(t);
            case "show" -> ClassFinding.of(StatementClass.SESSION, "SHOW");
            case "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release" -> transaction(t);
            case "prepare" -> prepare(t, depth, nesting);
            case "execute" -> execute(t);
            case "deallocate" -> ClassFinding.of(StatementClass.SESSION, "DEALLOCATE");
            case "declare" -> declare(t, depth, nesting);
            case "fetch", "move" -> ClassFinding.of(StatementClass.READ, first.toUpperCase(Locale.ROOT));
            case "close", "listen", "unlisten", "notify" -> ClassFinding.of(StatementClass.SESSION, first.toUpperCase(Locale.ROOT));
            case "lock" -> ClassFinding.of(StatementClass.WRITE, "LOCK", "LOCK takes table locks that can block other sessions");
            case "do" -> doBlock(t, depth);
            case "call" -> ClassFinding.unknown("CALL", "CALL runs a procedure whose body is not analysed");
            case "load" -> ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "LOAD", "LOAD loads a shared library into the server");
            case "checkpoint" -> ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "CHECKPOINT", "CHECKPOINT is a server administration command");
            default -> ClassFinding.unknown(first.toUpperCase(Locale.ROOT), "unrecognised statement");
        };
    }

    /** SELECT / VALUES / TABLE, with SELECT ... INTO (creates a table) and row locks. */
    private static ClassFinding query(TokenSpan t) {
        String command = t.word(0).toUpperCase(Locale.ROOT);
        ClassFinding verdict = ClassFinding.of(StatementClass.READ, command);
        if (t.findAtTopLevel(0, "into") >= 0) {
            verdict = verdict.withCommand("SELECT INTO").escalate(StatementClass.DDL, "SELECT ... INTO creates a table");
        }
        return verdict;
    }

    /**
     * {@code WITH [RECURSIVE] cte, ... main-statement}: the main statement decides, and must be one
     * a WITH clause can carry. The CTE bodies are scanned by {@link #dataModifyingSubstatements},
     * which also follows every WITH nested in them, to any depth.
     */
    private static ClassFinding with(TokenSpan t, int depth, int nesting) {
        int i = t.isWord(1, "recursive") ? 2 : 1;
        while (true) {
            i = commonTableExpression(t, i);
            if (i < 0) {
                return ClassFinding.unknown("WITH", "unrecognised WITH clause");
            }
            if (!t.isSymbol(i, ",")) {
                break;
            }
            i++;
        }
        if (!MAIN_VERBS.contains(t.word(i)) && !t.isSymbol(i, "(")) {
            return ClassFinding.unknown("WITH", i >= t.size() ? "WITH without a main statement"
                    : "a WITH clause followed by something other than SELECT, VALUES, TABLE, INSERT, UPDATE, DELETE or MERGE");
        }
        ClassFinding main = dispatch(t.from(i), depth, nesting + 1);
        if (CHANGING_VERBS.contains(t.word(i))) {
            main = withCopiesOfItself(main, t.sub(0, i), t.from(i));
        }
        if (t.isWord(i, "insert") && UpsertFromItself.readsFromWith(t.sub(0, i), t.from(i), onConflict(t.from(i)))) {
            return main.escalate(StatementClass.BULK_WRITE, "INSERT ... ON CONFLICT DO UPDATE of rows a WITH query"
                    + " reads from its own table updates every row it reads");
        }
        return main;
    }

    /**
     * An UPDATE, DELETE or MERGE judged again when its WITH clause reads the changed table whole
     * ({@code WITH s AS (SELECT * FROM orders) MERGE INTO orders o USING s ON o.id = s.id ...}):
     * such a query is the table again, as a copy of it in FROM, USING or the MERGE source is.
     */
    private static ClassFinding withCopiesOfItself(ClassFinding main, TokenSpan with, TokenSpan statement) {
        ChangedTable table = ChangedTable.postgres(statement);
        if (table.name() == null) {
            return main;
        }
        Set<String> copies = new HashSet<>(table.copies());
        for (int i = with.isWord(1, "recursive") ? 2 : 1; i < with.size(); i++) {
            if (with.isIdentifier(i) && (with.isWord(i + 1, "as") || with.isSymbol(i + 1, "("))) {
                int body = with.findAtTopLevel(i + 1, "as") + 1;
                while (with.isWord(body, "not") || with.isWord(body, "materialized")) {
                    body++;
                }
                if (body > 0 && with.isSymbol(body, "(")
                        && ChangedTable.readsWhole(with.sub(body + 1, with.closing(body)), table.name())) {
                    copies.add(with.get(i).text());
                }
            }
            if (with.isOpening(i)) {
                i = with.closing(i);
            }
        }
        if (copies.equals(table.copies())) {
            return main;
        }
        ChangedTable again = new ChangedTable(table.name(), table.qualifier(), table.othersInScope(), copies);
        ClassFinding judged = statement.isWord(0, "merge") ? merge(statement, again) : updateOrDelete(statement, again);
        return judged.statementClass().risk() > main.statementClass().risk()
                ? main.escalate(judged.statementClass(), judged.reasons().isEmpty() ? "reads its own table in WITH"
                        : judged.reasons().getFirst())
                : main;
    }

    /**
     * {@code name [(columns)] AS [[NOT] MATERIALIZED] (body) [SEARCH ...] [CYCLE ...]} from {@code i};
     * the index after it, or -1 when it is not one.
     */
    private static int commonTableExpression(TokenSpan t, int i) {
        if (!t.isIdentifier(i)) {
            return -1;
        }
        int p = i + 1;
        if (t.isSymbol(p, "(")) {
            p = t.closing(p) + 1;
        }
        if (!t.isWord(p, "as")) {
            return -1;
        }
        p++;
        if (t.isWord(p, "not") && t.isWord(p + 1, "materialized")) {
            p += 2;
        } else if (t.isWord(p, "materialized")) {
            p++;
        }
        if (!t.isSymbol(p, "(")) {
            return -1;
        }
        p = t.closing(p) + 1;
        if (t.isWord(p, "search")) {
            p = searchClause(t, p);
        }
        if (p >= 0 && t.isWord(p, "cycle")) {
            p = cycleClause(t, p);
        }
        return p;
    }

    /** {@code SEARCH {BREADTH | DEPTH} FIRST BY columns SET column}; the index after it, or -1. */
    private static int searchClause(TokenSpan t, int search) {
        if (!(t.isWord(search + 1, "breadth") || t.isWord(search + 1, "depth")) || !t.isWord(search + 2, "first")
                || !t.isWord(search + 3, "by")) {
            return -1;
        }
        int p = columnList(t, search + 4);
        return p >= 0 && t.isWord(p, "set") && t.isIdentifier(p + 1) ? p + 2 : -1;
    }

    /** {@code CYCLE columns SET column [TO constant DEFAULT constant] USING column}; the index after it, or -1. */
    private static int cycleClause(TokenSpan t, int cycle) {
        int p = columnList(t, cycle + 1);
        if (p < 0 || !t.isWord(p, "set") || !t.isIdentifier(p + 1)) {
            return -1;
        }
        p += 2;
        if (t.isWord(p, "to")) {
            int byDefault = constantBefore(t, p + 1, "default");
            p = byDefault < 0 ? -1 : constantBefore(t, byDefault + 1, "using");
        }
        return p >= 0 && t.isWord(p, "using") && t.isIdentifier(p + 1) ? p + 2 : -1;
    }

    /** Index after {@code column [, column ...]} at {@code i}, or -1. Names may be keywords (PostgreSQL allows many). */
    private static int columnList(TokenSpan t, int i) {
        if (!t.isIdentifier(i)) {
            return -1;
        }
        int p = i + 1;
        while (t.isSymbol(p, ",") && t.isIdentifier(p + 1)) {
            p += 2;
        }
        return p;
    }

    /**
     * The index of {@code keyword} after a short constant ({@code true}, {@code 'Y'}, {@code 1},
     * {@code int '1'}) starting at {@code i}, or -1. DEFAULT and USING are reserved words, so they end
     * the constant wherever they appear.
     */
    private static int constantBefore(TokenSpan t, int i, String keyword) {
        int p = i;
        while (p < t.size() && p - i < 8 && !t.isWord(p, keyword) && !t.isOpening(p) && !t.isClosing(p)
                && t.get(p).kind() != SqlToken.Kind.OPERATOR) {
            p++;
        }
        return p > i && t.isWord(p, keyword) ? p : -1;
    }

    /**
     * Writes to the system catalogs change what statements would be refused for. A write to the
     * {@code pg_settings} view is a {@code SET}: its update rule calls {@code set_config(name,
     * setting, false)} for each row it matches, so {@code UPDATE pg_settings SET setting = 'replica'
     * WHERE name = 'session_replication_role'} changes a guarded setting by a condition, like
     * {@code set_config} of an unknown name. A superuser's write to a catalog table
     * ({@code UPDATE pg_authid SET rolsuper = true}, {@code DELETE FROM pg_trigger}) changes roles,
     * privileges, code or triggers past GRANT and DDL. Catalog names all start with {@code pg_};
     * a table of the caller's so named, unqualified or in pg_catalog, is judged the same.
     */
    private static ClassFinding dmlOnCatalog(TokenSpan t, ClassFinding verdict) {
        int i = t.isWord(1, "from") || t.isWord(1, "into") ? 2 : 1;
        if (t.isWord(i, "only")) {
            i++;
        }
        return catalogWrite(t, i, verdict);
    }

    /** {@code verdict}, escalated when the table named at {@code i} is a system catalog. */
    private static ClassFinding catalogWrite(TokenSpan t, int i, ClassFinding verdict) {
        int end = t.skipQualifiedName(i);
        if (end <= i) {
            return verdict;
        }
        String table = t.get(end - 1).text().toLowerCase(Locale.ROOT);
        String schema = end - i >= 3 ? t.get(end - 3).text().toLowerCase(Locale.ROOT) : "pg_catalog";
        if (table.equals("pg_settings")) {
            return verdict.escalate(StatementClass.DANGEROUS_ADMIN,
                    "writing to pg_settings changes server settings as set_config does");
        }
        if (table.startsWith("pg_") && schema.startsWith("pg_")) {
            return verdict.escalate(StatementClass.DANGEROUS_ADMIN,
                    "writes system catalog " + table + " directly, changing roles, privileges, code or triggers "
                            + "past GRANT and DDL");
        }
        return verdict;
    }

    /** INSERT; with ON CONFLICT ... DO UPDATE from a query of its own target, an UPDATE of every row it reads. */
    private static ClassFinding insert(TokenSpan t) {
        int conflict = onConflict(t);
        if (conflict >= 0 && UpsertFromItself.updatesOnConflict(t, conflict) && UpsertFromItself.rewritesEveryRow(t, conflict)) {
            return ClassFinding.of(StatementClass.BULK_WRITE, "INSERT ON CONFLICT DO UPDATE", "INSERT ... ON CONFLICT DO"
                    + " UPDATE of rows read from its own table without a WHERE on the row updates every row it reads");
        }
        return ClassFinding.of(StatementClass.WRITE, "INSERT");
    }

    /** Where a top-level {@code ON CONFLICT} starts, or -1. */
    private static int onConflict(TokenSpan t) {
        for (int i = t.findAtTopLevel(1, "conflict"); i >= 0; i = t.findAtTopLevel(i + 1, "conflict")) {
            if (t.isWord(i - 1, "on")) {
                return i - 1;
            }
        }
        return -1;
    }

    private static ClassFinding updateOrDelete(TokenSpan t, ChangedTable table) {
        String command = t.word(0).toUpperCase(Locale.ROOT);
        int where = t.findAtTopLevel(1, "where");
        if (where < 0) {
            return ClassFinding.of(StatementClass.BULK_WRITE, command, command + " without WHERE changes every row");
        }
        if (t.isWord(where + 1, "current") && t.isWord(where + 2, "of")) {
            return ClassFinding.of(StatementClass.WRITE, command);
        }
        int end = t.findAtTopLevel(where + 1, "returning");
        ConditionScope scope = ConditionAnalyzer.analyze(t.sub(where + 1, end < 0 ? t.size() : end), table);
        return switch (scope) {
            case ROW_DEPENDENT, ALWAYS_FALSE -> ClassFinding.of(StatementClass.WRITE, command);
            case ALWAYS_TRUE -> ClassFinding.of(StatementClass.BULK_WRITE, command,
                    command + " with an always-true WHERE changes every row");
            case ROW_INDEPENDENT -> ClassFinding.of(StatementClass.BULK_WRITE, command,
                    command + " with a WHERE that does not depend on the row it changes (constants, parameters, another"
                            + " table's columns, a subquery's own tables) may change every row");
            case UNANALYSABLE -> ClassFinding.unknown(command, "WHERE clause could not be analysed");
        };
    }

    /** MERGE can hit every row through a constant ON condition or WHEN NOT MATCHED BY SOURCE. */
    private static ClassFinding merge(TokenSpan t, ChangedTable table) {
        int using = t.findAtTopLevel(1, "using");
        int on = using < 0 ? -1 : t.findAtTopLevel(using + 1, "on");
        Optional<MergeClauses> clauses = on < 0 ? Optional.empty() : MergeClauses.read(t, on + 1);
        if (clauses.isEmpty()) {
            return ClassFinding.unknown("MERGE", "unrecognised MERGE");
        }
        if (clauses.get().changesNotMatchedBySource()) {
            return ClassFinding.of(StatementClass.BULK_WRITE, "MERGE",
                    "MERGE ... WHEN NOT MATCHED BY SOURCE changes every target row missing from the source");
        }
        ConditionScope scope = ConditionAnalyzer.analyze(t.sub(on + 1, clauses.get().firstWhen()), table);
        if (scope == ConditionScope.UNANALYSABLE) {
            return ClassFinding.unknown("MERGE", "MERGE ON condition could not be analysed");
        }
        if (clauses.get().changesMatched() && scope.mayHitEveryRow()) {
            return ClassFinding.of(StatementClass.BULK_WRITE, "MERGE",
                    "MERGE with an ON condition that does not depend on the rows changes every target row");
        }
        return ClassFinding.of(StatementClass.WRITE, "MERGE");
    }

    /** COPY to/from the client is data access; to/from a file or program runs on the server. */
    private static ClassFinding copy(TokenSpan t, int depth, int nesting) {
        int i = t.isWord(1, "binary") ? 2 : 1;
        StatementClass inner = StatementClass.READ;
        boolean query = t.isSymbol(i, "(");
        if (query) {
            int close = t.closing(i);
            inner = dispatch(t.sub(i + 1, close), depth, nesting + 1).statementClass();
            i = close + 1;
        } else {
            if (!t.isIdentifier(i)) {
                return ClassFinding.unknown("COPY", "unrecognised COPY");
            }
            i = t.skipQualifiedName(i);
            if (t.isSymbol(i, "(")) {
                i = t.closing(i) + 1;
            }
        }
        boolean from = t.isWord(i, "from");
        if (!from && !t.isWord(i, "to")) {
            return ClassFinding.unknown("COPY", "unrecognised COPY");
        }
        if (from && !query) {
            ClassFinding intoCatalog = catalogWrite(t, t.isWord(1, "binary") ? 2 : 1,
                    ClassFinding.of(StatementClass.WRITE, "COPY FROM"));
            if (intoCatalog.statementClass() == StatementClass.DANGEROUS_ADMIN) {
                return intoCatalog;
            }
        }
        String direction = from ? "FROM" : "TO";
        i++;
        if (t.isWord(i, "program")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "COPY " + direction + " PROGRAM",
                    "COPY ... PROGRAM runs a shell command on the database server");
        }
        if (i < t.size() && t.get(i).kind() == SqlToken.Kind.STRING) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "COPY " + direction + " FILE",
                    "COPY with a file name reads or writes the database server's file system");
        }
        if (!t.isWord(i, "stdin") && !t.isWord(i, "stdout")) {
            return ClassFinding.unknown("COPY", "unrecognised COPY target");
        }
        if (from) {
            return query ? ClassFinding.unknown("COPY", "COPY (query) FROM is not valid")
                    : ClassFinding.of(StatementClass.WRITE, "COPY FROM STDIN");
        }
        return ClassFinding.of(StatementClass.max(StatementClass.READ, inner), "COPY TO STDOUT");
    }

    /** EXPLAIN plans without running; EXPLAIN ANALYZE runs the statement. */
    private static ClassFinding explain(TokenSpan t, int depth, int nesting) {
        int i = 1;
        boolean analyze = false;
        if (t.isSymbol(i, "(")) {
            int close = t.closing(i);
            TokenSpan options = t.sub(i + 1, close);
            analyze = options.containsName("analyze") || options.containsName("analyse");
            i = close + 1;
        } else {
            while (Set.of("analyze", "analyse", "verbose").contains(t.word(i))) {
                analyze |= !t.isWord(i, "verbose");
                i++;
            }
        }
        ClassFinding inner = dispatch(t.from(i), depth, nesting + 1);
        if (analyze) {
            return inner.withCommand("EXPLAIN ANALYZE " + inner.command())
                    .escalate(StatementClass.READ, "EXPLAIN ANALYZE runs the statement");
        }
        if (inner.statementClass() == StatementClass.UNKNOWN && inner.executes().isEmpty()) {
            return inner.withCommand("EXPLAIN");
        }
        return ClassFinding.of(StatementClass.READ, "EXPLAIN", "EXPLAIN without ANALYZE only plans " + inner.command());
    }

    private static ClassFinding transaction(TokenSpan t) {
        String first = t.word(0);
        if ((first.equals("commit") || first.equals("rollback")) && t.isWord(1, "prepared")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, first.toUpperCase(Locale.ROOT) + " PREPARED",
                    "finishes a two-phase transaction, possibly one of another session");
        }
        if (first.equals("start") && !t.isWord(1, "transaction")) {
            return ClassFinding.unknown("START", "unrecognised statement");
        }
        for (int i = 1; i < t.size(); i++) {
            SqlToken token = t.get(i);
            boolean savepointName = token.isIdentifier() && (t.isWord(i - 1, "savepoint") || t.isWord(i - 1, "to")
                    || first.equals("savepoint") || first.equals("release"));
            if (!savepointName && !TRANSACTION_WORDS.contains(token.word()) && !token.isSymbol(",")) {
                return ClassFinding.unknown(first.toUpperCase(Locale.ROOT), "unexpected words in a transaction command");
            }
        }
        return ClassFinding.of(StatementClass.TRANSACTION, first.equals("start") ? "START TRANSACTION" : first.toUpperCase(Locale.ROOT));
    }

    /** PREPARE TRANSACTION is two-phase commit; PREPARE name AS statement classifies as its statement. */
    private static ClassFinding prepare(TokenSpan t, int depth, int nesting) {
        if (t.isWord(1, "transaction") && t.size() > 2 && t.get(2).kind() == SqlToken.Kind.STRING) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "PREPARE TRANSACTION",
                    "a prepared transaction outlives the session and keeps its locks");
        }
        if (!t.isIdentifier(1)) {
            return ClassFinding.unknown("PREPARE", "unrecognised PREPARE");
        }
        int as = t.isSymbol(2, "(") ? t.closing(2) + 1 : 2;
        if (!t.isWord(as, "as")) {
            return ClassFinding.unknown("PREPARE", "unrecognised PREPARE");
        }
        ClassFinding inner = dispatch(t.from(as + 1), depth, nesting + 1);
        return inner.withCommand("PREPARE").withPrepares(t.get(1).text())
                .withReason("prepares " + inner.command() + " as " + t.get(1).text());
    }

    /** EXECUTE runs a prepared statement; its class is that statement's, resolved by the classifier. */
    private static ClassFinding execute(TokenSpan t) {
        if (!t.isIdentifier(1)) {
            return ClassFinding.unknown("EXECUTE", "unrecognised EXECUTE");
        }
        String name = t.get(1).text();
        return ClassFinding.unknown("EXECUTE", "executes prepared statement " + name + " whose text is not known")
                .withExecutes(Optional.of(name));
    }

    /**
     * The class a statement that runs a prepared statement has apart from that statement: functions
     * called in arguments, data-modifying sub-statements, and the table {@code CREATE TABLE ... AS
     * EXECUTE} creates (DDL). Used when the prepared statement is resolved, so that
     * {@code EXECUTE p(pg_read_file('x'))} keeps its risk.
     */
    static StatementClass classOfEmbeddedParts(TokenSpan t) {
        boolean createsTable = t.findAtTopLevel(0, "create") >= 0;
        ClassFinding verdict = ClassFinding.of(createsTable ? StatementClass.DDL : StatementClass.TRANSACTION, "");
        verdict = dataModifyingSubstatements(verdict, t, 0);
        verdict = rowLocks(verdict, t);
        return FunctionCallRules.apply(verdict, t, 0).statementClass();
    }

    private static ClassFinding declare(TokenSpan t, int depth, int nesting) {
        int cursor = t.findAtTopLevel(1, "cursor");
        int forIndex = cursor < 0 ? -1 : t.findAtTopLevel(cursor + 1, "for");
        if (forIndex < 0) {
            return ClassFinding.unknown("DECLARE", "unrecognised DECLARE");
        }
        ClassFinding inner = dispatch(t.from(forIndex + 1), depth, nesting + 1);
        return inner.withCommand("DECLARE CURSOR").escalate(StatementClass.READ, "cursor over " + inner.command());
    }

    /** DO runs procedural code that cannot be analysed; what the body seems to do is reported. */
    private static ClassFinding doBlock(TokenSpan t, int depth) {
        ClassFinding verdict = ClassFinding.unknown("DO", "DO runs procedural code that cannot be fully analysed");
        String language = "plpgsql";
        int languageAt = t.findAtTopLevel(1, "language");
        if (languageAt >= 0 && languageAt + 1 < t.size()) {
            language = t.get(languageAt + 1).text().toLowerCase(Locale.ROOT);
        }
        if (SchemaChangeRules.isUntrustedLanguage(language)) {
            verdict = verdict.withReason("language " + language + " can reach the server's operating system");
        }
        for (SqlToken token : t.tokens()) {
            if (token.isStringLiteral()) {
                Optional<String> finding = EmbeddedSqlInspector.describeWorst(token.text(), depth + 1);
                if (finding.isPresent()) {
                    verdict = verdict.withReason("the body contains " + finding.get());
                }
            }
        }
        return verdict;
    }

    /**
     * INSERT/UPDATE/DELETE/MERGE in parentheses (data-modifying CTEs) make the statement at least
     * that risky, and so does a parenthesised WITH whose own statement modifies data
     * ({@code WITH d AS (WITH x AS (...) DELETE FROM t RETURNING 1) SELECT ...}). Every bracket of
     * the statement is looked at, so this reaches any depth: CTEs in CTEs, in subqueries, in
     * EXPLAIN, PREPARE, CREATE TABLE AS, DECLARE CURSOR and COPY. A nested WITH that cannot be
     * read makes the statement UNKNOWN. Each group's own analysis reads only its own level (see
     * {@link TokenSpan}), so the whole scan stays linear.
     */
    private static ClassFinding dataModifyingSubstatements(ClassFinding verdict, TokenSpan t, int depth) {
        ClassFinding result = verdict;
        for (int i = 0; i + 2 < t.size(); i++) {
            if (!t.isSymbol(i, "(")) {
                continue;
            }
            if (startsModification(t, i + 1)) {
                ClassFinding inner = dispatch(t.sub(i + 1, t.closing(i)), depth);
                result = result.escalate(inner.statementClass(),
                        "contains a data-modifying " + inner.command() + " (" + inner.statementClass() + ")");
            } else if (t.isWord(i + 1, "with")) {
                ClassFinding inner = dispatch(t.sub(i + 1, t.closing(i)), depth);
                if (inner.statementClass().risk() > StatementClass.READ.risk()) {
                    String why = inner.reasons().isEmpty() ? "" : ": " + String.join("; ", inner.reasons());
                    result = result.escalate(inner.statementClass(), "contains a WITH whose statement is "
                            + inner.command() + " (" + inner.statementClass() + ")" + why);
                }
            }
        }
        return result;
    }

    /** FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE anywhere locks rows like a write. */
    private static ClassFinding rowLocks(ClassFinding verdict, TokenSpan t) {
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.isWord(i, "for") && (t.isWord(i + 1, "update") || t.isWord(i + 1, "share")
                    || (t.isWord(i + 1, "no") && t.isWord(i + 2, "key")) || (t.isWord(i + 1, "key") && t.isWord(i + 2, "share")))) {
                return verdict.escalate(StatementClass.WRITE, "FOR UPDATE/SHARE locks rows");
            }
        }
        return verdict;
    }

    private static boolean startsModification(TokenSpan t, int i) {
        return switch (t.word(i)) {
            case "insert", "merge" -> t.isWord(i + 1, "into");
            case "delete" -> t.isWord(i + 1, "from");
            case "update" -> t.isIdentifier(i + 1);
            default -> false;
        };
    }
}
