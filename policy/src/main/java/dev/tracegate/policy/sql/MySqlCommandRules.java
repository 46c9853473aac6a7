package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies one MySQL or MariaDB statement from its tokens ({@link MySqlLexer}), with the same
 * classes and the same fail-closed rule as {@link CommandRules}: dispatch on the leading keyword,
 * then what anywhere in the statement changes what it does (files written by
 * {@code INTO OUTFILE}, row locks, functions that reach the server's files or stall it, optimizer
 * hints that set variables). Anything not recognised is UNKNOWN; nothing defaults to READ.
 */
final class MySqlCommandRules {

    private static final Set<String> QUERY_STARTS = Set.of("select", "values", "table", "with");
    private static final Set<String> MAIN_VERBS = Set.of("select", "values", "table", "update", "delete", "insert",
            "replace");
    private static final Set<String> TRANSACTION_WORDS = Set.of(
            "work", "and", "no", "chain", "release", "to", "savepoint", "transaction", "with", "consistent",
            "snapshot", "read", "only", "write");
    /**
     * Operators whose MySQL meaning PostgreSQL's condition analysis does not know ({@code ||} is OR,
     * {@code <=>} null-safe =); the logical {@code XOR} is such a word ({@code NOT (x XOR x)} holds for
     * every row, and in brackets the analysis read it as an opaque value of the row).
     */
    private static final Set<String> FOREIGN_CONDITION_OPERATORS = Set.of("||", "&&", "<=>", ":=");
    /**
     * Functions that pick one of their arguments or find one among them: {@code ELT(2, id = 5, 1)}
     * is {@code 1}, {@code FIELD(id, id)} and {@code FIND_IN_SET(id, id)} are true for every row
     * that has an {@code id}. Read as an opaque value of the row they were {@code write}.
     */
    private static final Set<String> ARGUMENT_PICKERS = Set.of("elt", "field", "find_in_set", "make_set", "export_set");
    private static final Set<String> SINGLE_DELETE_MODIFIERS = Set.of("low_priority", "quick", "ignore");
    private static final Set<String> SERVER_ADMIN = Set.of(
            "shutdown", "restart", "kill", "flush", "reset", "purge", "change", "install", "uninstall", "clone",
            "binlog", "stop", "import", "cache");

    private MySqlCommandRules() {
    }

    /** The rules' verdict on a top-level statement; a defect in them makes it UNKNOWN, never lower. */
    static ClassFinding verdict(SqlStatement statement) {
        return verdict(statement, 0);
    }

    static ClassFinding verdict(SqlStatement statement, int depth) {
        TokenSpan tokens = new TokenSpan(statement.tokens());
        try {
            return hints(classify(tokens, depth), statement.comments());
        } catch (RuntimeException | StackOverflowError e) {
            return ClassFinding.unknown(tokens.word(0).toUpperCase(Locale.ROOT),
                    "the classifier could not analyse this statement (" + e.getClass().getSimpleName() + ")");
        }
    }

    static ClassFinding classify(TokenSpan t, int depth) {
        if (depth > CommandRules.MAX_DEPTH) {
            return ClassFinding.unknown("", "SQL nested too deeply to analyse");
        }
        String command = t.word(0).toUpperCase(Locale.ROOT);
        if (!t.bracketsBalance()) {
            return ClassFinding.unknown(command, "brackets do not balance (MySQL rejects such a statement)");
        }
        if (t.bracketDepth() > CommandRules.MAX_NESTING) {
            return ClassFinding.unknown(command,
                    "brackets nested more than " + CommandRules.MAX_NESTING + " deep are not analysed");
        }
        return CredentialStores.mysql(anywhere(dispatch(t, depth, 0), t), t);
    }

