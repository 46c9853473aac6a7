package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Looks into SQL held in string literals: DO blocks, function bodies, {@code EXECUTE 'DROP ...'}
 * inside them, texts passed to {@code query_to_xml}. PL/pgSQL is not SQL, so statements are looked
 * for at the places a statement can start (the start of a chunk, after BEGIN, THEN, ELSE, LOOP,
 * RETURN QUERY ...) and only recognised statements count; string literals inside are followed
 * recursively, so dynamic SQL built from literals is seen too.
 */
final class EmbeddedSqlInspector {

    private static final Set<String> BLOCK_WORDS = Set.of("begin", "then", "else", "loop", "query", "atomic", "also", "instead", "do");
    private static final Set<String> NOT_STATEMENTS = Set.of("begin", "end", "declare", "execute", "do");
    /** Bound the work an attacker can cause with a huge body: places tried, and tokens looked at from them. */
    private static final int MAX_CANDIDATES = 500;
    private static final long MAX_TOKENS_EXAMINED = 400_000;
    private static final String TOO_LARGE = "body too large to inspect";

    private EmbeddedSqlInspector() {
    }

    /** The class of a script run as SQL; empty or unanalysable scripts are UNKNOWN. */
    static StatementClass classOfScript(String sql, int depth) {
        List<SqlStatement> statements = SqlScriptSplitter.split(sql);
        if (statements.isEmpty() || depth > CommandRules.MAX_DEPTH) {
            return StatementClass.UNKNOWN;
        }
        StatementClass worst = StatementClass.TRANSACTION;
        for (SqlStatement statement : statements) {
            StatementClass c = statement.incomplete() ? StatementClass.UNKNOWN
                    : CommandRules.classify(new TokenSpan(statement.tokens()), depth).statementClass();
            worst = StatementClass.max(worst, c);
        }
        return worst;
    }

    /** "DDL (DROP TABLE)" for the riskiest recognised statement in a procedural body, if any. */
    static Optional<String> describeWorst(String body, int depth) {
        return worst(body, depth).map(v -> v.statementClass() + " (" + v.command() + ")");
    }

    /** Raises {@code verdict} to the riskiest recognised statement of {@code body}. */
    static ClassFinding escalateByBody(ClassFinding verdict, String body, int depth) {
        Optional<ClassFinding> worst = worst(body, depth);
        return worst.map(w -> verdict.escalate(w.statementClass(),
                "the body contains " + w.statementClass() + " (" + w.command() + ")")).orElse(verdict);
    }

    /** Same for a body written inline ({@code BEGIN ATOMIC ... END}), whose tokens include semicolons. */
    static ClassFinding escalateByTokens(ClassFinding verdict, TokenSpan tokens, int depth) {
        Optional<ClassFinding> worst = worst(chunks(tokens.tokens()), depth);
        return worst.map(w -> verdict.escalate(w.statementClass(),
                "the body contains " + w.statementClass() + " (" + w.command() + ")")).orElse(verdict);
    }

    /** The riskiest recognised statement of a procedural body or a rule's actions, if any. */
    static Optional<ClassFinding> riskiestIn(String body, int depth) {
        return worst(body, depth);
    }

    private static Optional<ClassFinding> worst(String body, int depth) {
        if (depth > CommandRules.MAX_DEPTH) {
            return Optional.of(ClassFinding.unknown("", "SQL nested too deeply to analyse"));
        }
        List<TokenSpan> chunks = new ArrayList<>();
        for (SqlStatement statement : SqlScriptSplitter.split(body)) {
            chunks.add(new TokenSpan(statement.tokens()));
        }
        return worst(chunks, depth);
    }

    private static Optional<ClassFinding> worst(List<TokenSpan> chunks, int depth) {
        ClassFinding worst = null;
        int candidates = 0;
        long examined = 0;
        for (TokenSpan chunk : chunks) {
            for (int i = 0; i < chunk.size(); i++) {
                boolean statementStart = (i == 0 || BLOCK_WORDS.contains(chunk.word(i - 1)))
                        && !chunk.word(i).isEmpty() && !NOT_STATEMENTS.contains(chunk.word(i));
                if (statementStart && ++candidates <= MAX_CANDIDATES) {
                    examined += chunk.size() - i;
                    if (examined > MAX_TOKENS_EXAMINED) {
                        return Optional.of(ClassFinding.unknown("", TOO_LARGE));
                    }
                    worst = riskier(worst, CommandRules.classify(chunk.from(i), depth));
                }
                if (chunk.get(i).isStringLiteral() && ++candidates <= MAX_CANDIDATES) {
                    worst = riskier(worst, worst(chunk.get(i).text(), depth + 1).orElse(null));
                }
            }
            ClassFinding calls = FunctionCallRules.apply(ClassFinding.of(StatementClass.READ, "function call"), chunk, depth);
            if (calls.statementClass() != StatementClass.READ) {
                worst = riskier(worst, calls);
            }
        }
        if (candidates > MAX_CANDIDATES) {
            return Optional.of(ClassFinding.unknown("", TOO_LARGE));
        }
        return Optional.ofNullable(worst);
    }

    /** Recognised statements only: inside procedural code, UNKNOWN mostly means "PL/pgSQL, not SQL". */
    private static ClassFinding riskier(ClassFinding current, ClassFinding candidate) {
        if (candidate == null || (candidate.statementClass() == StatementClass.UNKNOWN
                && !candidate.reasons().contains(TOO_LARGE))) {
            return current;
        }
        if (current == null || candidate.statementClass().risk() > current.statementClass().risk()) {
            return candidate;
        }
        return current;
    }

    private static List<TokenSpan> chunks(List<SqlToken> tokens) {
        List<TokenSpan> chunks = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            if (i == tokens.size() || tokens.get(i).kind() == SqlToken.Kind.SEMICOLON) {
                if (i > start) {
                    chunks.add(new TokenSpan(tokens.subList(start, i)));
                }
                start = i + 1;
            }
        }
        return chunks;
    }
}
