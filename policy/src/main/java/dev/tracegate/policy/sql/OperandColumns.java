package dev.tracegate.policy.sql;

import java.util.HashSet;
import java.util.Set;

/**
 * The columns two operands of a condition read, for telling when one is computed from the other:
 * {@code id = id + 0}, {@code id * 1 = id}, {@code name || '' = name}, {@code concat(name) = name},
 * {@code id::text = id::text || ''}, {@code id < id + 1}. Whether such a test holds for every row
 * depends on what the computation does, which no rule on the text can follow for every function
 * and operator, so a test whose two sides read the same columns of the changed row, and nothing
 * else of any row, is taken as one that may hold for every row (a legitimate {@code name <>
 * trim(name)} too: one must say with another column which rows are meant). A column counts as the
 * changed row's when {@link ChangedRowReferences} says so or it is qualified with the table's name,
 * alias or a copy's ({@link ChangedTable#qualifies}); other names are kept as written, so {@code
 * o.id = c.id + 0} is not such a test. Operands longer than {@link AlikeOperands#MAX_TOKENS} are
 * not compared, so the cost stays linear in the operands the analysis already reads.
 */
final class OperandColumns {

    private final TokenSpan tokens;
    private final ChangedTable table;
    private final ChangedRowReferences references;
    private final TokenIndex.TokenProperty mayBeColumn;

    OperandColumns(TokenSpan tokens, ChangedTable table, ChangedRowReferences references,
                   TokenIndex.TokenProperty mayBeColumn) {
        this.tokens = tokens;
        this.table = table;
        this.references = references;
        this.mayBeColumn = mayBeColumn;
    }

    /** Whether {@code [aStart, aEnd)} and {@code [bStart, bEnd)} read the same columns, some of the changed row. */
    boolean readSame(int aStart, int aEnd, int bStart, int bEnd) {
        if (aEnd - aStart > AlikeOperands.MAX_TOKENS || bEnd - bStart > AlikeOperands.MAX_TOKENS) {
            return false;
        }
        Set<String> a = columns(aStart, aEnd, null);
        return a.stream().anyMatch(c -> c.startsWith("row:")) && a.equals(columns(bStart, bEnd, null));
    }

    /**
     * The names the operand at {@code [start, end)} reads ({@code row:id} for the changed row's); empty
     * past {@link AlikeOperands#MAX_TOKENS} tokens or when it reads no column of the changed row.
     */
    Set<String> rowColumns(int start, int end) {
        if (end - start > AlikeOperands.MAX_TOKENS) {
            return Set.of();
        }
        Set<String> names = columns(start, end, null);
        return names.stream().anyMatch(c -> c.startsWith("row:")) ? names : Set.of();
    }

    /**
     * Whether the operand at {@code [start, end)} reads the same columns of the row as the item a
     * subquery lists from the table read again under {@code copy} ({@code id >= (SELECT min(id) FROM
     * orders)}): the item's unqualified names and those qualified with {@code copy} are that table's.
     */
    boolean readSameAsItem(int start, int end, int itemStart, int itemEnd, String copy) {
        if (end - start > AlikeOperands.MAX_TOKENS || itemEnd - itemStart > AlikeOperands.MAX_TOKENS) {
            return false;
        }
        Set<String> a = columns(start, end, null);
        return a.stream().anyMatch(c -> c.startsWith("row:")) && a.equals(columns(itemStart, itemEnd, copy));
    }

    /**
     * The names read: {@code row:id} for the changed row's, the name as written for any other; with
     * {@code copy}, the names of a subquery's item reading the table again under that alias.
     */
    private Set<String> columns(int start, int end, String copy) {
        Set<String> names = new HashSet<>();
        for (int i = start; i < end; i++) {
            if (!tokens.isIdentifier(i) || tokens.isSymbol(i - 1, ".") || !mayBeColumn.holds(tokens, i)) {
                continue;
            }
            int last = i;
            StringBuilder written = new StringBuilder(tokens.get(i).text());
            while (last + 2 < end && tokens.isSymbol(last + 1, ".") && tokens.isIdentifier(last + 2)) {
                last += 2;
                written.append('.').append(tokens.get(last).text());
            }
            String qualifier = last == i ? null : tokens.get(last - 2).text();
            boolean row = copy != null ? qualifier == null || qualifier.equals(copy)
                    : qualifier == null ? references.any(i, i + 1) : table.qualifies(qualifier);
            names.add(row ? "row:" + tokens.get(last).text() : written.toString());
            i = last;
        }
        return names;
    }
}
