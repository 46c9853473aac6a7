package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Set;

/**
 * A view on a run of tokens with the navigation the rules need (words, brackets, CASE ... END).
 *
 * <p>Every span cut from one token list shares that list's {@link TokenIndex}, so finding the
 * bracket that closes another, or the END of a CASE, costs O(1), {@link #findAtTopLevel} steps
 * over bracketed groups instead of walking through them, and {@link #count} answers what a group
 * contains without reading it. The rules look into nested statements at every depth; with these,
 * each level costs only its own tokens and classifying a statement stays linear in its length,
 * however it nests.
 */
final class TokenSpan {

    private final List<SqlToken> root;
    private final TokenIndex index;
    private final int offset;
    private final int size;

    TokenSpan(List<SqlToken> tokens) {
        this(tokens, new TokenIndex(tokens), 0, tokens.size());
    }

    private TokenSpan(List<SqlToken> root, TokenIndex index, int offset, int size) {
        this.root = root;
        this.index = index;
        this.offset = offset;
        this.size = size;
    }

    List<SqlToken> tokens() {
        return root.subList(offset, offset + size);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    SqlToken get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return root.get(offset + i);
    }

    /** The unquoted word at {@code i}, or "" when there is none (out of range or another kind). */
    String word(int i) {
        return i >= 0 && i < size ? root.get(offset + i).word() : "";
    }

    boolean isWord(int i, String word) {
        return word(i).equals(word);
    }

    boolean isSymbol(int i, String symbol) {
        return i >= 0 && i < size && root.get(offset + i).isSymbol(symbol);
    }

    boolean isIdentifier(int i) {
        return i >= 0 && i < size && root.get(offset + i).isIdentifier();
    }

    boolean isOpening(int i) {
        return isSymbol(i, "(") || isSymbol(i, "[");
    }

    boolean isClosing(int i) {
        return isSymbol(i, ")") || isSymbol(i, "]");
    }

    TokenSpan from(int start) {
        return sub(start, size);
    }

    TokenSpan sub(int start, int end) {
        int s = Math.min(Math.max(start, 0), size);
        int e = Math.max(s, Math.min(end, size));
        return new TokenSpan(root, index, offset + s, e - s);
    }

    /** Index of the bracket closing the one at {@code open}, or {@link #size()} when it is not closed in this span. */
    int closing(int open) {
        return local(index.closingBracket(offset + open));
    }

    /** Index of the END closing the CASE at {@code caseIndex}, or {@link #size()} when it is not closed in this span. */
    int caseEnd(int caseIndex) {
        return local(index.caseEnd(offset + caseIndex));
    }

    /**
     * How many tokens in {@code [start, end)} have {@code property}, judged with their neighbours in
     * the whole token list this span was cut from. O(1) after one pass over the list per property.
     */
    int count(TokenIndex.TokenProperty property, int start, int end) {
        int s = Math.min(Math.max(start, 0), size);
        int e = Math.max(s, Math.min(end, size));
        return index.count(property, new TokenSpan(root, index, 0, root.size()), offset + s, offset + e);
    }

    private int local(int rootIndex) {
        return rootIndex < offset || rootIndex >= offset + size ? size : rootIndex - offset;
    }

    /**
     * Whether every bracket of the span is closed by a later one in it and no bracket closes
     * nothing. PostgreSQL rejects any other statement.
     */
    boolean bracketsBalance() {
        int depth = 0;
        for (int i = 0; i < size; i++) {
            if (isOpening(i)) {
                depth++;
            } else if (isClosing(i) && --depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** The deepest bracket nesting in the span. */
    int bracketDepth() {
        int depth = 0;
        int max = 0;
        for (int i = 0; i < size; i++) {
            if (isOpening(i)) {
                max = Math.max(max, ++depth);
            } else if (isClosing(i)) {
                depth--;
            }
        }
        return max;
    }

    /**
     * First index at or after {@code from}, outside any brackets, holding one of {@code words};
     * -1 if none. A bracketed group is stepped over whole; a closing bracket that closes nothing
     * ends the search, since whatever follows it is not at this level.
     */
    int findAtTopLevel(int from, Set<String> words) {
        for (int i = Math.max(from, 0); i < size; i++) {
            if (isOpening(i)) {
                i = closing(i);
            } else if (isClosing(i)) {
                return -1;
            } else if (words.contains(word(i))) {
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
            SqlToken t = get(i);
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
        for (int i = 0; i < size; i++) {
            if (isWord(i, word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if a word or a quoted identifier is spelt {@code name} somewhere (a quoted one in any
     * case). PostgreSQL reads option names in option lists ({@code EXPLAIN ("analyze")},
     * {@code VACUUM ("full")}, {@code OPTIONS ("filename" ...)}, {@code WITH ("owner" = ...)},
     * {@code SET ("security_invoker" = ...)}) as identifiers, so quoting one does not change what
     * it does. Only for PostgreSQL text: MySQL never reads a quoted identifier as a keyword.
     */
    boolean containsName(String name) {
        for (int i = 0; i < size; i++) {
            SqlToken token = root.get(offset + i);
            if (token.kind() == SqlToken.Kind.QUOTED_IDENTIFIER ? token.text().equalsIgnoreCase(name)
                    : token.isWord(name)) {
                return true;
            }
        }
        return false;
    }

    /** True if the words appear consecutively somewhere. */
    boolean containsSequence(String... words) {
        for (int i = 0; i + words.length <= size; i++) {
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

    /** True if the tokens from {@code a} and from {@code b}, {@code length} each, are the same kinds and texts. */
    boolean sameTokens(int a, int b, int length) {
        for (int k = 0; k < length; k++) {
            SqlToken x = get(a + k);
            SqlToken y = get(b + k);
            if (x.kind() != y.kind() || !x.text().equals(y.text())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return tokens().toString();
    }
}