    private static ClassFinding dispatch(TokenSpan t, int depth, int nesting) {
        if (t.isEmpty()) {
            return ClassFinding.unknown("", "empty statement");
        }
        if (nesting > CommandRules.MAX_NESTING) {
            return ClassFinding.unknown(t.word(0).toUpperCase(Locale.ROOT), "statements nested too deep");
        }
        if (t.isSymbol(0, "(")) {
            int first = 0;
            while (t.isSymbol(first, "(")) {
                first++;
            }
            return QUERY_STARTS.contains(t.word(first)) ? dispatch(t.from(first), depth, nesting + 1)
                    : ClassFinding.unknown("", "unrecognised parenthesised statement");
        }
        String first = t.word(0);
        String command = first.toUpperCase(Locale.ROOT);
        if (SERVER_ADMIN.contains(first)) {
            return serverAdmin(t);
        }
        return switch (first) {
            case "select", "values", "table" -> ClassFinding.of(StatementClass.READ, command);
            case "with" -> with(t, depth, nesting);
            case "insert" -> systemSchemaWrite(t, insert(t));
            case "replace" -> systemSchemaWrite(t, UpsertFromItself.rewritesEveryRow(t, t.size())
                    ? ClassFinding.of(StatementClass.BULK_WRITE, "REPLACE", "REPLACE of rows read from its own table"
                    + " without a WHERE on the row deletes and writes again every row it reads")
                    : ClassFinding.of(StatementClass.WRITE, "REPLACE",
                    "REPLACE deletes the rows a new row conflicts with, then inserts"));
            case "update", "delete" -> systemSchemaWrite(t, updateOrDelete(t));
            case "truncate" -> systemSchemaWrite(t,
                    ClassFinding.of(StatementClass.BULK_WRITE, "TRUNCATE", "TRUNCATE removes every row"));
            case "create", "alter", "drop" -> MySqlSchemaRules.classify(t, depth);
            case "rename" -> rename(t);
            case "grant", "revoke" -> ClassFinding.of(StatementClass.PRIVILEGE, command, "changes privileges");
            case "set" -> MySqlSettingRules.set(t);
            case "prepare" -> prepare(t, depth);
            case "execute" -> execute(t, depth);
            case "deallocate" -> ClassFinding.of(StatementClass.SESSION, "DEALLOCATE PREPARE");
            case "handler" -> handler(t);
            case "call" -> ClassFinding.unknown("CALL", "CALL runs a stored procedure whose body is not analysed");
            case "load" -> load(t);
            case "do" -> ClassFinding.of(StatementClass.READ, "DO");
            case "begin", "commit", "rollback", "savepoint", "release" -> transaction(t);
            case "start" -> t.isWord(1, "transaction") ? transaction(t)
                    : ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "START " + t.word(1).toUpperCase(Locale.ROOT),
                    "starts replication or another server process");
            case "xa" -> ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "XA",
                    "an XA transaction outlives the session, and XA COMMIT/ROLLBACK can finish another session's");
            case "lock" -> lock(t);
            case "unlock" -> ClassFinding.of(StatementClass.SESSION, "UNLOCK");
            case "show" -> ClassFinding.of(StatementClass.READ, "SHOW");
            case "explain", "describe", "desc" -> explain(t, depth, nesting);
            case "analyze" -> analyze(t, depth, nesting);
            case "optimize", "repair" -> ClassFinding.of(StatementClass.DDL, command,
                    command + " rebuilds tables under a lock");
            case "check", "checksum" -> ClassFinding.of(StatementClass.READ, command);
            case "use" -> t.size() > 1 && t.isIdentifier(1) && SYSTEM_SCHEMAS.contains(t.get(1).text().toLowerCase(Locale.ROOT))
                    ? ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command, "USE of the server's own schema "
                    + t.get(1).text().toLowerCase(Locale.ROOT) + ": unqualified names then reach grant tables and logs")
                    : ClassFinding.of(StatementClass.SESSION, command);
            case "help" -> ClassFinding.of(StatementClass.SESSION, command);
            case "get" -> t.isWord(1, "diagnostics") || (t.word(1).matches("current|stacked") && t.isWord(2, "diagnostics"))
                    ? ClassFinding.of(StatementClass.SESSION, "GET DIAGNOSTICS")
                    : ClassFinding.unknown("GET", "unrecognised statement");
            case "delimiter" -> ClassFinding.unknown("DELIMITER", "DELIMITER is a command of the mysql client, not "
                    + "SQL: the server never receives it, so text holding it was not meant for the server as sent");
            default -> ClassFinding.unknown(command, "unrecognised statement");
        };
    }

    /** What anywhere in a statement changes what it does, at any depth. */
    static ClassFinding anywhere(ClassFinding verdict, TokenSpan t) {
        ClassFinding result = verdict;
        for (int i = 0; i < t.size(); i++) {
            if (t.isWord(i, "into") && (t.isWord(i + 1, "outfile") || t.isWord(i + 1, "dumpfile"))) {
                result = result.escalate(StatementClass.DANGEROUS_ADMIN,
                        "INTO " + t.word(i + 1).toUpperCase(Locale.ROOT) + " writes a file on the database server");
            } else if ((t.isWord(i, "for") && (t.isWord(i + 1, "update") || t.isWord(i + 1, "share")))
                    || (t.isWord(i, "lock") && t.isWord(i + 1, "in") && t.isWord(i + 2, "share"))) {
                result = result.escalate(StatementClass.WRITE, "FOR UPDATE/SHARE locks rows");
            }
        }
        return MySqlFunctionRules.apply(result, t);
    }

    /** {@code /*+ SET_VAR(...) *}{@code /} sets a variable for the statement, which the SET rules never see. */
    private static ClassFinding hints(ClassFinding verdict, List<SqlToken> comments) {
        for (SqlToken comment : comments) {
            if (comment.text().startsWith("/*+") && comment.text().toLowerCase(Locale.ROOT).contains("set_var")) {
                return verdict.escalate(StatementClass.UNKNOWN,
                        "an optimizer hint sets a variable (SET_VAR) for the statement, which is not judged");
            }
        }
        return verdict;
    }

    /**
     * {@code WITH [RECURSIVE] name [(columns)] AS (query), ... statement}: the statement decides;
     * the bodies are queries whose functions {@link #anywhere} sees.
     */
    private static ClassFinding with(TokenSpan t, int depth, int nesting) {
        int i = t.isWord(1, "recursive") ? 2 : 1;
        while (true) {
            if (!t.isIdentifier(i)) {
                return ClassFinding.unknown("WITH", "unrecognised WITH clause");
            }
            i++;
            if (t.isSymbol(i, "(")) {
                i = t.closing(i) + 1;
            }
            if (!t.isWord(i, "as") || !t.isSymbol(i + 1, "(")) {
                return ClassFinding.unknown("WITH", "unrecognised WITH clause");
            }
            i = t.closing(i + 1) + 1;
            if (!t.isSymbol(i, ",")) {
                break;
            }
            i++;
        }
        if (!MAIN_VERBS.contains(t.word(i)) && !t.isSymbol(i, "(")) {
            return ClassFinding.unknown("WITH", "a WITH clause followed by something other than a query, UPDATE or DELETE");
        }
        return dispatch(t.from(i), depth, nesting + 1);
    }

    /**
     * UPDATE and DELETE, single- and multi-table. The condition ends where ORDER BY, LIMIT or
     * RETURNING start. MySQL converts and compares constants unlike PostgreSQL ({@code 'a' = 'A'}
     * is true, {@code 'yes'} is false), so a condition that does not depend on the row counts as
     * able to hit every row whatever its value seems to be, and one with MySQL's own operators
     * ({@code ||} as OR, {@code <=>}) is not analysed.
     */
    /** Schemas whose tables are the server's own: grant tables, logs, instrumentation. */
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "performance_schema");

    /**
     * A write that names a table of the {@code mysql} or {@code performance_schema} schema changes
     * accounts and privileges past GRANT ({@code UPDATE mysql.user ...}, {@code INSERT INTO
     * mysql.db ...}, effective at the next FLUSH PRIVILEGES or restart), erases server logs
     * ({@code TRUNCATE mysql.general_log}) or turns instrumentation off. Any qualified name in such
     * a schema counts, also one only read from, since multi-table writes name their targets anywhere.
     */
    private static ClassFinding systemSchemaWrite(TokenSpan t, ClassFinding verdict) {
        for (int i = 0; i + 2 < t.size(); i++) {
            if (t.isIdentifier(i) && t.isSymbol(i + 1, ".") && t.isIdentifier(i + 2)
                    && SYSTEM_SCHEMAS.contains(t.get(i).text().toLowerCase(Locale.ROOT))) {
                return verdict.escalate(StatementClass.DANGEROUS_ADMIN,
                        "writes to the server's own schema " + t.get(i).text().toLowerCase(Locale.ROOT)
                                + " (accounts, privileges, logs or instrumentation)");
            }
        }
        return verdict;
    }

    /** INSERT; with ON DUPLICATE KEY UPDATE from a query of its own target, an UPDATE of every row it reads. */
    private static ClassFinding insert(TokenSpan t) {
        int duplicate = t.findAtTopLevel(1, "duplicate");
        if (duplicate < 1 || !t.isWord(duplicate - 1, "on") || !t.isWord(duplicate + 1, "key")) {
            return ClassFinding.of(StatementClass.WRITE, "INSERT");
        }
        if (UpsertFromItself.rewritesEveryRow(t, duplicate - 1)) {
            return ClassFinding.of(StatementClass.BULK_WRITE, "INSERT ON DUPLICATE KEY UPDATE", "INSERT ... ON"
                    + " DUPLICATE KEY UPDATE of rows read from its own table without a WHERE on the row updates every"
                    + " row it reads");
        }
        return ClassFinding.of(StatementClass.WRITE, "INSERT ON DUPLICATE KEY UPDATE",
                "updates the rows a new row conflicts with");
    }

    private static ClassFinding updateOrDelete(TokenSpan t) {
        String command = t.word(0).toUpperCase(Locale.ROOT);
        int where = t.findAtTopLevel(1, "where");
        if (where < 0) {
            return ClassFinding.of(StatementClass.BULK_WRITE, command, command + " without WHERE changes every row");
        }
        if (isMultiTable(t, where)) {
            return ClassFinding.of(StatementClass.BULK_WRITE, "MULTI-TABLE " + command, "a multi-table " + command
                    + " changes every target row that joins a matching row; whether its conditions limit the target's"
                    + " rows depends on which table each column belongs to, which is not tracked");
        }
        int end = t.findAtTopLevel(where + 1, Set.of("order", "limit", "returning"));
        TokenSpan condition = t.sub(where + 1, end < 0 ? t.size() : end);
        for (int i = 0; i < condition.size(); i++) {
            SqlToken token = condition.get(i);
            if (token.kind() == SqlToken.Kind.OPERATOR && FOREIGN_CONDITION_OPERATORS.contains(token.text())
                    || token.isWord("xor")) {
                return ClassFinding.unknown(command, "WHERE uses " + token.text()
                        + ", whose meaning depends on sql_mode or which the analysis does not read");
            }
            if (token.isIdentifier() && ARGUMENT_PICKERS.contains(token.text().toLowerCase(java.util.Locale.ROOT))
                    && condition.isSymbol(i + 1, "(")) {
                return ClassFinding.unknown(command, "WHERE uses " + token.text().toUpperCase(java.util.Locale.ROOT)
                        + "(), which picks or finds one of its arguments in a way the analysis does not read");
            }
        }
        return switch (ConditionAnalyzer.analyze(condition, ChangedTable.mysqlSingleTable(t))) {
            case ROW_DEPENDENT -> ClassFinding.of(StatementClass.WRITE, command);
            case ALWAYS_TRUE, ALWAYS_FALSE, ROW_INDEPENDENT -> ClassFinding.of(StatementClass.BULK_WRITE, command,
                    command + " with a WHERE that does not depend on the row may change every row");
            case UNANALYSABLE -> ClassFinding.unknown(command, "WHERE clause could not be analysed");
        };
    }

    /**
     * {@code UPDATE a JOIN b ... SET}, {@code UPDATE a, b SET}, {@code DELETE a FROM ...},
     * {@code DELETE FROM a USING ...} and {@code DELETE FROM a JOIN ...}: more than one table
     * before the WHERE. ({@code DELETE a FROM a JOIN b ON b.x = 5 WHERE b.y = 1} deletes every row
     * of {@code a}.)
     */
    private static boolean isMultiTable(TokenSpan t, int where) {
        TokenSpan head = t.sub(1, where);
        if (head.findAtTopLevel(0, Set.of("join", "straight_join", "using")) >= 0) {
            return true;
        }
        int end = t.isWord(0, "update") ? head.findAtTopLevel(0, "set") : head.size();
        for (int i = 0; i < (end < 0 ? head.size() : end); i++) {
            if (head.isOpening(i)) {
                i = head.closing(i);
            } else if (head.isSymbol(i, ",")) {
                return true;
            }
        }
        if (t.isWord(0, "delete")) {
            int from = head.findAtTopLevel(0, "from");
            for (int i = 0; i < from; i++) {
                if (head.isIdentifier(i) && !SINGLE_DELETE_MODIFIERS.contains(head.word(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ClassFinding rename(TokenSpan t) {
        return switch (t.word(1)) {
            case "table", "tables" -> ClassFinding.of(StatementClass.DDL, "RENAME TABLE");
            case "user" -> ClassFinding.of(StatementClass.PRIVILEGE, "RENAME USER", "renames an account");
            default -> ClassFinding.unknown("RENAME", "unrecognised RENAME");
        };
    }

    /**
     * {@code PREPARE name FROM 'text'} classifies as its text, read as MySQL; text from a user
     * variable ({@code FROM @sql}) cannot be read and is UNKNOWN. Either way the name is
     * recorded, so that a later EXECUTE takes the class.
     */
    private static ClassFinding prepare(TokenSpan t, int depth) {
        if (!t.isIdentifier(1) || !t.isWord(2, "from") || t.size() != 4) {
            return ClassFinding.unknown("PREPARE", "unrecognised PREPARE");
        }
        String name = t.get(1).text();
        SqlToken source = t.get(3);
        if (source.kind() == SqlToken.Kind.STRING) {
            StatementClass inner = MySqlTextClassifier.classOfScript(source.text(), depth + 1);
            return ClassFinding.of(inner, "PREPARE", "prepares text classified " + inner + " as " + name)
                    .withPrepares(name);
        }
        return ClassFinding.unknown("PREPARE", "prepares the text of " + source.text()
                + ", which the gateway cannot read").withPrepares(name);
    }

    /**
     * The tables named by the text a {@code PREPARE name FROM 'text'} or {@code EXECUTE IMMEDIATE
     * 'text'} runs (the statement itself names none).
     */
    static Set<String> tablesOfRunText(TokenSpan t) {
        boolean prepare = t.isWord(0, "prepare") && t.isWord(2, "from") && t.size() == 4;
        boolean immediate = t.isWord(0, "execute") && t.isWord(1, "immediate") && t.size() == 3;
        SqlToken text = prepare ? t.get(3) : immediate ? t.get(2) : null;
        return text != null && text.kind() == SqlToken.Kind.STRING ? MySqlTextClassifier.tablesOfScript(text.text()) : Set.of();
    }

    /**
     * {@code EXECUTE name [USING @v, ...]} runs a prepared statement (resolved by the classifier);
     * MariaDB's {@code EXECUTE IMMEDIATE} runs text, which must be a literal to be read.
     */
    private static ClassFinding execute(TokenSpan t, int depth) {
        if (t.isWord(1, "immediate") && t.size() > 2) {
            if (t.size() == 3 && t.get(2).kind() == SqlToken.Kind.STRING) {
                StatementClass inner = MySqlTextClassifier.classOfScript(t.get(2).text(), depth + 1);
                return ClassFinding.of(inner, "EXECUTE IMMEDIATE", "runs text classified " + inner);
            }
            return ClassFinding.unknown("EXECUTE IMMEDIATE", "runs text that is not a literal");
        }
        if (!t.isIdentifier(1)) {
            return ClassFinding.unknown("EXECUTE", "unrecognised EXECUTE");
        }
        int i = 2;
        if (t.isWord(i, "using")) {
            i++;
            while (isUserVariable(t, i) && t.isSymbol(i + 1, ",")) {
                i += 2;
            }
            i = isUserVariable(t, i) ? i + 1 : -1;
        }
        if (i != t.size()) {
            return ClassFinding.unknown("EXECUTE", "unrecognised EXECUTE");
        }
        String name = t.get(1).text();
        return ClassFinding.unknown("EXECUTE", "executes prepared statement " + name + " whose text is not known")
                .withExecutes(java.util.Optional.of(name));
    }

    private static boolean isUserVariable(TokenSpan t, int i) {
        return i < t.size() && t.get(i).kind() == SqlToken.Kind.PARAMETER && t.get(i).text().startsWith("@")
                && !t.get(i).text().startsWith("@@");
    }

    /** HANDLER reads a table's rows directly: OPEN and READ are reads, CLOSE ends one. */
    private static ClassFinding handler(TokenSpan t) {
        int after = t.skipQualifiedName(1);
        return switch (t.word(after)) {
            case "open", "read" -> ClassFinding.of(StatementClass.READ, "HANDLER " + t.word(after).toUpperCase(Locale.ROOT),
                    "HANDLER reads rows directly, past the optimizer");
            case "close" -> ClassFinding.of(StatementClass.SESSION, "HANDLER CLOSE");
            default -> ClassFinding.unknown("HANDLER", "unrecognised HANDLER");
        };
    }

    /** LOAD DATA / LOAD XML read a file: the server's, or with LOCAL the client's machine's. */
    private static ClassFinding load(TokenSpan t) {
        if (!t.isWord(1, "data") && !t.isWord(1, "xml")) {
            return ClassFinding.unknown("LOAD", "unrecognised LOAD");
        }
        int infile = t.findAtTopLevel(2, "infile");
        if (infile < 0) {
            return ClassFinding.unknown("LOAD", "unrecognised LOAD");
        }
        if (t.sub(2, infile).containsWord("local")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "LOAD DATA LOCAL INFILE",
                    "LOAD ... LOCAL makes the server ask the client for a file of the client's machine");
        }
        return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "LOAD DATA INFILE",
                "LOAD ... INFILE reads a file of the database server");
    }

    private static ClassFinding lock(TokenSpan t) {
        if (t.isWord(1, "tables") || t.isWord(1, "table")) {
            return ClassFinding.of(StatementClass.WRITE, "LOCK TABLES", "LOCK TABLES blocks other sessions");
        }
        if (t.isWord(1, "instance")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, "LOCK INSTANCE", "blocks DDL on the whole server");
        }
        return ClassFinding.unknown("LOCK", "unrecognised LOCK");
    }

    private static ClassFinding serverAdmin(TokenSpan t) {
        String first = t.word(0);
        if (first.equals("kill")) {
            boolean query = t.isWord(1, "query");
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, query ? "KILL QUERY" : "KILL CONNECTION",
                    "ends another session's statement or connection");
        }
        String command = (first + " " + t.word(1)).trim().toUpperCase(Locale.ROOT);
        return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                "server administration: stops, resets or reconfigures the server, its logs, replication or plugins");
    }

    private static ClassFinding transaction(TokenSpan t) {
        String first = t.word(0);
        for (int i = 1; i < t.size(); i++) {
            boolean savepointName = t.isIdentifier(i) && (t.isWord(i - 1, "savepoint") || t.isWord(i - 1, "to"));
            if (!savepointName && !TRANSACTION_WORDS.contains(t.word(i)) && !t.isSymbol(i, ",")) {
                return ClassFinding.unknown(first.toUpperCase(Locale.ROOT), "unexpected words in a transaction command");
            }
        }
        return ClassFinding.of(StatementClass.TRANSACTION,
                first.equals("start") ? "START TRANSACTION" : first.toUpperCase(Locale.ROOT));
    }

    /**
     * EXPLAIN, DESCRIBE and DESC plan a statement or describe a table; with ANALYZE they run the
     * statement, which then keeps its class.
     */
    private static ClassFinding explain(TokenSpan t, int depth, int nesting) {
        int i = 1;
        boolean analyze = false;
        while (true) {
            if (t.isWord(i, "analyze")) {
                analyze = true;
                i++;
            } else if (t.isWord(i, "extended") || t.isWord(i, "partitions")) {
                i++;
            } else if (t.isWord(i, "format") && t.isSymbol(i + 1, "=")) {
                i += 3;
            } else {
                break;
            }
        }
        boolean statement = MAIN_VERBS.contains(t.word(i)) || t.isWord(i, "with") || t.isSymbol(i, "(");
        if (analyze) {
            if (!statement) {
                return ClassFinding.unknown("EXPLAIN ANALYZE", "unrecognised EXPLAIN ANALYZE");
            }
            ClassFinding inner = dispatch(t.from(i), depth, nesting + 1);
            return inner.withCommand("EXPLAIN ANALYZE " + inner.command())
                    .escalate(StatementClass.READ, "EXPLAIN ANALYZE runs the statement");
        }
        if (statement || t.isWord(i, "for") || t.isIdentifier(i)) {
            return ClassFinding.of(StatementClass.READ, "EXPLAIN");
        }
        return ClassFinding.unknown("EXPLAIN", "unrecognised EXPLAIN");
    }

    /** ANALYZE TABLE is maintenance; MariaDB's {@code ANALYZE SELECT/UPDATE/DELETE ...} runs the statement. */
    private static ClassFinding analyze(TokenSpan t, int depth, int nesting) {
        int i = t.isWord(1, "local") || t.isWord(1, "no_write_to_binlog") ? 2 : 1;
        if (t.isWord(i, "table") || t.isWord(i, "tables")) {
            return ClassFinding.of(StatementClass.WRITE, "ANALYZE TABLE", "maintenance");
        }
        if (t.isWord(1, "format") && t.isSymbol(2, "=")) {
            i = 4;
        }
        if (!MAIN_VERBS.contains(t.word(i)) && !t.isWord(i, "with")) {
            return ClassFinding.unknown("ANALYZE", "unrecognised ANALYZE");
        }
        ClassFinding inner = dispatch(t.from(i), depth, nesting + 1);
        return inner.withCommand("ANALYZE " + inner.command()).escalate(StatementClass.READ, "ANALYZE runs the statement");
    }

    /** Used by {@link MySqlSchemaRules} for the statements in routine, trigger and event bodies. */
    static ClassFinding dispatchNested(TokenSpan t, int depth) {
        return anywhere(dispatch(t, depth, 1), t);
    }
}
