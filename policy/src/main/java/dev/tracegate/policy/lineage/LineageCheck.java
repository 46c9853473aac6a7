package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Decides whether a masked caller's query string may run (docs/masking.md, "Lineage").
 *
 * <p>Each statement is sorted by what it is. Statements that cannot read stored data (transaction
 * control, SET, SHOW, FETCH, LISTEN, DROP, ...) pass. Queries and data-changing statements are
 * analysed with JSqlParser's parse tree against the catalog snapshot, unless every word in them is
 * a known name that holds no protected data (then they cannot reach any). Statements that run code
 * the gateway cannot see (DO, CALL, triggers, rules) are refused, and so is everything that copies
 * protected data out (COPY TO, CREATE TABLE AS). EXPLAIN, PREPARE and DECLARE CURSOR are judged by
 * the statement they carry.
 *
 * <p>After the parse tree is analysed, the statement's own tokens are counted against what the
 * analysis followed: a protected column or table named in the text more often than the analysis
 * saw it means the parser read the text differently from PostgreSQL, and the statement is refused.
 */
public final class LineageCheck {

    /** Statements whose first word says they read no stored data the caller would receive. */
    private static final Set<String> NO_DATA = Set.of("begin", "start", "commit", "end", "rollback", "abort",
            "savepoint", "release", "set", "reset", "show", "discard", "deallocate", "close", "fetch", "move", "listen",
            "unlisten", "notify", "lock", "truncate", "vacuum", "analyze", "analyse", "checkpoint", "drop", "grant",
            "revoke", "reindex", "cluster", "refresh", "execute", "security", "comment", "reassign", "import", "load",
            "prepare_transaction");
    private static final Set<String> QUERIES = Set.of("select", "with", "values", "table", "insert", "update", "delete",
            "merge");
    /** Statements that run a text judged when it was prepared or declared. */
    private static final Set<String> RUNS_JUDGED_TEXT = Set.of("execute", "fetch", "move", "refresh");
    /**
     * Objects whose code runs on other statements without being named in them: triggers, rules,
     * row-level policies, event triggers; a cast ({@code 1::orders} calls its function, which may read
     * any table, while the text names no function), an operator class or family (its support functions
     * run inside index builds and sorts), a transform, a conversion.
     */
    private static final Set<String> CODE_THE_GATEWAY_CANNOT_SEE = Set.of("trigger", "rule", "policy", "event", "cast",
            "operator", "transform", "conversion");
    private static final int CACHE_LIMIT = 10_000;

    private LineageCheck() {
    }

    /** Checks every statement of a query string (simple protocol) or one Parse text (extended protocol). */
    public static LineageVerdict check(String sql, ProtectedSchema schema) {
        LineageVerdict cached = schema.cachedVerdict(sql);
        if (cached != null) {
            return cached;
        }
        LineageVerdict verdict = checkUncached(sql, schema);
        if (sql.length() <= 16_384) {
            schema.cacheVerdict(sql, verdict, CACHE_LIMIT);
        }
        return verdict;
    }

    /** Whether a PostgreSQL Parse's declared parameter types (OIDs, 0 for none) run code that reads protected data. */
    public static LineageVerdict checkParameterTypes(List<Integer> types, ProtectedSchema schema) {
        try {
            DatabaseCodeReach.refuseParameterTypes(types, schema);
            return LineageVerdict.ALLOWED;
        } catch (LineageRefusal refusal) {
            return LineageVerdict.of(refusal);
        }
    }

    /**
     * Checks a query string of the given dialect. MySQL text is read as MySQL reads it, every way
     * its servers could ({@link MySqlLineage}); its verdicts are cached apart from PostgreSQL's.
     */
    public static LineageVerdict check(String sql, SqlDialect dialect, ProtectedSchema schema) {
        if (dialect == SqlDialect.POSTGRESQL) {
            return check(sql, schema);
        }
        // A PostgreSQL text never holds a NUL, so these keys cannot meet one.
        String key = "\0" + dialect.name() + "\0" + sql;
        LineageVerdict cached = schema.cachedVerdict(key);
        if (cached != null) {
            return cached;
        }
        LineageVerdict verdict;
        try {
            MySqlLineage.check(sql, dialect, schema);
            verdict = mayComputeOnProtected(sql, dialect, schema) || mayFireTriggers(sql, dialect, schema.catalog())
                    ? LineageVerdict.ALLOWED_COMPUTING : LineageVerdict.ALLOWED;
        } catch (LineageRefusal refusal) {
            verdict = LineageVerdict.of(refusal);
        }
        if (sql.length() <= 16_384) {
            schema.cacheVerdict(key, verdict, CACHE_LIMIT);
        }
        return verdict;
    }

