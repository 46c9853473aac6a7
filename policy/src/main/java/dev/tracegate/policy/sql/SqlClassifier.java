package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Classifies SQL text for the guard: splits it with the project's own lexer, classifies every
 * statement from its normalised tokens (so comments, case, whitespace and quoting cannot hide a
 * keyword), asks JSqlParser for a second opinion that can only raise the class, and caches results
 * by exact text.
 *
 * <p>JSqlParser's opinion is also cached by the statement's {@link StatementShape}: its text with
 * plain, free-standing numbers abstracted. Statements that differ only in such numbers
 * ({@code WHERE aid = 17} and {@code WHERE aid = 42}) have the same parse, the same tables and the
 * same statement type. Only the parser's opinion is shared: the project's own rules still run on
 * every statement's real tokens, because numbers matter to them ({@code DELETE FROM t WHERE 1 = 2}
 * is WRITE, {@code WHERE 1 = 1} BULK_WRITE), and the result always carries the statement's own
 * text. Strings are never abstracted: they can carry SQL.
 *
 * <p>Thread-safe. Results are immutable and shared between callers.
 */
public final class SqlClassifier {

    public static final int DEFAULT_CACHE_CAPACITY = 10_000;
    /** Longer texts are classified every time rather than kept in memory. */
    public static final int DEFAULT_MAX_CACHED_LENGTH = 16_384;

    /** Longer statements are UNKNOWN: analysing attacker-sized text must stay cheap. */
    public static final int MAX_ANALYSED_LENGTH = 1_000_000;

    /**
     * JSqlParser reads at most this many statements of one query string, and at most
     * {@link #MAX_PARSED_CHARACTERS} characters of them (statements whose shape it read before
     * cost nothing); the project's own rules judge every statement regardless.
     */
    public static final int MAX_PARSED_STATEMENTS = 1_000;
    public static final int MAX_PARSED_CHARACTERS = 100_000;

    private static final String INCOMPLETE =
            "the statement ends inside an unterminated quote, comment, dollar quote or BEGIN ATOMIC body";

    private final ClassificationCache<SqlClassification> cache;
    private final ClassificationCache<ParserCrossCheck.Opinion> opinions;
    /** MySQL texts and shapes are cached apart: the same text means something else in each dialect. */
    private final ClassificationCache<SqlClassification> mySqlCache;
    private final ClassificationCache<SqlClassification> mySqlPlainStringsCache;
    private final ClassificationCache<ParserCrossCheck.Opinion> mySqlOpinions;
    private final int maxCachedLength;
    private final LexingCache lexing;

    public SqlClassifier() {
        this(DEFAULT_CACHE_CAPACITY, DEFAULT_MAX_CACHED_LENGTH);
    }

    /** A classifier that lexes through {@code lexing}, which the caller shares with others that lex the same texts. */
    public SqlClassifier(LexingCache lexing) {
        this(DEFAULT_CACHE_CAPACITY, DEFAULT_MAX_CACHED_LENGTH, lexing);
    }

    public SqlClassifier(int cacheCapacity) {
        this(cacheCapacity, DEFAULT_MAX_CACHED_LENGTH);
    }

    public SqlClassifier(int cacheCapacity, int maxCachedLength) {
        this(cacheCapacity, maxCachedLength, new LexingCache());
    }

    private SqlClassifier(int cacheCapacity, int maxCachedLength, LexingCache lexing) {
        this.lexing = lexing;
        this.cache = ClassificationCache.admittingOnSecondSighting(cacheCapacity);
        this.opinions = new ClassificationCache<>(cacheCapacity);
        this.mySqlCache = ClassificationCache.admittingOnSecondSighting(cacheCapacity);
        this.mySqlPlainStringsCache = ClassificationCache.admittingOnSecondSighting(cacheCapacity);
        this.mySqlOpinions = new ClassificationCache<>(cacheCapacity);
        this.maxCachedLength = maxCachedLength;
    }

    /**
     * Classifies a query string. {@code EXECUTE name} of a statement prepared earlier in the same
     * string takes that statement's class; otherwise it is UNKNOWN (see the two-argument form).
     */
    public SqlClassification classify(String sql) {
        return cached(sql, cache, this::analyse);
    }

    private SqlClassification cached(String sql, ClassificationCache<SqlClassification> texts,
                                     Function<String, SqlClassification> analysis) {
        Objects.requireNonNull(sql, "sql");
        SqlClassification cached = texts.get(sql);
        if (cached != null) {
            return cached;
        }
        SqlClassification result = analysis.apply(sql);
        if (sql.length() <= maxCachedLength) {
            texts.put(sql, result);
        }
        return result;
    }

