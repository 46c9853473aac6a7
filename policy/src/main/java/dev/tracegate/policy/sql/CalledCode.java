package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a statement runs that its text does not show: the database's own functions and procedures it
 * calls ({@code SELECT purge()}, {@code SELECT * FROM f()}, {@code CALL p()}, a function in a CTE, a
 * {@code WHERE}, a {@code VALUES} list or SQL text handed to {@code query_to_xml}), the operators and
 * casts that call one, and the triggers, rules and defaults a write to a table fires. Each is judged
 * by what its body does, followed through the routines it calls, and the statement takes the
 * riskiest: a function whose body deletes every row of a table makes {@code SELECT purge()}
 * {@code bulk_write}. A body the gateway cannot read is {@code unknown}: one in C or another
 * language not installed by an extension, PL/pgSQL that runs text built at run time ({@code EXECUTE
 * q}), or any at all while the catalog cannot be read. A routine that only reads leaves the
 * statement as it was. The catalog is consulted only for a statement that calls something, uses an
 * operator or cast, or writes; docs/policy.md, "What the database's own code does".
 */
public final class CalledCode {

    /** The upstream's answer, from a cache the engine keeps per upstream. */
    public interface Catalog {
        /** A statement that may change the schema went through: the next answers are read again. */
        default void schemaMayChange() {
        }

        /** The answer as recent as the cache keeps it; null when the catalog cannot be read. */
        DatabaseRoutines current();

        /**
         * {@code answer} if the catalog's code is still as it was read, else an answer read now: asked
         * when a statement runs a routine of the database's own, which may have been replaced on the
         * server (or through another gateway) since the answer was read; null when the catalog cannot
         * be read.
         */
        default DatabaseRoutines confirmed(DatabaseRoutines answer) {
            return answer;
        }