    /**
     * Whether the text, in any way its servers could read it, names anything that could hold
     * protected data for this profile (a protected relation, a view, a function of the database, a
     * name the catalog does not know). True when the text cannot be read one way only.
     */
    public static boolean mayReadProtectedData(String sql, SqlDialect dialect, ProtectedSchema schema) {
        var readings = SqlScriptSplitter.splitEveryReading(sql, dialect);
        if (readings.isEmpty()) {
            return true;
        }
        return readings.get().stream().flatMap(List::stream).anyMatch(s -> needsAnalysis(s.tokens(), schema));
    }

    private static LineageVerdict checkUncached(String sql, ProtectedSchema schema) {
        Set<String> createdEarlier = new HashSet<>();
        boolean computes = false;
        for (SqlStatement statement : SqlScriptSplitter.split(sql)) {
            try {
                refuseUseOfNewObjects(statement, createdEarlier);
                statement(statement.text(), statement.tokens(), schema);
                noteCreatedObjects(statement, createdEarlier);
            } catch (LineageRefusal refusal) {
                return LineageVerdict.of(refusal);
            }
            computes |= mayComputeOnProtected(statement.tokens(), schema)
                    || DatabaseCodeReach.computesOnStoredRows(statement.tokens(), schema);
        }
        return computes ? LineageVerdict.ALLOWED_COMPUTING : LineageVerdict.ALLOWED;
    }

    /**
     * Whether an allowed statement may compute on a protected value the profile grants {@code any}
     * on: it names something that can hold protected data, or it runs a statement judged earlier
     * (EXECUTE of a prepared statement, FETCH or MOVE of a cursor, REFRESH of a materialized view),
     * whose text is not here to read. The server's errors for it can then quote the values a cast
     * or a function failed on, whatever their SQLSTATE (docs/masking.md, "In the gateway").
     * Statements that read no stored data (SET, SHOW, LOCK, ...) compute on none.
     */
    /** {@link #mayComputeOnProtected(List, ProtectedSchema)} for any statement in any reading of a MySQL text, where comparisons convert too. */
    private static boolean mayComputeOnProtected(String sql, SqlDialect dialect, ProtectedSchema schema) {
        // MySQL converts a protected value compared with another type, and quotes it in a warning.
        if (!schema.grantsConvertingUse()) {
            return false;
        }
        var readings = SqlScriptSplitter.splitEveryReading(sql, dialect);
        return readings.isEmpty() || readings.get().stream().flatMap(List::stream)
                .anyMatch(statement -> namesProtectedDataOrRunsJudgedText(statement.tokens(), schema));
    }

    /**
     * Whether a statement, in any reading of the MySQL text, may fire a trigger ({@link TriggeredWrite}):
     * its error's text, and its warnings', may then quote any row the trigger read.
     */
    private static boolean mayFireTriggers(String sql, SqlDialect dialect, CatalogSnapshot catalog) {
        if (!catalog.hasAnyTrigger()) {
            return false;
        }
        var readings = SqlScriptSplitter.splitEveryReading(sql, dialect);
        return readings.isEmpty() || readings.get().stream().flatMap(List::stream)
                .anyMatch(statement -> TriggeredWrite.mayFire(statement.tokens(), catalog));
    }

    private static boolean mayComputeOnProtected(List<SqlToken> tokens, ProtectedSchema schema) {
        return schema.grantsAnyUse() && namesProtectedDataOrRunsJudgedText(tokens, schema);
    }

    private static boolean namesProtectedDataOrRunsJudgedText(List<SqlToken> tokens, ProtectedSchema schema) {
        String first = word(tokens, 0);
        if (RUNS_JUDGED_TEXT.contains(first)) {
            return true;
        }
        return !NO_DATA.contains(first) && needsAnalysis(tokens, schema);
    }

