package dev.tracegate.gateway.recording;

import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Replacement;
import dev.tracegate.policy.sql.LexedSql;
import dev.tracegate.policy.sql.LexingCache;
import dev.tracegate.policy.sql.LiteralTargets;
import dev.tracegate.policy.sql.LiteralTargets.Target;
import dev.tracegate.policy.sql.SqlLexer;
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
 * shape once and gives later statements of that shape their own tokens (never another text's literals).
 *
 * <p>The result is checked by lexing it again: if anything but literal and comment contents
 * differs (a bug, or input nobody foresaw), every literal and comment is withheld instead.
 */
final class StatementRedactor {

    static final String WITHHELD = "WITHHELD";

    private final LiteralMasker masker;
    private final HashKey key;
    private final LexingCache lexing;

    StatementRedactor(LiteralMasker masker, HashKey key, LexingCache lexing) {
        this.masker = masker;
        this.key = key;
        this.lexing = lexing;
    }

    RecordedCommand redact(String sql, List<String> parameters) {
        LexedSql lexed = lexing.lex(sql); // the classifier lexed this shape already: usually no lexing here
        List<SqlToken> tokens = lexed.tokens();
        LiteralTargets targets = masker.columns().mayTarget(tokens) ? LiteralTargets.of(tokens) : LiteralTargets.NONE;
        RedactedText text = new RedactedText(sql, key);
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.kind() == SqlToken.Kind.COMMENT) {
                for (int[] part : LiteralSpelling.contents(sql, token)) {
                    text.replaceInPlace(masker.segment(sql, part[0], part[1]));
                }
            } else if (token.isStringLiteral() || token.kind() == SqlToken.Kind.NUMBER) {
                text.respell(token, replacements(token.text(), targets.forToken(i), targets.complete(),
                        token.kind() == SqlToken.Kind.NUMBER));
            }
        }
        String recorded = text.finish();
        List<Redaction> redactions = new ArrayList<>(text.redactions(null));
        if (!recorded.equals(sql) && !sameStatements(lexed, SqlLexer.lex(recorded))) {
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
                parameter.replaceInPlace(replacements(value, targets.forParameter(n), targets.complete(), false));
                recordedParameters.add(parameter.finish());
                redactions.addAll(parameter.redactions(n));
            }
        }
        return new RecordedCommand(recorded, recordedParameters, redactions);
    }

    /** What to replace in a literal's or parameter's value, given where the statement sends it. */
    private List<Replacement> replacements(String value, List<Target> targets, boolean analysed, boolean number) {
        List<Replacement> byTarget = masker.byTarget(value, targets, analysed);
        if (byTarget != null) {
            return byTarget;
        }
        if (number && !masker.mayHoldFindsAsNumber(value)) {
            return List.of(); // most numbers: nothing a detector finds fits in them
        }
        return masker.text(value);
    }

    /** Whether two texts hold the same statements: the same tokens but for literal and comment contents. */
    private static boolean sameStatements(LexedSql original, LexedSql recorded) {
        if (original.unterminated().isPresent() != recorded.unterminated().isPresent()) {
            return false;
        }
        List<String> a = shape(original.tokens());
        return a.equals(shape(recorded.tokens()));
    }

    private static List<String> shape(List<SqlToken> tokens) {
        List<String> shape = new ArrayList<>(tokens.size());
        for (SqlToken token : tokens) {
            if (token.kind() == SqlToken.Kind.COMMENT) {
                shape.add("comment");
            } else if (token.isStringLiteral() || token.kind() == SqlToken.Kind.NUMBER) {
                shape.add("literal");
            } else {
                shape.add(token.kind() + " " + token.text());
            }
        }
        return shape;
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
