package dev.tracegate.gateway.recording;

import dev.tracegate.masking.HashKey;
import dev.tracegate.policy.sql.ClassificationCache;
import dev.tracegate.policy.sql.LexedSql;
import dev.tracegate.policy.sql.LexingCache;
import dev.tracegate.policy.sql.LiteralTargets;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQL command as the evidence keeps it and approvers see it. The text is lexed with the
 * project's own lexer, and only the contents of literals and comments change, token by token:
 * every keyword, name, operator, parameter and semicolon stays where it was, so the record shows
 * every statement that runs. A literal bound for a protected column (what {@link LiteralTargets}
 * finds) is masked whole; every other literal, comment and parameter is scanned by the detectors.
 *
 * <p>The tokens come from the {@link LexingCache} the classifier shares, which lexes a statement
 * shape once and gives later statements of that shape their own tokens (never another text's
 * literals). What the redaction derives from a shape's tokens apart from its numbers is a
 * {@link RedactionPlan}, made once per cached shape: later statements of the shape only mask their
 * own numbers and place the shape's string and comment replacements at their own positions.
 *
 * <p>The result is checked by lexing it again (through a cache of its own: the recorded texts of
 * one shape are one shape too): if anything but literal and comment contents differs (a bug, or
 * input nobody foresaw), every literal and comment is withheld instead.
 */
final class StatementRedactor {

    static final String WITHHELD = "WITHHELD";

    private final LiteralMasker masker;
    private final HashKey key;
    private final LexingCache lexing;
    /** Plans by the text of the lexing cache's template they were made for. */
    private final ClassificationCache<RedactionPlan> plans = new ClassificationCache<>(LexingCache.CAPACITY);
    /** For checking recorded texts: kept apart so that they do not take the classifier's shapes' places. */
    private final LexingCache recordedLexing = new LexingCache();

    StatementRedactor(LiteralMasker masker, HashKey key, LexingCache lexing) {
        this.masker = masker;
        this.key = key;
        this.lexing = lexing;
    }

    RecordedCommand redact(String sql, List<String> parameters) {
        LexingCache.Lexing lexing = this.lexing.lexing(sql); // the classifier lexed this shape already: usually no lexing here
        LexedSql lexed = lexing.lexed();
        List<SqlToken> tokens = lexed.tokens();
        RedactionPlan plan = plan(sql, lexing);
        LiteralTargets targets = plan.targets();
        RedactedText text = new RedactedText(sql, key);
        plan.redact(tokens, text, masker);
        String recorded = text.finish();
        List<Redaction> redactions = new ArrayList<>(text.redactions(null));
        if (!recorded.equals(sql) && !sameStatements(lexed, recordedLexing.lex(recorded))) {
            RedactedText withheld = withheld(sql, tokens);
            recorded = withheld.finish();
            redactions = new ArrayList<>(withheld.redactions(null));
        }
        List<String> recordedParameters = null;
        if (parameters != null) {
            recordedParameters = new ArrayList<>(parameters.size());
            for (int n = 1; n <= parameters.size(); n++) {
                String value = parameters.get(n - 1);
                if (value == null) {
                    recordedParameters.add(null);
                    continue;
                }
                RedactedText parameter = new RedactedText(value, key);
                parameter.replaceInPlace(masker.literal(value,
                        masker.destination(targets.forParameter(n), targets.complete()), false));
                recordedParameters.add(parameter.finish());
                redactions.addAll(parameter.redactions(n));
            }
        }
        return new RecordedCommand(recorded, recordedParameters, redactions);
    }

    /** The plan of the template {@code sql} was served from, made now if none is kept; a text of no template gets its own. */
    private RedactionPlan plan(String sql, LexingCache.Lexing lexing) {
        String template = lexing.template();
        RedactionPlan plan = template == null ? null : plans.get(template);
        if (plan == null) {
            plan = RedactionPlan.of(sql, lexing.lexed().tokens(), masker);
            if (template != null) {
                plans.put(template, plan);
            }
        }
        return plan;
    }

    /** Whether two texts hold the same statements: the same tokens but for literal and comment contents. */
    private static boolean sameStatements(LexedSql original, LexedSql recorded) {
        if (original.unterminated().isPresent() != recorded.unterminated().isPresent()) {
            return false;
        }
        List<SqlToken> a = original.tokens();
        List<SqlToken> b = recorded.tokens();
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!sameRole(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Both comments, both literals (strings and numbers alike), or the same kind with the same text. */
    private static boolean sameRole(SqlToken a, SqlToken b) {
        if (a.kind() == SqlToken.Kind.COMMENT || b.kind() == SqlToken.Kind.COMMENT) {
            return a.kind() == b.kind();
        }
        if (isLiteral(a) || isLiteral(b)) {
            return isLiteral(a) && isLiteral(b);
        }
        return a.kind() == b.kind() && a.text().equals(b.text());
    }

    private static boolean isLiteral(SqlToken token) {
        return token.isStringLiteral() || token.kind() == SqlToken.Kind.NUMBER;
    }

    /** The fallback: every literal and comment replaced by {@code [WITHHELD]}, everything else as written. */
    private RedactedText withheld(String sql, List<SqlToken> tokens) {
        RedactedText text = new RedactedText(sql, key);
        for (SqlToken token : tokens) {
            if (token.kind() == SqlToken.Kind.COMMENT) {
                for (int[] part : LiteralSpelling.contents(sql, token)) {
                    text.replaceInPlace(LiteralMasker.whole(sql.substring(part[0], part[1]), WITHHELD).stream()
                            .map(r -> r.shifted(part[0])).toList());
                }
            } else if (token.isStringLiteral() || token.kind() == SqlToken.Kind.NUMBER) {
                text.respell(token, LiteralMasker.whole(token.text(), WITHHELD));
            }
        }
        return text;
    }
}
