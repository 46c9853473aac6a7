package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Set;

/** A view on a run of tokens with the navigation the rules need (words, parenthesis depth). */
record TokenSpan(List<SqlToken> tokens) {

    int size() {
        return tokens.size();
    }

    boolean isEmpty() {
        return tokens.isEmpty();
    }

    SqlToken get(int i) {
        return tokens.get(i);
    }

    /** The unquoted word at {@code i}, or "" when there is none (out of range or another kind). */
    String word(int i) {
        return i >= 0 && i < tokens.size() ? tokens.get(i).word() : "";
    }

    boolean isWord(int i, String word) {
        return word(i).equals(word);
    }

    boolean isSymbol(int i, String symbol) {
        return i >= 0 && i < tokens.size() && tokens.get(i).isSymbol(symbol);
    }

    boolean isIdentifier(int i) {
        return i >= 0 && i < tokens.size() && tokens.get(i).isIdentifier();
    }

    TokenSpan from(int start) {
        return sub(start, tokens.size());
    }

    TokenSpan sub(int start, int end) {
        int s = Math.min(Math.max(start, 0), tokens.size());
        return new TokenSpan(tokens.subList(s, Math.max(s, Math.min(end, tokens.size()))));
    }

    /** Index of the bracket closing the one at {@code open}, or {@link #size()} when unbalanced. */
    int closing(int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isSymbol("(") || t.isSymbol("[")) {
                depth++;
            } else if (t.isSymbol(")") || t.isSymbol("]")) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return tokens.size();
    }

    /** First index at or after {@code from}, outside any brackets, holding one of {@code words}; -1 if none. */
    int findAtTopLevel(int from, Set<String> words) {
        int depth = 0;
        for (int i = Math.max(from, 0); i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isSymbol("(") || t.isSymbol("[")) {
                depth++;
            } else if (t.isSymbol(")") || t.isSymbol("]")) {
                depth--;
            } else if (depth == 0 && words.contains(t.word())) {
                return i;
            }
        }
        return -1;
    }

    int findAtTopLevel(int from, String word) {
        return findAtTopLevel(from, Set.of(word));
    }

    /** Index just after a dotted name ({@code a}, {@code a.b}, {@code a.b.c}) starting at {@code i}. */
    int skipQualifiedName(int i) {
        int p = i;
        if (!isIdentifier(p)) {
            return p;
        }
        p++;
        while (isSymbol(p, ".") && isIdentifier(p + 1)) {
            p += 2;
        }
        return p;
    }

    /** The dotted name from {@code start} to {@code end}, as written after normalisation. */
    String nameText(int start, int end) {
        StringBuilder name = new StringBuilder();
        for (int i = start; i < end; i++) {
            SqlToken t = tokens.get(i);
            name.append(t.kind() == SqlToken.Kind.QUOTED_IDENTIFIER ? '"' + t.text() + '"' : t.text());
        }
        return name.toString();
    }

    /** Index after optional {@code IF [NOT] EXISTS} at {@code i}. */
    int skipIfExists(int i) {
        if (isWord(i, "if") && isWord(i + 1, "not") && isWord(i + 2, "exists")) {
            return i + 3;
        }
        if (isWord(i, "if") && isWord(i + 1, "exists")) {
            return i + 2;
        }
        return i;
    }

    boolean containsWord(String word) {
        for (SqlToken t : tokens) {
            if (t.isWord(word)) {
                return true;
            }
        }
        return false;
    }

    /** True if the words appear consecutively somewhere. */
    boolean containsSequence(String... words) {
        for (int i = 0; i + words.length <= tokens.size(); i++) {
            int k = 0;
            while (k < words.length && isWord(i + k, words[k])) {
                k++;
            }
            if (k == words.length) {
                return true;
            }
        }
        return false;
    }
}
