package dev.tracegate.policy.lineage;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a generated column's expression reads of its own table: it can name only the table's other
 * columns, so the protected ones among the names it uses are what it computes from. Names compare
 * without regard to case and MySQL's backticks read as quotes: naming a column too many only refuses
 * more, and an expression that cannot be read counts as reading every protected column of the table.
 */
final class GenerationExpression {

    private GenerationExpression() {
    }

    /** The protected sources of the {@code columns} (the table's, as stored) that {@code expression} names. */
    static Set<ProtectedSource> reads(String expression, List<OutputColumn> columns) {
        Set<String> named;
        try {
            named = Words.identifiers(expression.replace('`', '"')).stream()
                    .map(word -> word.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        } catch (RuntimeException unreadable) {
            named = null;
        }
        Set<ProtectedSource> sources = new LinkedHashSet<>();
        for (OutputColumn column : columns) {
            if (named == null || named.contains(column.name().toLowerCase(Locale.ROOT))) {
                sources.addAll(column.lineage().sources());
            }
        }
        return sources;
    }
}
