package dev.tracegate.policy.lineage;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.TimezoneExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Expressions {@link ExpressionLineage} has no rule for: every column and subquery anywhere inside
 * is found with JSqlParser's own traversal, and the whole expression is read as computed from all
 * of them. Safe by construction: a computed value is never returned and only tested where {@code
 * any} is granted.
 */
final class GenericExpression {

    private GenericExpression() {
    }

    static Lineage lineage(Expression expression, Scope scope, ExpressionLineage expressions, Analysis analysis) {
        Collector collector = new Collector(scope, expressions);
        expression.accept(collector, null);
        return collector.lineage.derive();
    }

    private static final class Collector extends ExpressionVisitorAdapter<Void> {

        private final Scope scope;
        private final ExpressionLineage expressions;
        private Lineage lineage = Lineage.CLEAN;

        Collector(Scope scope, ExpressionLineage expressions) {
            this.scope = scope;
            this.expressions = expressions;
        }

        @Override
        public <S> Void visit(Column column, S context) {
            lineage = lineage.combine(expressions.of(column, scope));
            return null;
        }

        /**
         * A subquery anywhere inside. JSqlParser's {@code ParenthesedSelect.accept} calls
         * {@code visit(Select)}, not {@code visit(ParenthesedSelect)}: overriding only the latter
         * left every subquery under an expression without a rule of its own unread (a protected
         * value came out in clear through {@code (SELECT notes FROM customers) ->> 0}).
         */
        @Override
        public <S> Void visit(Select select, S context) {
            for (OutputColumn column : expressions.queries().columns(select, scope)) {
                lineage = lineage.combine(column.lineage());
            }
            return null;
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            return visit((Select) select, context);
        }

        /**
         * Both sides of {@code ->}, {@code ->>}, {@code #>}, {@code #>>}: JSqlParser's traversal reads
         * only the left, so a protected value used as the key or path was never seen (found by
         * LineageCheckFuzzTest: {@code NULL ->> (SELECT card_number ...)}; a key lookup in an object of
         * guesses tells whether the value is one of them).
         */
        @Override
        public <S> Void visit(JsonExpression json, S context) {
            return operands(json.getExpression(), json.getIdents(), context);
        }

        /** {@code x AT TIME ZONE zone}: the traversal reads only {@code x}; a zone is an operand too (its error text names it). */
        @Override
        public <S> Void visit(TimezoneExpression timezone, S context) {
            return operands(timezone.getLeftExpression(), timezone.getTimezoneExpressions(), context);
        }

        /** Reads {@code first} and every one of {@code others}, for nodes whose traversal reads only the first. */
        private <S> Void operands(Expression first, List<Expression> others, S context) {
            first.accept(this, context);
            for (Expression other : others) {
                other.accept(this, context);
            }
            return null;
        }

        @Override
        public <S> Void visit(AllTableColumns columns, S context) {
            lineage = lineage.combine(expressions.of(columns, scope));
            return null;
        }
    }
}