    static void statement(String text, List<SqlToken> tokens, ProtectedSchema schema) {
        refuseSearchPathChanges(tokens);
        DatabaseCodeReach.refuse(tokens, schema);
        String first = word(tokens, 0);
        if (first.isEmpty() && !tokens.isEmpty() && tokens.getFirst().isSymbol("(")) {
            first = "select";
        }
        switch (first) {
            case "" -> {
                if (!tokens.isEmpty()) {
                    throw new LineageRefusal("the statement does not start with a command the gateway knows");
                }
            }
            case "explain" -> carried(text, tokens, afterExplainOptions(tokens), schema);
            case "prepare" -> carried(text, tokens, indexOfWord(tokens, "as", 1) + 1, schema);
            case "declare" -> carried(text, tokens, indexOfWord(tokens, "for", 1) + 1, schema);
            case "copy" -> copy(tokens);
            case "create" -> create(text, tokens, schema);
            case "alter" -> alter(tokens, schema);
            case "show" -> show(tokens, schema);
            case "do", "call" -> throw new LineageRefusal(first.toUpperCase() + " runs code the gateway cannot see into;"
                    + " masked callers may run plain SQL statements only");
            default -> {
                if (QUERIES.contains(first)) {
                    analysed(text, tokens, schema);
                } else if (!NO_DATA.contains(first)) {
                    unknownKind(first, tokens, schema);
                }
            }
        }
    }

    /**
     * {@code SHOW app.vip} shows a setting stored for the database or the role ({@code ALTER
     * DATABASE ... SET app.vip = 'Ada Lovelace'}), {@code SHOW ALL} every one: refused for those.
     */
    private static void show(List<SqlToken> tokens, ProtectedSchema schema) {
        Set<String> stored = schema.catalog().writtenValues().storedSettings();
        if (stored.isEmpty()) {
            return;
        }
        StringBuilder name = new StringBuilder();
        tokens.subList(1, tokens.size()).stream().filter(t -> !t.isSymbol(";")).forEach(t -> name.append(t.text()));
        String setting = name.toString().toLowerCase(Locale.ROOT);
        if (setting.equals("all") || stored.stream().anyMatch(s -> s.equalsIgnoreCase(setting))) {
            throw new LineageRefusal(WrittenValueNames.refusal(WrittenValueNames.Kind.SETTING, "SHOW " + name));
        }
    }

