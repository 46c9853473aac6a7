package dev.tracegate.policy.sql;

/**
 * Whether two operands of a condition are the same value of the row however they are written:
 * brackets, the changed table's qualifier ({@code orders.id}, {@code public.orders.id}, or that of
 * a copy of the table a join reads again, {@code o.id = p.id} of {@code orders o ... orders p}) and a
 * {@code COLLATE} clause aside, {@code (id) = id}, {@code orders.id = id} and {@code id = id
 * COLLATE "C"} compare an operand with itself, as {@code id = id} does. Operands longer than
 * {@link #MAX_TOKENS} are compared token for token only, so that comparing every operand pair of
 * a condition stays cheap whatever the client writes.
 */
final class AlikeOperands {

    static final int MAX_TOKENS = 256;

    private final TokenSpan tokens;
    private final ChangedTable table;

    AlikeOperands(TokenSpan tokens, ChangedTable table) {
        this.tokens = tokens;
        this.table = table;
    }

    /** Whether {@code [aStart, aEnd)} and {@code [bStart, bEnd)} of the condition read the same value. */
    boolean alike(int aStart, int aEnd, int bStart, int bEnd) {
        return alike(aStart, aEnd, bStart, bEnd, null);
    }

    /**
     * The same, with {@code copy} qualifying the changed table's columns too: the alias under which
     * a subquery reads the table again ({@code id IN (SELECT p.id FROM orders p)}).
     */
    boolean alike(int aStart, int aEnd, int bStart, int bEnd, String copy) {
        int aLength = aEnd - aStart;
        int bLength = bEnd - bStart;
        if (aLength == bLength && tokens.sameTokens(aStart, bStart, aLength)) {
            return true;
        }
        if (aLength > MAX_TOKENS || bLength > MAX_TOKENS) {
            return false;
        }
        int a = skipSpelling(aStart, aEnd, copy);
        int b = skipSpelling(bStart, bEnd, copy);
        while (a < aEnd && b < bEnd) {
            SqlToken x = tokens.get(a);
            SqlToken y = tokens.get(b);
            if (kind(x) != kind(y) || !x.text().equals(y.text())) {
                return false;
            }
            a = skipSpelling(a + 1, aEnd, copy);
            b = skipSpelling(b + 1, bEnd, copy);
        }
        return a == aEnd && b == bEnd && aEnd > aStart;
    }

    /**
     * The operand at {@code [start, end)} as {@link #alike} reads it, brackets, the changed table's
     * qualifier and COLLATE aside: operands alike in that sense have the same spelling, so a
     * condition's tests can be grouped by the operand they test.
     */
    String spelling(int start, int end) {
        StringBuilder spelling = new StringBuilder();
        for (int i = skipSpelling(start, end, null); i < end; i = skipSpelling(i + 1, end, null)) {
            SqlToken token = tokens.get(i);
            spelling.append(kind(token).ordinal()).append(':').append(token.text()).append('\u0000');
        }
        return spelling.toString();
    }

    /**
     * A token's kind as it names a column: a quoted name is the name (PostgreSQL's {@code "id"} is
     * {@code id}, MySQL's {@code `x`} is {@code x}; the lexers fold what the server folds), so {@code
     * "id" = id} compares a column with itself. A quoted keyword ({@code "true"}) is then read as the
     * keyword, which can only make a write look broader than it is.
     */
    private static SqlToken.Kind kind(SqlToken token) {
        return token.kind() == SqlToken.Kind.QUOTED_IDENTIFIER ? SqlToken.Kind.WORD : token.kind();
    }

    /** The first index from {@code i} that is not a bracket, the changed table's qualifier or a COLLATE clause. */
    private int skipSpelling(int i, int end, String copy) {
        int p = i;
        while (p < end) {
            if (tokens.isSymbol(p, "(") || tokens.isSymbol(p, ")")) {
                p++;
            } else if (qualifies(p, copy) && tokens.isSymbol(p + 1, ".")) {
                p += 2;
            } else if (tokens.isIdentifier(p) && tokens.isSymbol(p + 1, ".") && qualifies(p + 2, copy)
                    && tokens.isSymbol(p + 3, ".")) {
                p += 4;
            } else if (tokens.isWord(p, "collate") && tokens.isIdentifier(p + 1)) {
                p = tokens.skipQualifiedName(p + 1);
            } else {
                return p;
            }
        }
        return p;
    }

    private boolean qualifies(int i, String copy) {
        return tokens.isIdentifier(i) && (table.qualifies(tokens.get(i).text()) || tokens.get(i).text().equals(copy));
    }
}
