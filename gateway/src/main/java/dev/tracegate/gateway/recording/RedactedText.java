package dev.tracegate.gateway.recording;

import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Replacement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.List;

/**
 * A text being rewritten from left to right, with the redactions made so far: each replacement's
 * place in the new text, its entity, and the keyed hash of what it replaced. Positions are counted
 * in UTF-16 units while writing and given in code points at the end.
 */
final class RedactedText {

    /** A replacement in the new text, [start, end) in UTF-16 units. */
    private record Placed(int start, int end, String entity, String hmac) {
    }

    private final String original;
    private final HashKey key;
    /** Made at the first replacement: most statements have nothing to redact and keep their text. */
    private StringBuilder out;
    private final List<Placed> placed = new ArrayList<>();
    private int copied;

    /** @param key the masking key for the hashes of originals, or {@code null} for none */
    RedactedText(String original, HashKey key) {
        this.original = original;
        this.key = key;
    }

    private StringBuilder out() {
        if (out == null) {
            out = new StringBuilder(original.length() + 16);
        }
        return out;
    }

    /** Replacements at positions of the original text itself (a comment's contents, a parameter), in order. */
    void replaceInPlace(List<Replacement> replacements) {
        replaceInPlace(replacements, 0);
    }

    /** Replacements whose positions are {@code offset} before their place in the original text, in order. */
    void replaceInPlace(List<Replacement> replacements, int offset) {
        for (Replacement r : replacements) {
            int start = r.start() + offset;
            int end = r.end() + offset;
            StringBuilder written = out();
            written.append(original, copied, start);
            place(written.length(), written.length() + r.text().length(), r, original.substring(start, end));
            written.append(r.text());
            copied = end;
        }
    }

    /** Replacements of a literal's value, in order: the literal is written again around the new value. */
    void respell(SqlToken token, List<Replacement> replacements) {
        if (replacements.isEmpty()) {
            return;
        }
        String value = token.text();
        StringBuilder masked = new StringBuilder(value.length());
        int[] starts = new int[replacements.size()];
        int from = 0;
        for (int k = 0; k < replacements.size(); k++) {
            Replacement r = replacements.get(k);
            masked.append(value, from, r.start());
            starts[k] = masked.length();
            masked.append(r.text());
            from = r.end();
        }
        masked.append(value, from, value.length());
        LiteralSpelling.Spelled spelled = LiteralSpelling.spell(original, token, masked.toString());
        StringBuilder written = out();
        written.append(original, copied, token.start());
        int base = written.length();
        written.append(spelled.text());
        copied = token.end();
        for (int k = 0; k < replacements.size(); k++) {
            Replacement r = replacements.get(k);
            place(base + spelled.position().applyAsInt(starts[k]),
                    base + spelled.position().applyAsInt(starts[k] + r.text().length()), r,
                    value.substring(r.start(), r.end()));
        }
    }

    private void place(int start, int end, Replacement r, String originalValue) {
        boolean credential = r.entity().equals(LiteralMasker.SECRET);
        placed.add(new Placed(start, end, r.entity(), key == null || credential ? null : key.hmacHex(originalValue)));
    }

    /** The new text; the rest of the original is copied after the last replacement. */
    String finish() {
        if (placed.isEmpty()) {
            return original;
        }
        if (copied < original.length()) {
            out.append(original, copied, original.length());
            copied = original.length();
        }
        return out.toString();
    }

    /** What was replaced, with positions in code points of the finished text. */
    List<Redaction> redactions(Integer parameter) {
        String text = finish();
        List<Redaction> redactions = new ArrayList<>(placed.size());
        for (Placed p : placed) {
            redactions.add(new Redaction(parameter, null, text.codePointCount(0, p.start()),
                    text.codePointCount(p.start(), p.end()), p.entity(), p.hmac()));
        }
        return redactions;
    }
}
