package dev.tracegate.masking.detect;

import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import java.util.List;

/**
 * The values of a Kubernetes Secret written as YAML, as {@code kubectl get secret -o yaml} prints
 * it: every entry under {@code data:} (base64 of anything: a password, a connection URL, a key
 * file) and {@code stringData:} is a credential whatever its name, which no other rule could tell.
 * A text is read so only when it declares {@code kind: Secret}; kubectl sorts the keys, so that line
 * comes after the data. Block scalars ({@code key: |}) are masked line by line. One pass over the lines.
 */
final class KubernetesSecrets {

    private KubernetesSecrets() {
    }

    /** Whether the text declares a Secret: one look-up, the only cost for every other text. */
    static boolean declaresSecret(CharSequence text) {
        String s = text.toString();
        int at = s.indexOf("kind: Secret");
        return at >= 0 && (at + 12 == s.length() || Character.isWhitespace(s.charAt(at + 12)));
    }

    /** Adds the spans of the Secret's values, in order. */
    static void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int blockIndent = -1;  // indentation of the data: line we are under, or -1
        int scalarIndent = -1; // indentation of the key whose block scalar we are in, or -1
        int lineStart = 0;
        while (lineStart < n) {
            int lineEnd = lineStart;
            while (lineEnd < n && text.charAt(lineEnd) != '\n') {
                lineEnd++;
            }
            int contentStart = lineStart;
            while (contentStart < lineEnd && text.charAt(contentStart) == ' ') {
                contentStart++;
            }
            int contentEnd = lineEnd;
            while (contentEnd > contentStart && Character.isWhitespace(text.charAt(contentEnd - 1))) {
                contentEnd--;
            }
            int indent = contentStart - lineStart;
            if (contentStart < contentEnd) {
                if (scalarIndent >= 0 && indent > scalarIndent) {
                    out.add(new Match(contentStart, contentEnd, EntityType.SECRET));
                } else {
                    scalarIndent = -1;
                    if (blockIndent >= 0 && indent <= blockIndent) {
                        blockIndent = -1;
                    }
                    if (blockIndent < 0) {
                        if (isBlockStart(text, contentStart, contentEnd)) {
                            blockIndent = indent;
                        }
                    } else {
                        scalarIndent = entry(text, contentStart, contentEnd, indent, out);
                    }
                }
            }
            lineStart = lineEnd + 1;
        }
    }

    private static boolean isBlockStart(CharSequence text, int start, int end) {
        return SecretDetector.startsWith(text, start, "data:") && end == start + 5
                || SecretDetector.startsWith(text, start, "stringData:") && end == start + 11;
    }

    /** A {@code key: value} entry: its value added; the indentation when it opens a block scalar, else -1. */
    private static int entry(CharSequence text, int start, int end, int indent, List<Match> out) {
        int colon = start;
        while (colon < end && !(text.charAt(colon) == ':' && (colon + 1 == end || text.charAt(colon + 1) == ' '))) {
            colon++;
        }
        if (colon >= end) {
            return -1;
        }
        int value = colon + 1;
        while (value < end && text.charAt(value) == ' ') {
            value++;
        }
        if (value >= end) {
            return -1;
        }
        char first = text.charAt(value);
        if ((first == '|' || first == '>') && end - value <= 3) {
            return indent; // the value is the more indented lines that follow
        }
        if ((first == '"' || first == '\'') && end - value >= 2 && text.charAt(end - 1) == first) {
            out.add(new Match(value + 1, end - 1, EntityType.SECRET));
        } else {
            out.add(new Match(value, end, EntityType.SECRET));
        }
        return -1;
    }
}