    /**
     * Classifies a query string in a session that has prepared statements: {@code EXECUTE name}
     * takes the class {@code preparedClasses} gives for the name; an unknown name stays UNKNOWN.
     */
    /**
     * Classifies text of the given dialect. Each dialect has its own lexer and rules; adding one to
     * {@link SqlDialect} makes this switch refuse to compile until it is handled.
     */
    public SqlClassification classify(String sql, SqlDialect dialect,
                                      Function<String, Optional<StatementClass>> preparedClasses) {
        return classifyInSession(sql, dialect, name -> preparedClasses.apply(name).map(PreparedText::ofClass));
    }

    /**
     * Classifies text of the given dialect in a session whose prepared statements are known:
     * {@code EXECUTE name} takes the class of what {@code prepared} gives for the name, and names its
     * tables and carries its text, so rules about tables and commands judge every run of it.
     */
    public SqlClassification classifyInSession(String sql, SqlDialect dialect,
                                               Function<String, Optional<PreparedText>> prepared) {
        return switch (dialect) {
            case POSTGRESQL -> resolve(classify(sql), prepared);
            case MYSQL -> resolve(cached(sql, mySqlCache, text -> analyseMySql(text, true)), prepared);
            case MYSQL_NO_BACKSLASH_ESCAPES ->
                    resolve(cached(sql, mySqlPlainStringsCache, text -> analyseMySql(text, false)), prepared);
        };
    }

    public SqlClassification classify(String sql, Function<String, Optional<StatementClass>> preparedClasses) {
        return classify(sql, SqlDialect.POSTGRESQL, preparedClasses);
    }

    private static SqlClassification resolve(SqlClassification base,
                                             Function<String, Optional<PreparedText>> preparedClasses) {
        if (!executesAny(base)) {
            return base;
        }
        List<ClassifiedStatement> resolved = new ArrayList<>();
        for (ClassifiedStatement statement : base.statements()) {
            Optional<PreparedText> known = statement.executes().flatMap(preparedClasses);
            resolved.add(known.isPresent()
                    ? statement.resolvedTo(known.get(), "runs prepared statement " + statement.executes().get()
                    + " of class " + known.get().statementClass())
                    : statement);
        }
        return new SqlClassification(resolved);
    }

    /** A loop, not a stream: every statement of every session passes here. */
    private static boolean executesAny(SqlClassification classification) {
        for (ClassifiedStatement statement : classification.statements()) {
            if (statement.executes().isPresent()) {
                return true;
            }
        }
        return false;
    }

    int cachedTexts() {
        return cache.size();
    }

    int cachedShapes() {
        return opinions.size();
    }

    /**
     * JSqlParser's opinion, from the shape cache when a statement of the same shape was parsed
     * before. Only statements the parser accepts by length use it, so that every statement of a
     * shape passes or fails that check alike. A statement the parser would read once the query
     * string's {@link ParserBudget} is spent gets no opinion: the project's own rules decide alone.
     */
    private ParserCrossCheck.Opinion opinion(SqlStatement statement, ParserBudget budget,
                                             ClassificationCache<ParserCrossCheck.Opinion> opinions) {
        int length = statement.text().length();
        Optional<String> shape = length > Math.min(maxCachedLength, ParserCrossCheck.MAX_PARSED_LENGTH)
                ? Optional.empty() : StatementShape.of(statement);
        ParserCrossCheck.Opinion cached = shape.map(opinions::get).orElse(null);
        if (cached != null) {
            return cached;
        }
        if (length <= ParserCrossCheck.MAX_PARSED_LENGTH && !budget.spend(length)) {
            return ParserCrossCheck.Opinion.NOT_PARSED;
        }
        ParserCrossCheck.Opinion opinion = ParserCrossCheck.of(statement);
        shape.ifPresent(key -> opinions.put(key, opinion));
        return opinion;
    }

    private SqlClassification analyse(String sql) {
        return classifyStatements(SqlScriptSplitter.split(sql, lexing.lex(sql)), SqlClassifier::rulesVerdict,
                t -> Set.of(), new ParserBudget(), opinions);
    }

    /** MySQL text, read every way a server could read it (see {@link MySqlTextClassifier}). */
    private SqlClassification analyseMySql(String sql, boolean backslashEscapes) {
        ParserBudget budget = new ParserBudget();
        return MySqlTextClassifier.classify(sql, backslashEscapes, statements -> classifyStatements(statements,
                MySqlCommandRules::verdict, MySqlCommandRules::tablesOfRunText, budget, mySqlOpinions));
    }

