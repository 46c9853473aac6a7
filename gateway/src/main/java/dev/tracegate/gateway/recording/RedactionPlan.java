package dev.tracegate.gateway.recording;

import dev.tracegate.gateway.recording.LiteralMasker.Destination;
import dev.tracegate.masking.Replacement;
import dev.tracegate.policy.sql.LexingCache;
import dev.tracegate.policy.sql.LiteralTargets;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.List;

/**
 * What the record's redaction of a statement depends on apart from the digits of its numbers:
 * which tokens are literals and comments, where each number goes ({@link LiteralTargets}, the
 * protected column's masker), and what is replaced in each string literal and comment. Statements
 * served from one {@link LexingCache} template ({@code WHERE aid = 17}, {@code WHERE aid = 42})
 * share one plan: their tokens are the template's but for the digits and positions of whole-number
 * tokens, so their strings and comments are the same text, and where a value goes is read from
 * words, symbols and token kinds, never from a number's digits.
 *
 * <p>What stays per statement: every number's own value (masked or scanned from its own digits),
 * the positions (taken from the statement's own tokens), the hashes of the originals and the
 * parameters. A plan holds no value of any statement but the strings and comments that are the
 * same text in every statement that uses it.
 */
final class RedactionPlan {

    private final LiteralTargets targets;
    /** Token indices of the comments, string literals and numbers, in text order. */
    private final int[] literals;
    /** Per entry of {@code literals}: where a number goes; {@code null} for strings and comments. */
    private final Destination[] numbers;
    /**
     * Per entry of {@code literals}: what a string's value has replaced (positions in its value) or a
     * comment's contents (positions from the comment token's start); {@code null} for numbers.
     */
    private final List<List<Replacement>> fixed;

    private RedactionPlan(LiteralTargets targets, int[] literals, Destination[] numbers, List<List<Replacement>> fixed) {
        this.targets = targets;
        this.literals = literals;
        this.numbers = numbers;
        this.fixed = fixed;
    }

    /** The plan of a statement {@code sql} with these tokens, for {@code masker}. */
    static RedactionPlan of(String sql, List<SqlToken> tokens, LiteralMasker masker) {
        LiteralTargets targets = masker.columns().mayTarget(tokens) ? LiteralTargets.of(tokens) : LiteralTargets.NONE;
        int count = 0;
        for (SqlToken token : tokens) {
            count += redacted(token) ? 1 : 0;
        }
        int[] literals = new int[count];
        Destination[] numbers = new Destination[count];
        List<List<Replacement>> fixed = new ArrayList<>(count);
        int k = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (!redacted(token)) {
                continue;
            }
            literals[k] = i;
            if (token.kind() == SqlToken.Kind.COMMENT) {
                fixed.add(commentReplacements(sql, token, masker));
            } else if (token.kind() == SqlToken.Kind.NUMBER) {
                numbers[k] = masker.destination(targets.forToken(i), targets.complete());
                fixed.add(null);
            } else {
                fixed.add(masker.literal(token.text(), masker.destination(targets.forToken(i), targets.complete()), false));
            }
            k++;
        }
        return new RedactionPlan(targets, literals, numbers, fixed);
    }

    private static boolean redacted(SqlToken token) {
        return token.kind() == SqlToken.Kind.COMMENT || token.isStringLiteral() || token.kind() == SqlToken.Kind.NUMBER;
    }

    /** What a comment's contents have replaced, from the comment's start (the same text anywhere it stands). */
    private static List<Replacement> commentReplacements(String sql, SqlToken token, LiteralMasker masker) {
        List<Replacement> replacements = new ArrayList<>();
        for (int[] part : LiteralSpelling.contents(sql, token)) {
            for (Replacement r : masker.segment(sql, part[0], part[1])) {
                replacements.add(r.shifted(-token.start()));
            }
        }
        return List.copyOf(replacements);
    }

    /** Where the statement's values go. */
    LiteralTargets targets() {
        return targets;
    }

    /** Writes the redaction of a statement of this plan, from its own tokens, into {@code text}. */
    void redact(List<SqlToken> tokens, RedactedText text, LiteralMasker masker) {
        for (int k = 0; k < literals.length; k++) {
            SqlToken token = tokens.get(literals[k]);
            if (token.kind() == SqlToken.Kind.COMMENT) {
                text.replaceInPlace(fixed.get(k), token.start());
            } else if (numbers[k] != null) {
                text.respell(token, masker.literal(token.text(), numbers[k], true));
            } else {
                text.respell(token, fixed.get(k));
            }
        }
    }
}
