package dev.tracegate.policy.lineage;

import java.util.ArrayList;
import dev.tracegate.masking.ColumnUse;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * INSERT, UPDATE, DELETE and MERGE. What they write is a copy: a protected value written into a
 * column (even its own) would come back unmasked from wherever it lands, so any value computed
 * from or copied out of a protected column is refused. Their conditions are uses like a query's,
 * and RETURNING is a result like a SELECT list.
 */
final class DmlLineage {

    private final Analysis analysis;
    private final QueryLineage queries;
    private final ExpressionLineage expressions;

    DmlLineage(Analysis analysis, QueryLineage queries, ExpressionLineage expressions) {
        this.analysis = analysis;
        this.queries = queries;
        this.expressions = expressions;
    }

    /** @return the RETURNING columns (empty without RETURNING) */
    List<OutputColumn> insert(Insert insert, Scope outer) {
        Scope scope = outer.child();
        queries.withItems(insert.getWithItemsList(), scope);
        ScopeRelation target = queries.relation(insert.getTable(), scope);
        analysis.reads(target);
        String into = "the table " + insert.getTable().getName();
        if (insert.getColumns() != null) {
            for (Column column : insert.getColumns()) {
                written(target, Identifiers.normalise(column.getColumnName()));
            }
        } else {
            target.columns().forEach(column -> written(target, column.name()));
        }
        if (insert.getSelect() != null) {
            analysis.copies(queries.columns(insert.getSelect(), scope), into);
        }
        if (insert.getSetUpdateSets() != null || insert.getDuplicateUpdateSets() != null || insert.getOutputClause() != null) {
            throw new LineageRefusal("the INSERT uses a clause the gateway cannot follow for PostgreSQL");
        }
        Scope returningScope = scope.child();
        returningScope.add(target);
        if (insert.getConflictTarget() != null) {
            if (insert.getConflictTarget().getIndexColumnNames() != null) {
                for (String name : insert.getConflictTarget().getIndexColumnNames()) {
                    Lineage column = target.column(Identifiers.normalise(name));
                    analysis.followed(Identifiers.normalise(name));
                    if (column != null) {
                        analysis.use(column, ColumnUse.LOOKUP, "as an ON CONFLICT target (a conflict tells whether"
                                + " the value exists)");
                    }
                }
            }
            expressions.of(insert.getConflictTarget().getIndexExpression(), returningScope);
            expressions.condition(insert.getConflictTarget().getWhereExpression(), returningScope, "in ON CONFLICT");
        }
        if (insert.getConflictAction() != null) {
            Scope conflict = returningScope.child();
            // EXCLUDED is the row the caller tried to insert: the caller's own values.
            conflict.add(new ScopeRelation("excluded", null, List.of(), Lineage.CLEAN));
            analysis.followed("excluded");
            sets(insert.getConflictAction().getUpdateSets(), conflict, into, target);
            expressions.condition(insert.getConflictAction().getWhereExpression(), conflict, "in ON CONFLICT ... WHERE");
        }
        return returning(insert.getReturningClause(), returningScope);
    }

    List<OutputColumn> update(Update update, Scope outer) {
        Scope scope = outer.child();
        queries.withItems(update.getWithItemsList(), scope);
        if (update.getOutputClause() != null || update.getOrderByElements() != null || update.getLimit() != null
                || (update.getStartJoins() != null && !update.getStartJoins().isEmpty())) {
            throw new LineageRefusal("the UPDATE uses a clause the gateway cannot follow for PostgreSQL");
        }
        ScopeRelation target = queries.relation(update.getTable(), scope);
        queries.enter(scope, target);
        queries.fromItem(update.getFromItem(), scope);
        queries.joins(update.getJoins(), scope);
        sets(update.getUpdateSets(), scope, "the table " + update.getTable().getName(), target);
        expressions.condition(update.getWhere(), scope, "in WHERE");
        return returning(update.getReturningClause(), scope);
    }

