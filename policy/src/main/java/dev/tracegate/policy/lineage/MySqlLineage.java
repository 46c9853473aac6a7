package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The lineage check for MySQL and MariaDB text. The text is split with the project's MySQL lexer
 * in every way a server could read it ({@code sql_mode}, version-gated comments) and each reading
 * is checked; one refusal refuses the text. A statement is handed to the PostgreSQL-side analysis
 * as a rendition of its MySQL tokens: backtick and ANSI-quoted identifiers become plain quoted
 * names, strings lose their backslash escapes, comments go and executable comments' content stays,
 * so JSqlParser reads exactly what the server reads, and the analysis's count of protected names
 * is checked against the MySQL tokens.
 *
 * <p>Refused besides what {@link LineageCheck} refuses: copies into user variables
 * ({@code @x := email}, {@code SELECT email INTO @x}, {@code SET @x = (SELECT ...)}), whose later
 * reads carry no lineage; {@code INTO OUTFILE}; MySQL's schemas of statement histories, accounts and
 * logs ({@code mysql.*}, {@code performance_schema.*}, {@code sys.*},
 * {@code information_schema.PROCESSLIST}); data-reading built-ins ({@code LOAD_FILE}); USE, which
 * moves name resolution; SHOW forms that print other sessions' statements or logged rows; HANDLER;
 * triggers and events; dynamic SQL whose text is not a literal.
 */