    /**
     * Classifies split statements in order with the dialect's {@code rules}; {@code EXECUTE name} of
     * a statement prepared earlier in the same text takes that statement's class.
     */
    /** @param runTextTables tables named by text a statement of the dialect runs (MySQL's PREPARE ... FROM 'text') */
    private SqlClassification classifyStatements(List<SqlStatement> split, Function<SqlStatement, ClassFinding> rules,
                                                 Function<TokenSpan, Set<String>> runTextTables,
                                                 ParserBudget budget,
                                                 ClassificationCache<ParserCrossCheck.Opinion> shapes) {
        List<ClassifiedStatement> statements = new ArrayList<>();
        Map<String, ClassifiedStatement> preparedHere = new HashMap<>();
        for (SqlStatement statement : split) {
            ClassifiedStatement classified = classifyStatement(statement, rules, runTextTables, budget, shapes);
            Optional<String> executes = classified.executes();
            if (executes.isPresent() && preparedHere.containsKey(executes.get())) {
                ClassifiedStatement prepared = preparedHere.get(executes.get());
                classified = classified.resolvedTo(PreparedText.of(prepared),
                        "runs prepared statement " + executes.get() + " prepared earlier in this text");
            }
            if (classified.prepares().isPresent()) {
                preparedHere.put(classified.prepares().get(), classified);
            }
            statements.add(classified);
        }
        return new SqlClassification(statements);
    }

    /**
     * JSqlParser's tables and those the queries in brackets name in the token stream, together. The
     * parser's walk does not enter every special form: a query in {@code substring(... FROM ...)},
     * {@code position(... IN ...)}, {@code overlay(...)} or {@code xmlexists(... PASSING ...)} read a
     * table it did not report, and a rule on that table (or the view's code the gateway judges) let it
     * through. A name taken for a table that is none (a CTE's, in a subquery) only makes rules stricter.
     */
    private static Set<String> withCollected(Set<String> parsed, TokenSpan tokens) {
        Set<String> collected = TableNameCollector.collectInBracketedQueries(tokens);
        if (parsed.containsAll(collected)) {
            return parsed;
        }
        Set<String> both = new LinkedHashSet<>(parsed);
        both.addAll(collected);
        return both;
    }

    /**
     * The project's own rules on one statement. Should they fail on some text (a defect), the
     * statement is UNKNOWN: a failure must neither let it through nor end the session that sent it.
     */
    private static ClassFinding rulesVerdict(SqlStatement statement) {
        TokenSpan tokens = new TokenSpan(statement.tokens());
        try {
            return CommandRules.classify(tokens, 0);
        } catch (RuntimeException | StackOverflowError e) {
            return ClassFinding.unknown(tokens.word(0).toUpperCase(Locale.ROOT),
                    "the classifier could not analyse this statement (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ClassifiedStatement classifyStatement(SqlStatement statement, Function<SqlStatement, ClassFinding> rules,
                                                  Function<TokenSpan, Set<String>> runTextTables,
                                                  ParserBudget budget,
                                                  ClassificationCache<ParserCrossCheck.Opinion> shapes) {
        TokenSpan tokens = new TokenSpan(statement.tokens());
        if (statement.text().length() > MAX_ANALYSED_LENGTH) {
            return new ClassifiedStatement(statement.text(), StatementClass.UNKNOWN,
                    tokens.word(0).toUpperCase(Locale.ROOT), List.of(), false,
                    List.of("statement longer than " + MAX_ANALYSED_LENGTH + " characters is not analysed"),
                    Optional.empty(), Optional.empty());
        }
        if (statement.incomplete()) {
            return new ClassifiedStatement(statement.text(), StatementClass.UNKNOWN,
                    tokens.word(0).toUpperCase(Locale.ROOT), List.copyOf(TableNameCollector.collect(tokens)), false,
                    List.of(INCOMPLETE), Optional.empty(), Optional.empty());
        }
        ClassFinding verdict = rules.apply(statement);
        ParserCrossCheck.Opinion opinion = opinion(statement, budget, shapes);
        if (opinion.statementClass().isPresent()
                && opinion.statementClass().get().risk() > verdict.statementClass().risk()) {
            verdict = verdict.escalate(opinion.statementClass().get(),
                    "JSqlParser reads it as " + opinion.statementClass().get());
        }
        Set<String> read = opinion.parsed() ? withCollected(opinion.tables(), tokens) : TableNameCollector.collect(tokens);
        Set<String> inText = FunctionCallRules.tablesNamedInText(tokens, 0);
        Set<String> inRunText = runTextTables.apply(tokens);
        List<String> tables;
        if (inText.isEmpty() && inRunText.isEmpty()) {
            tables = List.copyOf(read); // a set already: no merging set per statement
        } else {
            Set<String> named = new LinkedHashSet<>(read);
            named.addAll(inText);
            named.addAll(inRunText);
            tables = List.copyOf(named);
        }
        return new ClassifiedStatement(statement.text(), verdict.statementClass(), verdict.command(), tables,
                opinion.parsed(), verdict.reasons(), verdict.prepares(), verdict.executes());
    }
}
