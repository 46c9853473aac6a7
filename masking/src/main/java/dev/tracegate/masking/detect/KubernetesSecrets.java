package dev.tracegate.masking.detect;

import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import java.util.List;

/**
 * The values of a Kubernetes Secret written as YAML or JSON, as {@code kubectl get secret -o yaml}
 * and {@code -o json} print it: every entry under {@code data:} (base64 of anything: a password, a
 * connection URL, a key file) and {@code stringData:} is a credential whatever its name, which no
 * other rule could tell. A text is read so only when it declares {@code kind: Secret} (or
 * {@code "kind": "Secret"}); kubectl sorts the keys, so that line comes after the data. Block
 * scalars ({@code key: |}) are masked line by line. One pass over the lines, one over the JSON objects.
 */
final class KubernetesSecrets {

    private KubernetesSecrets() {
    }

    /**
     * Whether the text declares a Secret, as YAML ({@code kind: Secret}) or as JSON
     * ({@code "kind": "Secret"}, as {@code kubectl get secret -o json} prints it): two look-ups,
     * the only cost for every other text.
     */
    static boolean declaresSecret(CharSequence text) {
        String s = text.toString();
        int at = s.indexOf("kind: Secret");
        if (at >= 0 && (at + 12 == s.length() || Character.isWhitespace(s.charAt(at + 12)))) {
            return true;
        }
        for (at = s.indexOf("\"kind\""); at >= 0; at = s.indexOf("\"kind\"", at + 6)) {
            int value = jsonValueAfterName(s, at + 6);
            if (value >= 0 && s.startsWith("\"Secret\"", value)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the spans of the Secret's values: the YAML manifest's in order, then the JSON one's. */
    static void find(CharSequence text, List<Match> out) {
        findYaml(text, out);
        findJson(text.toString(), out);
    }

    /**
     * The string values of every {@code "data"} and {@code "stringData"} object, whatever their
     * names (kubectl prints {@code "kind"} after them, as in YAML).
     */
    private static void findJson(String text, List<Match> out) {
        for (String name : List.of("\"data\"", "\"stringData\"")) {
            for (int at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length())) {
                int open = jsonValueAfterName(text, at + name.length());
                if (open >= 0 && text.charAt(open) == '{') {
                    objectValues(text, open, out);
                }
            }
        }
    }

    /** Where the value after a JSON name and its colon starts (white space skipped), or -1 when no colon follows. */
    private static int jsonValueAfterName(String text, int afterName) {
        int i = afterName;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i >= text.length() || text.charAt(i) != ':') {
            return -1;
        }
        i++;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() ? i : -1;
    }

    /** The contents of the strings that are values (after a colon) in the object opening at {@code open}. */
    private static void objectValues(String text, int open, List<Match> out) {
        int depth = 0;
        boolean afterColon = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = i + 1;
                while (end < text.length() && text.charAt(end) != '"') {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                if (afterColon && depth == 1 && end > i + 1) {
                    out.add(new Match(i + 1, Math.min(end, text.length()), EntityType.SECRET));
                }
                afterColon = false;
                i = end;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return;
                }
            } else if (c == ':') {
                afterColon = true;
            } else if (c == ',') {
                afterColon = false;
            }
        }
    }

    /** The YAML manifest's values, in order. */
    private static void findYaml(CharSequence text, List<Match> out) {
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