    /**
     * Table names are resolved as the upstream role resolves them (the gateway's catalog connection
     * logs in as that role), so a masked caller may not move its own search path: {@code SET
     * search_path}, {@code SET SCHEMA}, or {@code set_config} of it (or of a name the gateway cannot read).
     */
    private static void refuseSearchPathChanges(List<SqlToken> tokens) {
        boolean set = word(tokens, 0).equals("set");
        // UPDATE pg_settings SET setting = ... WHERE name = 'search_path' calls set_config.
        boolean settingsWrite = word(tokens, 0).equals("update") && tokens.stream().anyMatch(t -> names(t, "pg_settings"));
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            boolean setStatement = set && i <= 2 && (names(token, "search_path") || token.isWord("schema"));
            boolean setConfig = names(token, "set_config") && i + 2 < tokens.size() && tokens.get(i + 1).isSymbol("(")
                    && !(tokens.get(i + 2).isStringLiteral()
                    && !tokens.get(i + 2).text().strip().equalsIgnoreCase("search_path"));
            if (setStatement || setConfig || settingsWrite) {
                throw new LineageRefusal("a caller whose results are masked cannot change search_path: table names"
                        + " are checked as the connection's role resolves them; qualify names instead");
            }
        }
    }

    /** Whether a token names {@code setting}, quoted or not: PostgreSQL matches setting names in any case. */
    private static boolean names(SqlToken token, String setting) {
        return token.isIdentifier() && token.text().equalsIgnoreCase(setting);
    }

    /** A statement carried by EXPLAIN, PREPARE ... AS or DECLARE ... FOR is judged as itself. */
    private static void carried(String text, List<SqlToken> tokens, int from, ProtectedSchema schema) {
        if (from <= 0 || from >= tokens.size()) {
            throw new LineageRefusal("the statement it carries could not be found");
        }
        String inner = text.substring(tokens.get(from).start() - tokens.getFirst().start());
        List<SqlStatement> parts = SqlScriptSplitter.split(inner);
        if (parts.size() != 1) {
            throw new LineageRefusal("the statement it carries could not be read as one statement");
        }
        statement(parts.getFirst().text(), parts.getFirst().tokens(), schema);
    }

    private static int afterExplainOptions(List<SqlToken> tokens) {
        int i = 1;
        if (i < tokens.size() && tokens.get(i).isSymbol("(")) {
            int depth = 0;
            for (; i < tokens.size(); i++) {
                if (tokens.get(i).isSymbol("(")) {
                    depth++;
                } else if (tokens.get(i).isSymbol(")") && --depth == 0) {
                    return i + 1;
                }
            }
            return -1;
        }
        while (i < tokens.size() && Set.of("analyze", "analyse", "verbose").contains(word(tokens, i))) {
            i++;
        }
        return i;
    }

    /**
     * COPY ... TO sends rows in COPY's own format, which the gateway does not mask. COPY ... FROM
     * STDIN writes the caller's own data; FROM a file or a program reads the server's, which may hold
     * protected values in clear (an unmasked colleague's export, the server's log), into a table no
     * rule protects: {@code COPY t FROM '/exports/people.csv'}, then {@code SELECT * FROM t}.
     */
    private static void copy(List<SqlToken> tokens) {
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isSymbol("(")) {
                depth++;
            } else if (token.isSymbol(")")) {
                depth--;
            } else if (depth == 0 && token.isWord("to")) {
                throw new LineageRefusal("COPY ... TO sends rows in COPY's own format, which the gateway cannot mask;"
                        + " use SELECT");
            } else if (depth == 0 && token.isWord("from") && !(i + 1 < tokens.size() && tokens.get(i + 1).isWord("stdin"))) {
                throw new LineageRefusal("COPY ... FROM a file or a program reads the database server's data, which"
                        + " may hold protected values, into a table the gateway does not protect; copy FROM STDIN");
            }
        }
    }

    private static void create(String text, List<SqlToken> tokens, ProtectedSchema schema) {
        int i = 1;
        while (i < tokens.size() && Set.of("or", "replace", "temp", "temporary", "unlogged", "global", "local",
                "recursive", "materialized", "constraint", "unique", "default").contains(word(tokens, i))) {
            i++;
        }
        String what = word(tokens, i);
        if (CODE_THE_GATEWAY_CANNOT_SEE.contains(what)) {
            throw new LineageRefusal("CREATE " + what.toUpperCase() + " runs code on other statements that the gateway"
                    + " cannot follow; masked callers may not create triggers, rules, row-level policies, casts,"
                    + " operators or operator classes");
        }
        boolean materialized = tokens.stream().limit(i).anyMatch(t -> t.isWord("materialized"));
        if ((what.equals("table") && storesAQuery(tokens, i)) || (what.equals("view") && materialized
                && indexOfWord(tokens, "as", i) > 0)) {
            copyingQuery(text, tokens, schema);
            return;
        }
        if ((what.equals("index") || what.equals("statistics")) && namesProtectedData(tokens, schema)
                && RowComputingDefinition.computes(tokens, what)) {
            throw new LineageRefusal("CREATE " + what.toUpperCase() + " with an expression, an operator class or a"
                    + " WHERE on a table that holds protected data makes the server compute on every stored row (as the"
                    + " index is built, or at the next ANALYZE), and its errors quote the value an expression failed"
                    + " on; index or collect statistics on the columns themselves, or ask someone who sees personal"
                    + " data");
        }
        if (what.equals("table") || what.equals("index") || what.equals("domain")) {
            schemaChange(tokens, schema);
        }
    }

    private static boolean namesProtectedData(List<SqlToken> tokens, ProtectedSchema schema) {
        return tokens.stream().anyMatch(token -> token.isIdentifier() && schema.holdsProtectedData(token.text()));
    }

    /**
     * Whether a CREATE TABLE stores a query's rows: {@code AS query} in PostgreSQL; MySQL needs no
     * {@code AS} ({@code CREATE TABLE t SELECT ...}, {@code CREATE TABLE t (n text) IGNORE SELECT ...},
     * {@code CREATE TABLE t (SELECT ...)}, MySQL 8's {@code CREATE TABLE t TABLE people}). A table
     * definition holds no query otherwise (no subquery in a default or a check).
     */
    private static boolean storesAQuery(List<SqlToken> tokens, int tableWord) {
        if (indexOfWord(tokens, "as", tableWord) > 0 || tokens.stream().anyMatch(t -> t.isWord("select"))) {
            return true;
        }
        int afterName = tableWord + 2;
        return indexOfWord(tokens, "table", afterName) > 0 || indexOfWord(tokens, "values", afterName) > 0;
    }

    /** CREATE TABLE ... AS and CREATE MATERIALIZED VIEW ... AS store a query's rows: every protected value in them is a copy. */
    private static void copyingQuery(String text, List<SqlToken> tokens, ProtectedSchema schema) {
        if (!needsAnalysis(tokens, schema)) {
            return;
        }
        Statement parsed = StatementParser.parse(text);
        Analysis analysis = new Analysis(schema, false);
        QueryLineage queries = new QueryLineage(analysis);
        Select query = switch (parsed) {
            case CreateTable table when table.getSelect() != null -> table.getSelect();
            case CreateView view when view.getSelect() != null -> view.getSelect();
            default -> throw new LineageRefusal("the gateway could not read the query of this CREATE ... AS");
        };
        analysis.copies(queries.columns(query, Scope.root()), "a new table");
        crossCheck(tokens, analysis);
    }

    /**
     * Masking finds protected columns by their names and types, so renaming, retyping or otherwise
     * altering a table that holds protected data could take its columns out of the profile's reach.
     */
    private static void alter(List<SqlToken> tokens, ProtectedSchema schema) {
        switch (word(tokens, 1)) {
            case "schema" -> alterSchema(tokens, schema);
            case "type", "domain" -> alterType(tokens, schema);
            case "role", "user", "database", "system" -> alterDefaultSettings(tokens);
            default -> {
            }
        }
        for (SqlToken token : tokens) {
            if (token.isIdentifier() && schema.holdsProtectedData(token.text())) {
                throw new LineageRefusal("ALTER on " + token.text() + ", which holds protected data, could take its"
                        + " columns out of the masking profile's reach (rules and hints follow names and types); ask"
                        + " someone who sees personal data to make the change");
            }
        }
        schemaChange(tokens, schema);
    }

    /**
     * Rules may name a column by its schema ({@code public.customers.ssn}): renaming the schema takes
     * its tables out of their reach.
     */
    private static void alterSchema(List<SqlToken> tokens, ProtectedSchema schema) {
        String name = tokens.size() > 2 && tokens.get(2).isIdentifier() ? tokens.get(2).text() : null;
        if (name == null || schema.schemaHoldsProtectedData(name)) {
            throw new LineageRefusal("ALTER SCHEMA " + (name == null ? "" : name + " ") + "could take tables that hold"
                    + " protected data out of the masking profile's reach (rules may name the schema); ask someone who"
                    + " sees personal data to make the change");
        }
    }

    /** Rules may name a column by its type ({@code type: ssn_t}): renaming the type takes its columns out of their reach. */
    private static void alterType(List<SqlToken> tokens, ProtectedSchema schema) {
        int at = 2;
        while (at + 2 < tokens.size() && tokens.get(at + 1).isSymbol(".")) {
            at += 2;
        }
        String name = at < tokens.size() && tokens.get(at).isIdentifier() ? tokens.get(at).text() : null;
        if (name == null || schema.typeHoldsProtectedData(name)) {
            throw new LineageRefusal("ALTER " + word(tokens, 1).toUpperCase() + (name == null ? "" : " " + name)
                    + " could take columns that hold protected data out of the masking profile's reach (rules may"
                    + " name the type); ask someone who sees personal data to make the change");
        }
    }

    /**
     * A role's, database's or the server's default search path decides what an unqualified name
     * means in the sessions that start after it changes, while the gateway resolves names as its own
     * catalog connection, opened earlier, does: a view in another schema could shadow a table.
     */
    private static void alterDefaultSettings(List<SqlToken> tokens) {
        boolean searchPath = tokens.stream().anyMatch(t -> names(t, "search_path") || t.isWord("all"));
        if (searchPath) {
            throw new LineageRefusal("a caller whose results are masked cannot change the default search_path (of a"
                    + " role, a database or the server): table names are checked as the gateway's catalog connection"
                    + " resolves them");
        }
    }

    /**
     * Schema changes that compute stored values (a generated column, ALTER ... TYPE ... USING, a
     * default calling a function) on a table with protected data could copy it into a column the
     * profile does not protect; and any call of a function defined in the database is code the
     * gateway cannot see. A built-in that reads data by itself ({@code query_to_xml('select name
     * from customers', ...)}, {@code pg_read_file}) is refused on any table: as a default or a
     * {@code USING} it stores what it read in a column no rule protects, named nowhere in the text.
     */
    private static void schemaChange(List<SqlToken> tokens, ProtectedSchema schema) {
        boolean personal = false;
        boolean computes = false;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (!token.isIdentifier()) {
                continue;
            }
            personal |= schema.holdsProtectedData(token.text());
            computes |= token.isWord("generated") || token.isWord("using") || token.isWord("default");
            boolean called = i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("(");
            if (called && schema.catalog().isUserFunction(token.text())) {
                throw new LineageRefusal("the schema change calls " + token.text() + ", a function defined in the"
                        + " database, which the gateway cannot see into");
            }
            if (called && DataExposingNames.isFunction(token.text())) {
                throw new LineageRefusal("the schema change calls " + token.text() + ", which reads data by itself (a"
                        + " query given as text, large objects, files or other sessions): as a default or USING it"
                        + " would store what it reads where no rule protects it");
            }
        }
        if (personal && computes) {
            throw new LineageRefusal("this schema change computes stored values on a table that holds protected data"
                    + " (a generated column, a default or USING), which could copy protected values out of the"
                    + " profile's reach; ask someone who sees personal data to make it");
        }
    }

    private static void unknownKind(String first, List<SqlToken> tokens, ProtectedSchema schema) {
        if (needsAnalysis(tokens, schema)) {
            throw new LineageRefusal(first.toUpperCase() + " is not a statement the gateway can check for masked"
                    + " callers when it names protected data");
        }
    }

    private static void analysed(String text, List<SqlToken> tokens, ProtectedSchema schema) {
        if (!needsAnalysis(tokens, schema)) {
            return;
        }
        refuseUserOperators(tokens, schema.catalog());
        Statement parsed = StatementParser.parse(text);
        Analysis analysis = new Analysis(schema, false);
        QueryLineage queries = new QueryLineage(analysis);
        Scope root = Scope.root();
        switch (parsed) {
            case Select select -> analysis.outputs(queries.columns(select, root));
            case Insert insert -> analysis.outputs(queries.dml().insert(insert, root));
            case Update update -> analysis.outputs(queries.dml().update(update, root));
            case Delete delete -> analysis.outputs(queries.dml().delete(delete, root));
            case Merge merge -> analysis.outputs(queries.dml().merge(merge, root));
            default -> throw new LineageRefusal("the gateway read this statement as "
                    + parsed.getClass().getSimpleName() + ", which it does not check for masked callers");
        }
        crossCheck(tokens, analysis);
    }

    /**
     * An operator defined in the database runs a function the gateway cannot see into, whatever the
     * parse tree says; so does {@code OPERATOR(schema.op)} outside {@code pg_catalog}.
     */
    private static void refuseUserOperators(List<SqlToken> tokens, CatalogSnapshot catalog) {
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            boolean userOperator = token.kind() == SqlToken.Kind.OPERATOR && catalog.isUserOperator(token.text());
            boolean qualified = token.isWord("operator") && i + 2 < tokens.size() && tokens.get(i + 1).isSymbol("(")
                    && tokens.get(i + 2).isIdentifier() && !tokens.get(i + 2).isWord("pg_catalog");
            if (userOperator || qualified) {
                throw new LineageRefusal("the operator " + (userOperator ? token.text() : "OPERATOR(" + tokens.get(i + 2).text()
                        + ".…)") + " is defined in the database and runs a function the gateway cannot see into");
            }
        }
    }

    /**
     * A statement needs the full analysis unless every word in it is a keyword or a name the
     * catalog knows (or an alias it declares) and none names a relation with protected data, a view,
     * a function defined in the database, or a relation or function that hands out stored values.
     */
    static boolean needsAnalysis(List<SqlToken> tokens, ProtectedSchema schema) {
        if (CodeTextNames.mayReadACodeRow(tokens) && schema.catalogTextMayQuoteProtectedValues()) {
            return true;
        }
        Set<String> declared = declaredNames(tokens);
        CatalogSnapshot catalog = schema.catalog();
        for (SqlToken token : tokens) {
            if (token.kind() == SqlToken.Kind.OPERATOR && catalog.isUserOperator(token.text())) {
                return true;
            }
            if (!token.isIdentifier()) {
                continue;
            }
            String name = token.text();
            if (schema.holdsProtectedData(name) || catalog.isUserFunction(name) || isView(catalog, name)
                    || DataExposingNames.isRelation(name) || DataExposingNames.isFunction(name)) {
                return true;
            }
            if (!catalog.isKnownName(name) && !declared.contains(name)) {
                return true;
            }
            if (CodeTextNames.mayName(name) && schema.codeTextMayQuoteProtectedValues()) {
                return true;
            }
            if (WrittenValueNames.mayName(name) && schema.catalogTextMayQuoteProtectedValues()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isView(CatalogSnapshot catalog, String name) {
        return catalog.relationsNamed(name).stream().anyMatch(r -> r.kind() == RelationKind.VIEW);
    }

    /** Aliases: an identifier after AS, or right after another name or a closing parenthesis. */
    private static Set<String> declaredNames(List<SqlToken> tokens) {
        Set<String> declared = new HashSet<>();
        for (int i = 1; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            SqlToken before = tokens.get(i - 1);
            if (token.isIdentifier() && (before.isWord("as") || before.isSymbol(")")
                    || before.kind() == SqlToken.Kind.QUOTED_IDENTIFIER
                    || (before.kind() == SqlToken.Kind.WORD && !isClauseWord(before.text())))) {
                declared.add(token.text());
            }
        }
        return declared;
    }

    private static boolean isClauseWord(String word) {
        return Set.of("select", "from", "where", "and", "or", "not", "on", "join", "by", "group", "order", "having",
                "distinct", "as", "is", "in", "like", "then", "when", "else", "case", "set", "into", "values",
                "returning", "with", "using", "update", "delete", "insert", "table", "limit", "offset", "all", "any",
                "union", "except", "intersect", "lateral", "only", "between", "exists", "null", "cast").contains(word);
    }

    /**
     * Every protected column and table the text names must have been followed by the analysis at
     * least as many times: otherwise the parser skipped or misread part of the text.
     */
    private static void crossCheck(List<SqlToken> tokens, Analysis analysis) {
        Map<String, Integer> named = new HashMap<>();
        for (SqlToken token : tokens) {
            if (token.isIdentifier() && analysis.protectedNames().contains(token.text())) {
                named.merge(token.text(), 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Integer> entry : named.entrySet()) {
            if (entry.getValue() > analysis.timesFollowed(entry.getKey())) {
                throw new LineageRefusal("the gateway could not follow every use of \"" + entry.getKey()
                        + "\" in the statement, so it cannot tell what it reveals; write it more plainly");
            }
        }
    }

    /** An object created earlier in the same query string is not in the catalog yet: the analysis could not see into it. */
    static void refuseUseOfNewObjects(SqlStatement statement, Set<String> createdEarlier) {
        if (createdEarlier.isEmpty()) {
            return;
        }
        for (SqlToken token : statement.tokens()) {
            if (token.isIdentifier() && createdEarlier.contains(token.text())) {
                throw new LineageRefusal("\"" + token.text() + "\" is created earlier in the same query string, so the"
                        + " gateway cannot see what it holds yet; send the CREATE on its own first");
            }
        }
    }

    static void noteCreatedObjects(SqlStatement statement, Set<String> created) {
        List<SqlToken> tokens = statement.tokens();
        if (!word(tokens, 0).equals("create")) {
            return;
        }
        for (int i = 1; i < tokens.size(); i++) {
            String w = word(tokens, i);
            if (Set.of("table", "view", "function", "procedure", "sequence", "type", "domain").contains(w)) {
                int name = i + 1;
                while (name < tokens.size() && Set.of("if", "not", "exists").contains(word(tokens, name))) {
                    name++;
                }
                // schema.name: the last part is the name.
                while (name + 2 < tokens.size() && tokens.get(name + 1).isSymbol(".")) {
                    name += 2;
                }
                if (name < tokens.size() && tokens.get(name).isIdentifier()) {
                    created.add(tokens.get(name).text());
                }
                return;
            }
        }
    }

    private static String word(List<SqlToken> tokens, int index) {
        return index < tokens.size() ? tokens.get(index).word() : "";
    }

    /** Where {@code word} first stands outside brackets from {@code from} on, or -1. */
    static int indexOfWord(List<SqlToken> tokens, String word, int from) {
        int depth = 0;
        for (int i = from; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isSymbol("(")) {
                depth++;
            } else if (token.isSymbol(")")) {
                depth--;
            } else if (depth == 0 && token.isWord(word)) {
                return i;
            }
        }
        return -1;
    }
}
