package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Classifies MySQL text under every {@link MySqlReading} that changes its tokens and keeps the
 * riskiest result, so that neither the session's {@code sql_mode} (ANSI_QUOTES,
 * NO_BACKSLASH_ESCAPES) nor the server's version and flavour (version-gated and MariaDB-only
 * executable comments) can make a text run something riskier than its class. Text the lexer
 * finds ambiguous in a way no reading covers, and text with more version gates than are read, is
 * refused: one UNKNOWN statement.
 */
final class MySqlTextClassifier {

    /** More distinct versions than this in one text are refused rather than read this many ways. */
    static final int MAX_VERSION_GATES = 8;

    /**
     * Characters lexed over all readings of one text: a long text that would need many readings is
     * refused rather than read dozens of times (an attacker chooses both its length and its readings).
     */
    static final long MAX_READING_WORK = 4_000_000;

    /**
     * Classes of texts prepared by PREPARE ... FROM '...', by text. Every reading of the outer text
     * classifies the same literal again; remembering it keeps the cost of a text with a prepared
     * literal near that of the two texts alone.
     */
    private static final ClassificationCache<StatementClass> PREPARED_TEXTS = new ClassificationCache<>(1_000);

    private MySqlTextClassifier() {
    }

    /**
     * The statements of {@code sql} under each reading that gives different tokens, the first reading
     * (the session's string mode, every executable comment running) first.
     *
     * @param refusal set instead when servers would read the text in a way no reading covers
     */
    record Readings(List<MySqlReading> readings, List<List<SqlStatement>> statements, Optional<String> refusal) {
        static Readings refused(String reason) {
            return new Readings(List.of(), List.of(), Optional.of(reason));
        }
    }

    /** @param backslashEscapes the string mode the server last reported for the session */
    static Readings readings(String sql, boolean backslashEscapes) {
        MySqlReading firstReading = MySqlReading.first(backslashEscapes);
        MySqlLexer.Result first = MySqlLexer.lex(sql, firstReading);
        if (first.versions().size() > MAX_VERSION_GATES) {
            return Readings.refused("more than " + MAX_VERSION_GATES + " versions of executable comments in one text");
        }
        List<Boolean> escapes = sql.indexOf('\\') >= 0 && mayChangeStringMode(first.lexed())
                ? List.of(backslashEscapes, !backslashEscapes) : List.of(backslashEscapes);
        List<MySqlReading> all = MySqlReading.all(sql, escapes, first.versions(), first.gated());
        if (all.size() > 1 && (long) sql.length() * all.size() > MAX_READING_WORK) {
            return Readings.refused("a text of " + sql.length() + " characters that servers could read in "
                    + all.size() + " ways is not read that many times");
        }
        List<MySqlReading> readings = new ArrayList<>();
        List<List<SqlStatement>> statements = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        for (MySqlReading reading : all) {
            MySqlLexer.Result lexed = reading.equals(firstReading) ? first : MySqlLexer.lex(sql, reading);
            if (lexed.ambiguous().isPresent()) {
                return Readings.refused("servers would read this text differently: " + lexed.ambiguous().get());
            }
            if (seen.add(signature(lexed.lexed()))) {
                readings.add(reading);
                statements.add(SqlScriptSplitter.split(sql, lexed.lexed()));
            }
        }
        return new Readings(List.copyOf(readings), List.copyOf(statements), Optional.empty());
    }

    /**
     * @param backslashEscapes the string mode the server last reported for the session
     * @param perReading classifies the statements of one reading (rules, parser cross-check, prepared statements)
     */
    static SqlClassification classify(String sql, boolean backslashEscapes,
                                      Function<List<SqlStatement>, SqlClassification> perReading) {
        Readings readings = readings(sql, backslashEscapes);
        if (readings.refusal().isPresent()) {
            return refused(sql, readings.refusal().get());
        }
        SqlClassification riskiest = null;
        for (int i = 0; i < readings.readings().size(); i++) {
            SqlClassification classified = perReading.apply(readings.statements().get(i));
            if (riskiest == null) {
                riskiest = classified;
            } else if (classified.highestRisk().risk() > riskiest.highestRisk().risk()) {
                riskiest = readAs(classified, readings.readings().get(i));
            }
        }
        return riskiest;
    }

