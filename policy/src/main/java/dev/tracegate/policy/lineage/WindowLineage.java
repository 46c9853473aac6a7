package dev.tracegate.policy.lineage;

import net.sf.jsqlparser.expression.WindowDefinition;

/**
 * A window ({@code OVER (PARTITION BY ... ORDER BY ...)}, {@code WINDOW w AS (...)}): partitioning
 * groups, ordering sorts. Frame offsets are constants in PostgreSQL, so they carry no data.
 */
final class WindowLineage {

    private WindowLineage() {
    }

    static void check(WindowDefinition window, Scope scope, ExpressionLineage expressions) {
        if (window.getPartitionExpressionList() != null) {
            expressions.groupedBy(window.getPartitionExpressionList(), scope);
        }
        expressions.orderedBy(window.getOrderByElements(), scope);
    }
}