    List<OutputColumn> delete(Delete delete, Scope outer) {
        Scope scope = outer.child();
        queries.withItems(delete.getWithItemsList(), scope);
        if (delete.getOutputClause() != null || delete.getOrderByElements() != null || delete.getLimit() != null
                || (delete.getTables() != null && !delete.getTables().isEmpty())) {
            throw new LineageRefusal("the DELETE uses a clause the gateway cannot follow for PostgreSQL");
        }
        queries.enter(scope, queries.relation(delete.getTable(), scope));
        if (delete.getUsingFromItemList() != null) {
            for (FromItem item : delete.getUsingFromItemList()) {
                queries.fromItem(item, scope);
            }
        } else if (delete.getUsingList() != null) {
            for (Table table : delete.getUsingList()) {
                queries.fromItem(table, scope);
            }
        }
        queries.joins(delete.getJoins(), scope);
        expressions.condition(delete.getWhere(), scope, "in WHERE");
        return returning(delete.getReturningClause(), scope);
    }

    List<OutputColumn> merge(Merge merge, Scope outer) {
        Scope scope = outer.child();
        queries.withItems(merge.getWithItemsList(), scope);
        ScopeRelation target = queries.relation(merge.getTable(), scope);
        queries.enter(scope, target);
        if (merge.getFromItem() != null) {
            queries.fromItem(merge.getFromItem(), scope);
        } else {
            throw new LineageRefusal("the MERGE has no USING source the gateway can follow");
        }
        expressions.condition(merge.getOnCondition(), scope, "in MERGE ... ON");
        String into = "the table " + merge.getTable().getName();
        for (MergeOperation operation : merge.getOperations()) {
            switch (operation) {
                case MergeUpdate set -> {
                    expressions.condition(set.getAndPredicate(), scope, "in WHEN MATCHED AND");
                    sets(set.getUpdateSets(), scope, into, target);
                    expressions.condition(set.getWhereCondition(), scope, "in MERGE ... WHERE");
                    expressions.condition(set.getDeleteWhereCondition(), scope, "in MERGE ... WHERE");
                }
                case MergeInsert insert -> {
                    expressions.condition(insert.getAndPredicate(), scope, "in WHEN NOT MATCHED AND");
                    if (insert.getColumns() != null) {
                        insert.getColumns().forEach(c -> written(target, Identifiers.normalise(c.getColumnName())));
                    }
                    for (Expression value : insert.getValues()) {
                        analysis.copy(expressions.of(value, scope), into);
                    }
                    expressions.condition(insert.getWhereCondition(), scope, "in MERGE ... WHERE");
                }
                case MergeDelete delete -> expressions.condition(delete.getAndPredicate(), scope, "in WHEN MATCHED AND");
                default -> throw new LineageRefusal("a MERGE action the gateway cannot follow");
            }
        }
        return returning(merge.getReturningClause(), scope);
    }

    /**
     * A value written into a protected column with a unique index is compared with every stored
     * value: the write fails when it is already there. That is a lookup.
     */
    private void written(ScopeRelation target, String columnName) {
        analysis.followed(columnName);
        Lineage column = columnName == null ? null : target.column(columnName);
        if (column != null && column.sources().stream().anyMatch(ProtectedSource::unique)) {
            analysis.use(column, ColumnUse.LOOKUP, "as the target of a write into a column with a unique index (a"
                    + " duplicate is refused, which tells whether the value exists)");
        }
    }

    private void sets(List<UpdateSet> sets, Scope scope, String into, ScopeRelation target) {
        if (sets == null) {
            return;
        }
        for (UpdateSet set : sets) {
            for (Column column : set.getColumns()) {
                written(target, Identifiers.normalise(column.getColumnName()));
            }
            for (Expression value : set.getValues()) {
                if (value instanceof net.sf.jsqlparser.statement.select.Select select) {
                    analysis.copies(queries.columns(select, scope), into);
                } else {
                    analysis.copy(expressions.of(value, scope), into);
                }
            }
        }
    }

    private List<OutputColumn> returning(ReturningClause returning, Scope scope) {
        if (returning == null) {
            return List.of();
        }
        if (returning.getDataItems() != null && !returning.getDataItems().isEmpty()) {
            throw new LineageRefusal("RETURNING ... INTO is not PostgreSQL");
        }
        List<SelectItem<?>> items = new ArrayList<>(returning);
        return queries.selectItemsOf(items, scope);
    }
}