    /**
     * The server reports the session's string mode with every OK packet, so the gateway knows it
     * before a text runs; but a text can change it between its own statements ({@code SET sql_mode},
     * or SQL the gateway cannot read: EXECUTE of a prepared statement, CALL). Such a text is read in
     * both string modes. Names are compared as MySQL compares them ({@link MySqlNames}).
     */
    private static boolean mayChangeStringMode(LexedSql lexed) {
        for (SqlToken token : lexed.tokens()) {
            if (token.isWord("execute") || token.isWord("call")) {
                return true;
            }
            if (token.kind() != SqlToken.Kind.COMMENT && MySqlNames.skeleton(token.text()).contains("sql_mode")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The class of a script held in a string (PREPARE ... FROM '...'), by the rules alone. The
     * server reads the string in the session's mode, which is not known here: both string modes
     * are read.
     */
    static StatementClass classOfScript(String sql, int depth) {
        if (depth > 1) {
            // MySQL does not allow PREPARE or EXECUTE inside a prepared statement; bodies of
            // routines that prepare text are judged without reading it.
            return StatementClass.UNKNOWN;
        }
        StatementClass known = sql.length() <= SqlClassifier.DEFAULT_MAX_CACHED_LENGTH ? PREPARED_TEXTS.get(sql) : null;
        if (known != null) {
            return known;
        }
        StatementClass escaped = classOfScript(sql, depth, true);
        StatementClass result = sql.indexOf('\\') < 0 ? escaped
                : StatementClass.max(escaped, classOfScript(sql, depth, false));
        if (sql.length() <= SqlClassifier.DEFAULT_MAX_CACHED_LENGTH) {
            PREPARED_TEXTS.put(sql, result);
        }
        return result;
    }

    /**
     * The tables a script held in a string names, under every reading of it (both string modes,
     * every cut of its executable comments): a rule about a table judges the PREPARE or EXECUTE
     * IMMEDIATE that runs it.
     */
    static Set<String> tablesOfScript(String sql) {
        Set<String> tables = new java.util.LinkedHashSet<>();
        for (boolean backslashEscapes : List.of(true, false)) {
            for (List<SqlStatement> reading : readings(sql, backslashEscapes).statements()) {
                for (SqlStatement statement : reading) {
                    tables.addAll(TableNameCollector.collect(new TokenSpan(statement.tokens())));
                }
            }
        }
        return tables;
    }

    private static StatementClass classOfScript(String sql, int depth, boolean backslashEscapes) {
        SqlClassification classified = classify(sql, backslashEscapes, statements -> {
            List<ClassifiedStatement> out = new ArrayList<>();
            for (SqlStatement statement : statements) {
                ClassFinding finding = statement.incomplete()
                        ? ClassFinding.unknown("", "incomplete")
                        : MySqlCommandRules.verdict(statement, depth);
                out.add(new ClassifiedStatement(statement.text(), finding.statementClass(), finding.command(),
                        List.of(), false, finding.reasons(), Optional.empty(), Optional.empty()));
            }
            return new SqlClassification(out);
        });
        return classified.isEmpty() ? StatementClass.UNKNOWN : classified.highestRisk();
    }

    /** Token kinds and texts, and where the text ends unterminated: readings with the same one classify alike. */
    private static List<String> signature(LexedSql lexed) {
        List<String> signature = new ArrayList<>();
        for (SqlToken token : lexed.tokens()) {
            if (token.kind() != SqlToken.Kind.COMMENT) {
                signature.add(token.kind().name() + ':' + token.text());
            }
        }
        signature.add(lexed.unterminated().orElse(""));
        return signature;
    }

    private static SqlClassification readAs(SqlClassification classified, MySqlReading reading) {
        StatementClass highest = classified.highestRisk();
        List<ClassifiedStatement> out = new ArrayList<>();
        for (ClassifiedStatement s : classified.statements()) {
            if (s.statementClass() == highest) {
                List<String> reasons = new ArrayList<>(s.reasons());
                reasons.add("so read by " + reading.describe());
                s = new ClassifiedStatement(s.text(), s.statementClass(), s.command(), s.tables(), s.parsed(), reasons,
                        s.prepares(), s.executes());
            }
            out.add(s);
        }
        return new SqlClassification(out);
    }

    private static SqlClassification refused(String sql, String reason) {
        return new SqlClassification(List.of(new ClassifiedStatement(sql, StatementClass.UNKNOWN, "", List.of(), false,
                List.of(reason), Optional.empty(), Optional.empty())));
    }
}