final class MySqlLineage {

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "performance_schema", "sys");
    /**
     * Relations of information_schema and performance_schema with other sessions' statements or
     * stored values: MySQL 8's histograms ({@code COLUMN_STATISTICS}, bucket values of a column, as
     * PostgreSQL's {@code pg_stats}), the words of an InnoDB full-text index ({@code
     * INNODB_FT_INDEX_TABLE}, {@code INNODB_FT_INDEX_CACHE}: every word of the indexed names), and
     * MariaDB's query cache ({@code QUERY_CACHE_INFO}, other sessions' statement texts); the optimizer
     * trace ({@code OPTIMIZER_TRACE}: the plan of the session's last statement, where a row read while
     * planning puts its values in the conditions, as in EXPLAIN's), InnoDB's locks ({@code
     * INNODB_LOCKS.lock_data}: the key of each locked row, of any session) and MariaDB's {@code
     * METADATA_LOCK_INFO} (the names other sessions' {@code GET_LOCK} took), and MariaDB's {@code
     * USER_VARIABLES} (every user variable of the session, a trigger's copy of a row among them, without
     * naming it).
     */
    private static final Set<String> EXPOSING_RELATIONS = Set.of(
            "processlist", "innodb_trx", "threads", "events_statements_current", "events_statements_history",
            "events_statements_history_long", "events_statements_summary_by_digest", "prepared_statements_instances",
            "general_log", "slow_log", "x$processlist", "x$session", "column_statistics", "innodb_ft_index_table",
            "innodb_ft_index_cache", "query_cache_info", "optimizer_trace", "innodb_locks", "metadata_lock_info",
            "user_variables");
    /** Where the statement an EXPLAIN or ANALYZE carries begins, after its options. */
    private static final Set<String> EXPLAINABLE = Set.of("select", "with", "table", "values", "insert", "replace",
            "update", "delete");
    private static final Set<String> EXPOSING_FUNCTIONS = Set.of("load_file", "sys_exec", "sys_eval");
    /**
     * SHOW forms that print other sessions' statements or logged rows; MariaDB's {@code SHOW EXPLAIN
     * FOR id} and {@code SHOW ANALYZE FOR id} show another connection's running statement's plan, its
     * literals in the conditions of {@code FORMAT=JSON}; MariaDB's {@code SHOW USER_VARIABLES} every
     * user variable of the session, a trigger's copy of a row among them.
     */
    private static final Set<String> EXPOSING_SHOW = Set.of("processlist", "engine", "binlog", "relaylog", "profile",
            "profiles", "explain", "analyze", "user_variables");

    /**
     * SHOW forms that print the text of the database's code: {@code SHOW CREATE TABLE} its defaults
     * and checks, {@code SHOW CREATE VIEW} a view's query, {@code SHOW CREATE TRIGGER} a body, {@code
     * SHOW [FULL] COLUMNS} and {@code FIELDS} each column's default, as {@code DESCRIBE} does, {@code
     * SHOW TRIGGERS} every trigger's body.
     */
    private static final Set<String> CODE_TEXT_SHOW = Set.of("create", "columns", "fields", "triggers");

    private MySqlLineage() {
    }

    /**
     * A DBA's {@code DEFAULT 'Alan Turing'}, {@code CHECK (name <> 'Grace Hopper')} or a view's
     * {@code WHERE name = 'Ada Lovelace'} is shown by {@code SHOW CREATE} and {@code DESCRIBE} as
     * text no column rule covers: refused while code naming a protected column holds a literal.
     */
    private static void refuseCodeText(ProtectedSchema schema) {
        if (schema.codeTextMayQuoteProtectedValues()) {
            throw new LineageRefusal(CodeTextNames.REFUSAL.formatted("this SHOW or DESCRIBE"));
        }
    }

    /**
     * SHOW forms that print comments: {@code SHOW CREATE} (a table's, a column's, an index's, a
     * routine's, an event's), {@code SHOW FULL COLUMNS}, {@code SHOW INDEX}, {@code SHOW TABLE
     * STATUS}, {@code SHOW PROCEDURE STATUS} and {@code FUNCTION STATUS}.
     */
    private static final Set<String> COMMENT_SHOW = Set.of("create", "columns", "fields", "index", "indexes", "keys");

    private static final Set<String> STATUS_OF_COMMENTED = Set.of("table", "procedure", "function");

    private static void refuseComments(List<SqlToken> tokens, ProtectedSchema schema) {
        boolean status = tokens.stream().anyMatch(t -> t.word().equals("status"))
                && tokens.stream().anyMatch(t -> STATUS_OF_COMMENTED.contains(t.word()));
        if ((status || tokens.stream().anyMatch(t -> COMMENT_SHOW.contains(t.word())))
                && schema.writtenValueMayQuote(WrittenValueNames.Kind.COMMENT)) {
            throw new LineageRefusal(WrittenValueNames.refusal(WrittenValueNames.Kind.COMMENT, "this SHOW"));
        }
    }

    static void check(String sql, SqlDialect dialect, ProtectedSchema schema) {
        List<List<SqlStatement>> readings = SqlScriptSplitter.splitEveryReading(sql, dialect).orElseThrow(() ->
                new LineageRefusal("MySQL servers could read this text in different ways (an executable comment"
                        + " whose end depends on the server); write it plainly"));
        for (List<SqlStatement> statements : readings) {
            Set<String> createdEarlier = new HashSet<>();
            for (SqlStatement statement : statements) {
                if (statement.incomplete()) {
                    throw new LineageRefusal("the text ends inside a quote or comment");
                }
                LineageCheck.refuseUseOfNewObjects(statement, createdEarlier);
                statement(statement.tokens(), dialect, schema);
                LineageCheck.noteCreatedObjects(statement, createdEarlier);
            }
        }
    }

    private static void statement(List<SqlToken> tokens, SqlDialect dialect, ProtectedSchema schema) {
        refuseVariablesTriggersSet(tokens, schema.catalog());
        if (word(tokens, 0).equals("set") && word(tokens, 1).equals("statement")) {
            statement(carriedBySetStatement(tokens), dialect, schema);
            return;
        }
        refuseExposingNames(tokens);
        refuseCopies(tokens, schema);
        refuseAliasesNamingRelations(tokens, schema);
        String first = word(tokens, 0);
        switch (first) {
            case "use" -> throw new LineageRefusal("USE changes which database names resolve in; a caller whose"
                    + " results are masked must qualify names instead");
            case "show" -> {
                if (tokens.stream().anyMatch(t -> EXPOSING_SHOW.contains(t.word()))) {
                    throw new LineageRefusal("this SHOW prints other sessions' statements or logged rows, which the"
                            + " gateway cannot mask");
                }
                if (tokens.stream().anyMatch(t -> CODE_TEXT_SHOW.contains(t.word()))) {
                    refuseCodeText(schema);
                }
                refuseComments(tokens, schema);
            }
            case "prepare", "execute" -> dynamic(tokens, dialect, schema);
            case "load" -> {
                refuseServerFiles(tokens);
                analysed(tokens, schema);
            }
            case "describe", "desc" -> {
                if (tokens.stream().skip(1).anyMatch(t -> !t.isIdentifier() && !t.isSymbol("."))) {
                    throw new LineageRefusal("only DESCRIBE of a table is checked for masked callers");
                }
                refuseCodeText(schema);
            }
            case "explain" -> {
                if (tokens.stream().skip(1).anyMatch(t -> !t.isIdentifier() && !t.isSymbol("."))) {
                    refuseExplaining(tokens, schema);
                } else {
                    refuseCodeText(schema);
                }
                analysed(tokens, schema);
            }
            case "analyze" -> {
                if (!word(tokens, 1).equals("table") && !word(tokens, 1).equals("tables")) {
                    refuseExplaining(tokens, schema);
                }
                analysed(tokens, schema);
            }
            case "create", "alter" -> {
                if (tokens.stream().anyMatch(t -> t.isWord("trigger") || t.isWord("event"))) {
                    throw new LineageRefusal("triggers and events run code on other statements that the gateway"
                            + " cannot follow; masked callers may not create them");
                }
                analysed(tokens, schema);
            }
            default -> analysed(tokens, schema);
        }
    }

    /**
     * MySQL and MariaDB read the rows of a table found by its primary key or a unique key while
     * planning, and print their values where the plan shows a condition or the query as rewritten:
     * {@code EXPLAIN EXTENDED SELECT name FROM customers WHERE id = 1} leaves the note {@code
     * select 'Ada Lovelace' AS name ...} for {@code SHOW WARNINGS} (MySQL's plain EXPLAIN too),
     * and {@code EXPLAIN FORMAT=JSON}, {@code ANALYZE} and MySQL's {@code FORMAT=TREE} put {@code
     * o.status = 'Ada Lovelace'} in their rows. None of it is a column the masker can name. A plan
     * of a statement that names anything that could hold protected data is refused; {@code
     * DESCRIBE} of a table shows no stored values and stays, unless its defaults quote one
     * ({@link #refuseCodeText}).
     */
    private static void refuseExplaining(List<SqlToken> tokens, ProtectedSchema schema) {
        int carried = 1;
        while (carried < tokens.size() && !tokens.get(carried).isSymbol("(")
                && !EXPLAINABLE.contains(tokens.get(carried).word())) {
            carried++;
        }
        if (carried == tokens.size()) {
            // EXPLAIN FOR CONNECTION n: the plan of another session's statement, with its values.
            throw new LineageRefusal("this EXPLAIN shows a plan of a statement the gateway cannot see (another"
                    + " connection's), with the values it reads; masked callers may not EXPLAIN or ANALYZE it");
        }
        if (LineageCheck.needsAnalysis(tokens.subList(carried, tokens.size()), schema)) {
            throw new LineageRefusal("MySQL's plans quote the values of rows read while planning (a row found by its key:"
                    + " select 'Ada Lovelace' AS name in SHOW WARNINGS, conditions in FORMAT=JSON), which the gateway"
                    + " cannot mask; masked callers may not EXPLAIN or ANALYZE statements on protected data");
        }
    }

    /** The rendition is one PostgreSQL-readable statement; the PostgreSQL-side rules judge it. */
    private static void analysed(List<SqlToken> tokens, ProtectedSchema schema) {
        String rendition = render(tokens);
        List<SqlStatement> parts = SqlScriptSplitter.split(rendition);
        if (parts.size() > 1 || parts.stream().anyMatch(SqlStatement::incomplete)) {
            throw new LineageRefusal("the gateway could not read the statement as one statement");
        }
        if (!parts.isEmpty()) {
            LineageCheck.statement(rendition, parts.getFirst().tokens(), schema);
        }
    }

    /**
     * MariaDB's {@code SET STATEMENT var = value [, ...] FOR statement} runs the statement with the
     * variables set for it: the statement is judged as itself (it was read as a SET, which reads no
     * data, and a multi-table {@code UPDATE ... SET o.item = reverse(p.name)} under it was never
     * checked). The values are constants; one that holds a query is refused.
     */
    private static List<SqlToken> carriedBySetStatement(List<SqlToken> tokens) {
        int depth = 0;
        for (int i = 2; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isSymbol("(")) {
                depth++;
            } else if (token.isSymbol(")")) {
                depth--;
            } else if (token.isWord("select")) {
                break;
            } else if (depth == 0 && token.isWord("for")) {
                return tokens.subList(i + 1, tokens.size());
            }
        }
        throw new LineageRefusal("the gateway could not find the statement SET STATEMENT ... FOR carries, or a"
                + " variable is set to a query; write the statement plainly");
    }

    /** {@code PREPARE s FROM 'text'} and {@code EXECUTE IMMEDIATE 'text'} are checked as their text; other text is refused. */
    private static void dynamic(List<SqlToken> tokens, SqlDialect dialect, ProtectedSchema schema) {
        boolean prepare = word(tokens, 0).equals("prepare");
        boolean immediate = !prepare && tokens.size() > 1 && tokens.get(1).isWord("immediate");
        if (!prepare && !immediate) {
            return;
        }
        int text = prepare ? 3 : 2;
        boolean literal = tokens.size() == text + 1 && tokens.get(text).kind() == SqlToken.Kind.STRING
                && (!prepare || tokens.get(2).isWord("from"));
        if (!literal) {
            throw new LineageRefusal("the statement runs SQL text the gateway cannot read (a variable or an"
                    + " expression); masked callers may prepare literal text only");
        }
        check(tokens.get(text).text(), dialect, schema);
    }

    /**
     * {@code LOAD DATA INFILE} and {@code LOAD XML INFILE} read a file of the server, which may hold
     * protected values in clear (an unmasked colleague's {@code INTO OUTFILE} export), into a table
     * no rule protects, as {@code LOAD_FILE} would; with {@code LOCAL} the client sends its own file.
     */
    private static void refuseServerFiles(List<SqlToken> tokens) {
        for (SqlToken token : tokens) {
            if (token.isWord("local")) {
                return;
            }
            if (token.isWord("infile")) {
                throw new LineageRefusal("LOAD ... INFILE reads a file of the database server, which may hold protected"
                        + " values, into a table the gateway does not protect; load the client's own file with LOCAL");
            }
        }
    }

    private static void refuseExposingNames(List<SqlToken> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (!token.isIdentifier()) {
                continue;
            }
            String name = token.text().toLowerCase(Locale.ROOT);
            boolean qualifier = i + 1 < tokens.size() && tokens.get(i + 1).isSymbol(".");
            if (qualifier && SYSTEM_SCHEMAS.contains(name)) {
                throw new LineageRefusal("the schema " + name + " holds statement histories, accounts or logs the"
                        + " gateway cannot mask");
            }
            if (EXPOSING_RELATIONS.contains(name)) {
                throw new LineageRefusal("the system table " + name + " shows other sessions' statements or rows,"
                        + " which the gateway cannot mask");
            }
            if (EXPOSING_FUNCTIONS.contains(name)) {
                throw new LineageRefusal("the function " + name + " reads data by itself (files of the server),"
                        + " which the gateway cannot follow");
            }
        }
    }

    /**
     * A trigger may copy the row it fires on into a user variable ({@code SET @last = OLD.name}) on
     * the caller's own write; reading the variable back ({@code SELECT @last}, {@code REVERSE(@last)},
     * {@code EXECUTE s USING @last}) has no lineage. A masked caller may not name such a variable.
     */
    private static void refuseVariablesTriggersSet(List<SqlToken> tokens, CatalogSnapshot catalog) {
        for (SqlToken token : tokens) {
            if (TriggerVariables.isUserVariable(token) && catalog.triggersMaySet(token.text())) {
                throw new LineageRefusal("a trigger of the database may set the user variable " + token.text()
                        + " from the rows it fires on, which the gateway cannot mask when it is read; masked callers"
                        + " may not use it");
            }
        }
    }

    /**
     * A value copied into a user variable ({@code @x := email}, {@code SELECT email INTO @x},
     * {@code SET @x = (SELECT ...)}) or a file ({@code INTO OUTFILE}) leaves the lineage: reading it
     * back shows it unmasked. Such a statement is refused when it names anything that could hold
     * protected data.
     */
    private static void refuseCopies(List<SqlToken> tokens, ProtectedSchema schema) {
        boolean copies = word(tokens, 0).equals("set") && tokens.stream().anyMatch(t -> t.isWord("select"));
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isWord("into") && i + 1 < tokens.size()
                    && (tokens.get(i + 1).isWord("outfile") || tokens.get(i + 1).isWord("dumpfile"))) {
                throw new LineageRefusal("INTO OUTFILE writes rows to a file, which the gateway cannot mask");
            }
            copies |= token.isSymbol(":=") || (token.isWord("into") && i + 1 < tokens.size()
                    && tokens.get(i + 1).kind() == SqlToken.Kind.PARAMETER && tokens.get(i + 1).text().startsWith("@"));
        }
        if (copies && LineageCheck.needsAnalysis(tokens, schema)) {
            throw new LineageRefusal("the statement copies values into a user variable, which the gateway cannot"
                    + " mask when the variable is read back; select the values instead");
        }
    }

    /**
     * MySQL servers name a column read through a view, a derived table or a WITH query by that
     * relation's alias ({@code org_table}), not by the table it came from, and the gateway names
     * result columns for masking by {@code org_table}. An alias or WITH name that is the name of a
     * relation the catalog knows ({@code FROM contacts AS customers},
     * {@code (SELECT ...) customers}, {@code WITH customers AS (...)}) would make such a column look
     * like that relation's, masked by another rule; such statements are refused when they could
     * reach protected data.
     */
    private static void refuseAliasesNamingRelations(List<SqlToken> tokens, ProtectedSchema schema) {
        CatalogSnapshot catalog = schema.catalog();
        for (int i = 1; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (!token.isIdentifier() || catalog.relationsNamed(token.text()).isEmpty()) {
                continue;
            }
            SqlToken before = tokens.get(i - 1);
            boolean afterRelation = before.isIdentifier() && !before.text().equals(token.text())
                    && !catalog.relationsNamed(before.text()).isEmpty();
            boolean withName = before.isWord("with") || before.isWord("recursive")
                    || (i + 2 < tokens.size() && tokens.get(i + 1).isWord("as") && tokens.get(i + 2).isSymbol("("));
            if ((before.isWord("as") || before.isSymbol(")") || afterRelation || withName)
                    && LineageCheck.needsAnalysis(tokens, schema)) {
                throw new LineageRefusal("\"" + token.text() + "\" names a table or view of the database and is used"
                        + " here as an alias; MySQL servers name result columns by the alias, so the gateway could not"
                        + " tell which rule masks them: choose another alias");
            }
        }
    }

    /**
     * PostgreSQL-readable text of MySQL tokens, one space apart: identifiers quoted (they are
     * already folded to MySQL's lower case), strings as standard strings with quotes doubled and
     * backslashes doubled (so no reader takes one for an escape), everything else as written.
     */
    static String render(List<SqlToken> tokens) {
        StringBuilder out = new StringBuilder();
        for (SqlToken token : tokens) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            String text = token.text();
            switch (token.kind()) {
                case QUOTED_IDENTIFIER -> out.append('"').append(text.replace("\"", "\"\"")).append('"');
                case WORD -> out.append(Character.isDigit(text.charAt(0)) || text.charAt(0) == '$'
                        ? '"' + text.replace("\"", "\"\"") + '"' : text);
                case STRING -> out.append('\'').append(text.replace("\\", "\\\\").replace("'", "''")).append('\'');
                default -> out.append(text);
            }
        }
        return out.toString();
    }

    private static String word(List<SqlToken> tokens, int index) {
        return index < tokens.size() ? tokens.get(index).word() : "";
    }
}