        /**
         * An answer that knows these names if the database has them: asked when the current one knows
         * a called name neither as the server's nor as the database's (a routine made after it was
         * read); null when the catalog cannot be read.
         */
        DatabaseRoutines knowing(Set<String> names);
    }

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "merge", "copy", "replace");
    private static final int MAX_DEPTH = 100;
    /** Keywords followed by a bracket that call nothing ({@code IN (...)}, {@code VALUES (...)}); quoted, any name is a call. */
    private static final Set<String> NOT_CALLS = Set.of("in", "exists", "values", "any", "all", "some", "as", "over",
            "filter", "using", "on", "and", "or", "not", "then", "else", "when", "where", "select", "from", "lateral",
            "row", "array", "into", "table", "with", "recursive", "default", "check", "references", "key", "unique",
            "primary", "foreign", "distinct", "returning", "set", "to", "is", "between", "like", "ilike", "similar",
            "cast", "by", "partition", "grouping", "sets", "cube", "rollup", "within", "join", "conflict", "update",
            "do", "case", "if", "while", "elsif", "return", "query", "perform", "limit", "offset", "group", "order",
            "having", "union", "intersect", "except", "window", "range", "rows", "groups", "exclude", "analyze",
            "tablesample", "only", "ordinality");
    /** A format() specifier that puts its argument in as text: {@code %s}, {@code %1$s}, {@code %-10s}. */
    private static final java.util.regex.Pattern STRING_SPECIFIER =
            java.util.regex.Pattern.compile("%(\\d+\\$)?(\\*(\\d+\\$)?)?-?\\d*s");
    private static final Set<String> ROUTINE_KINDS = Set.of("function", "procedure", "routine", "aggregate");
    private static final String UNREAD = "the upstream's catalog could not be read, so what the database's own code"
            + " it may run does is not known";

    private CalledCode() {
    }

    /** The statement, raised to the riskiest code it runs of the database's own. */
    public static ClassifiedStatement judged(ClassifiedStatement statement, Catalog catalog, SqlDialect dialect) {
        return judged(statement, catalog, dialect, null);
    }

    /**
     * The same, with PostgreSQL text lexed through {@code lexing} (the classifier's, which has just
     * lexed this text on this thread: its tokens come back without lexing again); null lexes afresh.
     */
    public static ClassifiedStatement judged(ClassifiedStatement statement, Catalog catalog, SqlDialect dialect,
                                             LexingCache lexing) {
        if (statement.statementClass().isHighestRisk()) {
            return statement;
        }
        List<SqlToken> tokens = tokens(statement.text(), dialect, lexing);
        Uses uses = new Uses(dialect);
        uses.collect(tokens, 0);
        if (statement.runs() != null) {
            // EXECUTE p runs the text p was prepared with, calling the code as it is now, not as it was
            // when PREPARE was judged (an hour ago, perhaps): that code is judged again, like a call here.
            uses.collect(tokens(statement.runs(), dialect, null), 0);
        }
        boolean writes = !tokens.isEmpty() && WRITES.contains(tokens.getFirst().word())
                || statement.statementClass() == StatementClass.WRITE
                || statement.statementClass() == StatementClass.BULK_WRITE;
        boolean settingOnly = statement.statementClass().risk() < StatementClass.READ.risk() && uses.calls.isEmpty();
        if (settingOnly || !uses.mayRunCode && !writes && statement.tables().isEmpty() && !changesSchema(statement)) {
            return statement; // SET x = 1, BEGIN, SELECT 1: nothing of the database's own can run
        }
        DatabaseRoutines answer = catalog.current();
        Set<String> unknown = answer == null ? Set.of() : uses.unknownIn(answer);
        if (!unknown.isEmpty()) {
            answer = catalog.knowing(unknown);
        }
        if (answer == null) {
            return uses.calls.isEmpty() && !writes ? statement : raised(statement, StatementClass.UNKNOWN, UNREAD);
        }
        Judgement judgement = judgement(statement, uses, writes, answer, dialect);
        if (judgement.ranChangeableCode) {
            DatabaseRoutines now = catalog.confirmed(answer);
            if (now == null) {
                return raised(statement, StatementClass.UNKNOWN, UNREAD);
            }
            judgement = now == answer ? judgement : judgement(statement, uses, writes, now, dialect);
            answer = now;
        }
        ClassifiedStatement judged = judgement.riskiest == null
                || judgement.riskiest.risk() <= statement.statementClass().risk()
                ? statement : raised(statement, judgement.riskiest, judgement.reason);
        // A WHERE that runs the database's own code tells rows apart only as far as that code's result is known.
        ClassifiedStatement conditions = OwnCodeInConditions.judged(judged, tokens, answer, dialect);
        if (statement.runs() != null && conditions == judged) {
            // EXECUTE p: the WHERE is in the text p was prepared with, and runs the code as it is now (a
            // function made volatile since the PREPARE draws a new value for each row).
            conditions = OwnCodeInConditions.judged(judged, statement.runs(), tokens(statement.runs(), dialect, null),
                    answer, dialect);
        }
        return conditions;
    }

    /** The code the statement runs, by one answer of the catalog. */
    private static Judgement judgement(ClassifiedStatement statement, Uses uses, boolean writes, DatabaseRoutines answer,
                                       SqlDialect dialect) {
        Judgement judgement = new Judgement(answer, dialect);
        for (String name : uses.calls) {
            judgement.routines(Names.routine(name, dialect), "calls " + name + "()", 0);
        }
        for (String attribute : dialect == SqlDialect.POSTGRESQL ? uses.attributes : Set.<String>of()) {
            if (answer.routines().containsKey(attribute)) {
                judgement.routines(attribute, "reads ." + attribute + ", which calls " + attribute + "()", 0);
            }
        }
        for (String used : uses.implicit) {
            for (String routine : answer.implicit().getOrDefault(used, List.of())) {
                judgement.routines(routine, "uses " + used + ", which calls " + routine + "()", 0);
            }
        }
        for (String table : statement.tables()) {
            String name = Names.table(table, dialect);
            judgement.relation(name, writes, "the statement", 0);
        }
        for (String code : changesSchema(statement) ? answer.onSchemaChange() : List.<String>of()) {
            judgement.code(code, "a schema or privilege change fires the event trigger " + Names.shortened(code), 0);
        }
        return judgement;
    }

    /** DDL and grants fire event triggers (PostgreSQL's {@code ddl_command_start}, {@code sql_drop}, ...). */
    private static boolean changesSchema(ClassifiedStatement statement) {
        return statement.statementClass() == StatementClass.DDL || statement.statementClass() == StatementClass.PRIVILEGE;
    }

    private static ClassifiedStatement raised(ClassifiedStatement statement, StatementClass to, String reason) {
        List<String> reasons = new ArrayList<>();
        reasons.add(reason);
        reasons.addAll(statement.reasons());
        return new ClassifiedStatement(statement.text(), StatementClass.max(to, statement.statementClass()),
                statement.command(), statement.tables(), statement.parsed(), reasons, statement.prepares(),
                statement.executes(), statement.runs());
    }

    private static List<SqlToken> tokens(String text, SqlDialect dialect, LexingCache lexing) {
        LexedSql lexed = switch (dialect) {
            case POSTGRESQL -> lexing == null ? SqlLexer.lex(text) : lexing.lex(text);
            case MYSQL, MYSQL_NO_BACKSLASH_ESCAPES ->
                    MySqlLexer.lex(text, MySqlReading.first(dialect == SqlDialect.MYSQL)).lexed();
        };
        List<SqlToken> tokens = new ArrayList<>();
        for (SqlToken token : lexed.tokens()) {
            if (token.kind() != SqlToken.Kind.COMMENT) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /** The names a text calls, and the operators and words that may run code implicitly. */
    private static final class Uses {
        private final SqlDialect dialect;
        private final Set<String> calls = new LinkedHashSet<>();
        private final Set<String> implicit = new LinkedHashSet<>();
        private final Set<String> attributes = new LinkedHashSet<>();
        /** Every name the text uses but does not call: the relations among them run their views' and triggers' code. */
        private final Set<String> names = new LinkedHashSet<>();
        /** Whether the text calls a routine, uses an operator or casts: only then is the catalog consulted. */
        private boolean mayRunCode;
        /** Whether a statement of the text writes ({@code INSERT}, {@code UPDATE}, ...; not {@code replace(...)}). */
        private boolean writes;

        Uses(SqlDialect dialect) {
            this.dialect = dialect;
        }

        void collect(List<SqlToken> tokens, int depth) {
            boolean values = !tokens.isEmpty() && WRITES.contains(tokens.getFirst().word());
            for (int i = 0; i < tokens.size(); i++) {
                SqlToken token = tokens.get(i);
                boolean call = token.isIdentifier() && i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("(");
                if (token.isIdentifier() && !call) {
                    names.add(token.text());
                }
                writes |= token.kind() == SqlToken.Kind.WORD && WRITES.contains(token.word()) && !call;
                if (call && !NOT_CALLS.contains(token.word().toLowerCase(java.util.Locale.ROOT)) && !named(tokens, i)) {
                    calls.add(token.text());
                    mayRunCode = true;
                } else if (token.isIdentifier() && i > 0 && tokens.get(i - 1).isSymbol(".") && !call) {
                    // t.f is f(t) when f is a function of t's row type (PostgreSQL's attribute notation).
                    attributes.add(token.text());
                    implicit.add(token.text());
                } else if (token.kind() == SqlToken.Kind.OPERATOR || token.isIdentifier()) {
                    // Operators run their functions, type names their casts (as the answer tells).
                    implicit.add(token.text());
                    mayRunCode |= token.kind() == SqlToken.Kind.OPERATOR && !isStar(tokens, i) || token.isWord("cast");
                } else if (token.isSymbol("::")) {
                    mayRunCode = true;
                } else if (token.isStringLiteral() && !values && depth < MAX_DEPTH && token.text().contains("(")) {
                    // Text a function runs (query_to_xml('SELECT purge()', ...)) calls what it names.
                    collect(tokens(token.text(), dialect, null), depth + 1);
                }
            }
        }

        /**
         * A routine named, not called: {@code DROP FUNCTION f()}, {@code ALTER PROCEDURE s.p()}, {@code
         * GRANT EXECUTE ON FUNCTION f()}, {@code EXECUTE FUNCTION f()} of a CREATE TRIGGER (DDL already).
         */
        private static boolean named(List<SqlToken> tokens, int i) {
            int before = i - 1;
            while (before >= 1 && tokens.get(before).isSymbol(".") && tokens.get(before - 1).isIdentifier()) {
                before -= 2;
            }
            return before >= 0 && ROUTINE_KINDS.contains(tokens.get(before).word().toLowerCase(java.util.Locale.ROOT));
        }

        /** {@code *} as every column ({@code SELECT *}, {@code t.*}, {@code count(*)}): no operator. */
        private static boolean isStar(List<SqlToken> tokens, int i) {
            if (!tokens.get(i).isSymbol("*") || i == 0) {
                return false;
            }
            SqlToken before = tokens.get(i - 1);
            return before.isWord("select") || before.isWord("distinct") || before.isWord("returning")
                    || before.isSymbol(",") || before.isSymbol(".") || before.isSymbol("(");
        }

        Set<String> unknownIn(DatabaseRoutines answer) {
            Set<String> unknown = new LinkedHashSet<>();
            for (String name : calls) {
                String key = Names.routine(name, dialect);
                if (!answer.builtIns().contains(key) && !answer.routines().containsKey(key)) {
                    unknown.add(key);
                }
            }
            return unknown;
        }
    }

    /** The riskiest class the code reached runs, and why. */
    private static final class Judgement {
        private final DatabaseRoutines answer;
        private final SqlDialect dialect;
        private final Set<String> seen = new HashSet<>();
        /** Relations whose views' and policies' code ({@code read}) or write code ({@code write}) was judged. */
        private final Set<String> read = new HashSet<>();
        private final Set<String> written = new HashSet<>();
        private StatementClass riskiest;
        private String reason;
        /**
         * Whether code that may have changed on the server since the answer was read runs: a routine of
         * the database's own, a write (a trigger, rule, default or check may have been added or replaced
         * on any table) or a relation with code of its own (a view's query, a row-level security policy):
         * only then is the answer confirmed as current.
         */
        private boolean ranChangeableCode;

        Judgement(DatabaseRoutines answer, SqlDialect dialect) {
            this.answer = answer;
            this.dialect = dialect;
        }

        void routines(String name, String path, int depth) {
            if (!seen.add(name)) {
                return;
            }
            for (DatabaseRoutines.Routine routine : answer.routines().getOrDefault(name, List.of())) {
                routine(routine, path, depth);
            }
        }

        private void routine(DatabaseRoutines.Routine routine, String path, int depth) {
            ranChangeableCode = true;
            String language = routine.language();
            if (dialect != SqlDialect.POSTGRESQL && !language.equals("sql")) {
                found(StatementClass.UNKNOWN, path + ", a loadable function (SONAME), whose code the gateway cannot read");
                return;
            }
            if (dialect != SqlDialect.POSTGRESQL) {
                // MySQL's and MariaDB's stored routines are SQL: their bodies are read as the server reads them.
                code(routine.body() == null ? "" : routine.body(), path, depth);
                if (routine.body() == null) {
                    found(StatementClass.UNKNOWN, path + ", whose body the catalog does not show");
                }
                return;
            }
            if (routine.extension() && (language.equals("c") || language.equals("internal"))) {
                return; // an extension's C code: its functions are judged by name (FunctionCallRules)
            }
            if (!language.equals("sql") && !language.equals("plpgsql")) {
                found(StatementClass.UNKNOWN, path + ", written in " + language + ", which the gateway cannot read");
            } else if (routine.body() == null) {
                found(StatementClass.UNKNOWN, path + ", whose body the catalog does not show");
            } else if (language.equals("plpgsql") && runsBuiltText(routine.body())) {
                found(StatementClass.UNKNOWN, path + ", which runs SQL text built at run time (EXECUTE)");
            } else {
                code(routine.body(), path, depth);
            }
        }

        /** Code text: its recognised statements, and the routines it calls, at any depth. */
        void code(String text, String path, int depth) {
            code(text, false, path, depth);
        }

        /**
         * The same; {@code writtenThrough}: the text is a view's query a write goes through, so the
         * relations it names are written too (an updatable view's table fires its triggers).
         */
        private void code(String text, boolean writtenThrough, String path, int depth) {
            if (depth > MAX_DEPTH) {
                found(StatementClass.UNKNOWN, path + ": code nested too deeply to analyse");
                return;
            }
            String actions = dialect == SqlDialect.POSTGRESQL ? ruleActions(text) : text;
            if (dialect == SqlDialect.POSTGRESQL) {
                EmbeddedSqlInspector.riskiestIn(actions, depth + 1).ifPresent(finding -> found(finding.statementClass(),
                        path + ", which runs " + finding.statementClass() + " (" + finding.command() + ")"));
            } else {
                MySqlSchemaRules.riskiestIn(actions, dialect == SqlDialect.MYSQL, depth + 1).ifPresent(finding ->
                        found(finding.statementClass(), path + ", whose " + finding.reasons().getLast()));
            }
            Uses uses = new Uses(dialect);
            uses.collect(tokens(actions, dialect, null), 0);
            for (String called : uses.calls) {
                String name = Names.routine(called, dialect);
                routines(name, path + ", which calls " + name + "()", depth + 1);
            }
            for (String named : uses.names) {
                relation(Names.table(named, dialect), uses.writes || writtenThrough, path, depth + 1);
            }
            for (String attribute : dialect == SqlDialect.POSTGRESQL ? uses.attributes : Set.<String>of()) {
                routines(attribute, path + ", which reads ." + attribute + ", which calls " + attribute + "()", depth + 1);
            }
            for (String used : uses.implicit) {
                // The operators, casts and domains code uses run their functions as the statement's own do.
                for (String routine : answer.implicit().getOrDefault(used, List.of())) {
                    routines(routine, path + ", which uses " + used + ", which calls " + routine + "()", depth + 1);
                }
            }
        }

        /**
         * What code reaches by naming a relation: a view's query (views in views, a view a body reads),
         * a row-level security policy, and, when the code writes, the relation's triggers, rules,
         * defaults, checks and foreign keys' cascades (a body writing a table whose trigger writes
         * another). Every name the code uses counts as a relation it may write: a wrong guess only
         * makes the statement stricter.
         */
        void relation(String name, boolean writes, String path, int depth) {
            boolean firstRead = read.add(name);
            boolean firstWrite = writes && written.add(name);
            ranChangeableCode |= writes || answer.onUse().containsKey(name);
            if (firstRead || firstWrite) {
                for (String code : answer.onUse().getOrDefault(name, List.of())) {
                    code(code, writes, path + ", which " + (writes ? "writes " : "reads ") + name + ", which runs "
                            + Names.shortened(code), depth);
                }
            }
            if (firstWrite) {
                for (String code : answer.onWrite().getOrDefault(name, List.of())) {
                    code(code, path + ", which writes " + name + ", which fires " + Names.shortened(code), depth);
                }
            }
        }

        private void found(StatementClass statementClass, String why) {
            if (riskiest == null || statementClass.risk() > riskiest.risk()
                    || statementClass == StatementClass.DANGEROUS_ADMIN && riskiest == StatementClass.UNKNOWN) {
                riskiest = statementClass;
                reason = why;
            }
        }
    }

    /** A rule's definition from the catalog ({@code CREATE RULE r AS ON ... DO INSTEAD ...}): its actions. */
    private static String ruleActions(String text) {
        List<SqlToken> tokens = SqlLexer.lex(text).tokens();
        if (tokens.size() < 2 || !tokens.get(0).isWord("create") || !tokens.get(1).isWord("rule")) {
            return text;
        }
        for (SqlToken token : tokens) {
            if (token.isWord("do")) {
                return text.substring(token.end());
            }
        }
        return text;
    }

    /**
     * PL/pgSQL's {@code EXECUTE} of anything but a literal or a {@code format()} whose literal template
     * puts only identifiers and literals in ({@code %I}, {@code %L}): text no one can read before it
     * runs. A {@code %s} may put in a whole statement.
     */
    private static boolean runsBuiltText(String body) {
        List<SqlToken> tokens = SqlLexer.lex(body).tokens();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isWord("execute") && !readable(tokens, i + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean readable(List<SqlToken> tokens, int at) {
        if (at < tokens.size() && tokens.get(at).isStringLiteral()) {
            return true;
        }
        boolean format = at + 2 < tokens.size() && tokens.get(at).isWord("format") && tokens.get(at + 1).isSymbol("(")
                && tokens.get(at + 2).isStringLiteral();
        return format && !STRING_SPECIFIER.matcher(tokens.get(at + 2).text()).find();
    }

    /** Names as the answer keys them: PostgreSQL's as the server stores them, MySQL's in lower case (it ignores case). */
    private static final class Names {
        static String table(String table, SqlDialect dialect) {
            String name = table.substring(table.lastIndexOf('.') + 1);
            boolean quoted = name.length() > 1 && (name.startsWith("\"") && name.endsWith("\"")
                    || name.startsWith("`") && name.endsWith("`"));
            String unquoted = quoted ? name.substring(1, name.length() - 1) : name;
            return quoted && dialect == SqlDialect.POSTGRESQL ? unquoted.replace("\"\"", "\"")
                    : unquoted.replace("``", "`").toLowerCase(java.util.Locale.ROOT);
        }

        static String routine(String name, SqlDialect dialect) {
            return dialect == SqlDialect.POSTGRESQL ? name : name.toLowerCase(java.util.Locale.ROOT);
        }

        static String shortened(String code) {
            String flat = code.replaceAll("\\s+", " ").trim();
            return flat.length() > 80 ? flat.substring(0, 77) + "..." : flat;
        }
    }

    /** An answer that never changes: a database read once, or none (null: a catalog that cannot be read). */
    public static Catalog of(DatabaseRoutines answer) {
        return new Fixed(answer);
    }

    /** A catalog that cannot be read. */
    public static final Catalog UNREADABLE = new Fixed(null);

    private record Fixed(DatabaseRoutines answer) implements Catalog {
        @Override
        public DatabaseRoutines current() {
            return answer;
        }

        @Override
        public DatabaseRoutines knowing(Set<String> names) {
            return answer;
        }
    }
}
