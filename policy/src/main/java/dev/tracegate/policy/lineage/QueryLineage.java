package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonTableFunction;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.expression.XmlTableFunction;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;

/**
 * Queries: what each column a query produces carries, through FROM items (tables, views,
 * subqueries, CTEs, functions, VALUES), joins, set operations and every clause that reads a value
 * (WHERE, GROUP BY, HAVING, DISTINCT, windows, ORDER BY, LIMIT).
 */
final class QueryLineage {

    private final Analysis analysis;
    private final ExpressionLineage expressions;
    private final DmlLineage dml;

    QueryLineage(Analysis analysis) {
        this.analysis = analysis;
        this.expressions = new ExpressionLineage(analysis, this);
        this.dml = new DmlLineage(analysis, this, expressions);
    }

    ExpressionLineage expressions() {
        return expressions;
    }

    DmlLineage dml() {
        return dml;
    }

    /** The columns of any query, read in {@code outer} (the enclosing query levels). */
    List<OutputColumn> columns(Select select, Scope outer) {
        Scope scope = outer.child();
        withItems(select.getWithItemsList(), scope);
        List<OutputColumn> columns = switch (select) {
            case PlainSelect plain -> plain(plain, scope);
            case SetOperationList operations -> setOperations(operations, scope);
            case Values values -> values(values, scope);
            case TableStatement table -> table(table, scope);
            case ParenthesedSelect parenthesed -> columns(parenthesed.getSelect(), scope);
            default -> throw new LineageRefusal("a query of a kind the gateway cannot follow ("
                    + select.getClass().getSimpleName() + ")");
        };
        if (!(select instanceof PlainSelect)) {
            orderAndLimit(select, scope, columns);
        }
        return columns;
    }

    /** A subquery used as one value: what any of its columns carries. */
    Lineage firstColumn(Select select, Scope outer) {
        Lineage all = Lineage.CLEAN;
        for (OutputColumn column : columns(select, outer)) {
            all = all.or(column.lineage());
        }
        return all;
    }

    /**
     * The columns of a subquery in FROM, a WITH query or an EXISTS. PostgreSQL may compute each of
     * them whether or not the outer query returns it (a MATERIALIZED WITH query, DISTINCT, an
     * aggregate, a volatile function), and a computation shows the caller its errors and side
     * effects even when its value is never returned: {@code WITH x AS MATERIALIZED (SELECT
     * name::int FROM customers) SELECT count(*) FROM x} fails quoting a name. So a column computed
     * from a protected value is a use of it, like a condition, and needs {@code any}.
     */
    List<OutputColumn> evaluated(List<OutputColumn> columns) {
        for (OutputColumn column : columns) {
            if (!column.lineage().plain()) {
                analysis.use(column.lineage(), ColumnUse.ANY, "in a column computed by a subquery or WITH query");
            }
        }
        return columns;
    }

    void withItems(List<WithItem<?>> items, Scope scope) {
        if (items == null) {
            return;
        }
        for (WithItem<?> item : items) {
            String name = Identifiers.normalise(item.getAliasName());
            analysis.followed(name);
            if (item.getSearchClause() != null || item.getCycleClause() != null
                    || item.getWithFunctionDeclaration() != null) {
                throw new LineageRefusal("the CTE " + name + " uses SEARCH, CYCLE or function clauses the gateway cannot"
                        + " follow");
            }
            List<String> columnNames = new ArrayList<>();
            if (item.getWithItemList() != null) {
                for (SelectItem<?> column : item.getWithItemList()) {
                    String columnName = Identifiers.normalise(column.getExpression().toString());
                    analysis.followed(columnName);
                    columnNames.add(columnName);
                }
            }
            List<OutputColumn> columns = item.isRecursive() ? recursive(item, name, columnNames, scope)
                    : renamed(withBody(item, scope), columnNames);
            scope.defineCte(name, evaluated(columns));
        }
    }

    /**
     * A CTE's body: a query, or a data-modifying statement whose RETURNING list is what the CTE
     * holds. Read by its type, not by JSqlParser's typed getters, which cast and throw on the others.
     */
    private List<OutputColumn> withBody(WithItem<?> item, Scope scope) {
        return switch (item.getParenthesedStatement()) {
            case ParenthesedSelect select -> columns(select, scope);
            case ParenthesedInsert insert -> dml.insert(insert.getInsert(), scope);
            case ParenthesedUpdate update -> dml.update(update.getUpdate(), scope);
            case ParenthesedDelete delete -> dml.delete(delete.getDelete(), scope);
            case null, default -> throw new LineageRefusal("a CTE of a kind the gateway cannot follow");
        };
    }

    /**
     * A recursive CTE refers to itself: read once with its own columns unknown (and clean), then
     * again with them carrying everything the first reading found, computed, since each round
     * computes from the last.
     */
    private List<OutputColumn> recursive(WithItem<?> item, String name, List<String> columnNames, Scope scope) {
        Scope first = scope.child();
        first.defineCte(name, List.of());
        recursiveSelf = name;
        List<OutputColumn> firstPass;
        try {
            firstPass = renamed(withBody(item, first), columnNames);
        } finally {
            recursiveSelf = null;
        }
        Lineage carried = Lineage.CLEAN;
        for (OutputColumn column : firstPass) {
            carried = carried.combine(column.lineage());
        }
        List<OutputColumn> selfColumns = new ArrayList<>();
        for (OutputColumn column : firstPass) {
            selfColumns.add(new OutputColumn(column.name(), carried.derive()));
        }
        Scope second = scope.child();
        second.defineCte(name, selfColumns);
        List<OutputColumn> result = new ArrayList<>();
        for (OutputColumn column : renamed(withBody(item, second), columnNames)) {
            result.add(new OutputColumn(column.name(), column.lineage().or(carried.derive())));
        }
        return result;
    }

    /** While a recursive CTE is read the first time, references to it have unknown columns. */
    private String recursiveSelf;

    private List<OutputColumn> plain(PlainSelect select, Scope scope) {
        refuseUnfollowedClauses(select);
        fromItem(select.getFromItem(), scope);
        joins(select.getJoins(), scope);
        expressions.condition(select.getWhere(), scope, "in WHERE");
        List<OutputColumn> columns = selectItemsOf(select.getSelectItems(), scope);
        groupBy(select.getGroupBy(), scope, columns);
        expressions.condition(select.getHaving(), scope, "in HAVING");
        if (select.getDistinct() != null) {
            if (select.getDistinct().getOnSelectItems() != null) {
                for (SelectItem<?> item : select.getDistinct().getOnSelectItems()) {
                    analysis.use(outputOrScope(item.getExpression(), scope, columns), ColumnUse.GROUP, "in DISTINCT ON");
                }
            } else {
                columns.forEach(column -> analysis.use(column.lineage(), ColumnUse.GROUP, "in SELECT DISTINCT"));
            }
        }
        if (select.getWindowDefinitions() != null) {
            for (WindowDefinition window : select.getWindowDefinitions()) {
                WindowLineage.check(window, scope, expressions);
            }
        }
        orderAndLimit(select, scope, columns);
        if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
            analysis.copies(columns, "the table " + select.getIntoTables().getFirst());
        }
        return columns;
    }

    private static void refuseUnfollowedClauses(PlainSelect select) {
        if (select.getQualify() != null || select.getPreWhere() != null || select.getLateralViews() != null
                || select.getSettings() != null || select.getIntoTempTable() != null || select.getKsqlWindow() != null
                || select.getOracleHierarchical() != null || select.getPreferringClause() != null
                || select.getTop() != null || select.getFirst() != null || select.getSkip() != null
                || select.getMySqlSelectIntoClause() != null || select.getForXmlPath() != null) {
            throw new LineageRefusal("the query uses a clause the gateway cannot follow for PostgreSQL");
        }
    }

    List<OutputColumn> selectItemsOf(List<SelectItem<?>> items, Scope scope) {
        List<OutputColumn> columns = new ArrayList<>();
        for (SelectItem<?> item : items) {
            Expression expression = item.getExpression();
            String alias = item.getAlias() == null ? null : Identifiers.normalise(item.getAlias().getName());
            analysis.followed(alias);
            switch (expression) {
                case AllTableColumns table -> columns.addAll(starOf(table, scope));
                case AllColumns all -> {
                    if (all.getExceptColumns() != null || all.getReplaceExpressions() != null) {
                        throw new LineageRefusal("SELECT * EXCEPT/REPLACE is not PostgreSQL");
                    }
                    for (ScopeRelation relation : scope.relations()) {
                        columns.addAll(relation.allColumns());
                    }
                }
                default -> columns.add(new OutputColumn(alias != null ? alias : outputName(expression),
                        expressions.of(expression, scope)));
            }
        }
        return columns;
    }

    private List<OutputColumn> starOf(AllTableColumns table, Scope scope) {
        String name = Identifiers.normalise(table.getTable().getName());
        String schema = Identifiers.normalise(table.getTable().getSchemaName());
        analysis.followed(name);
        analysis.followed(schema);
        ScopeRelation relation = scope.relationNamed(schema, name);
        if (relation == null) {
            throw new LineageRefusal(name + ".* cannot be traced to a table the gateway knows");
        }
        return relation.allColumns();
    }

    private static String outputName(Expression expression) {
        if (expression instanceof Column column) {
            return Identifiers.normalise(column.getColumnName());
        }
        if (expression instanceof Function function) {
            return Identifiers.normalise(function.getMultipartName().getLast());
        }
        return null;
    }

    private void groupBy(GroupByElement groupBy, Scope scope, List<OutputColumn> columns) {
        if (groupBy == null) {
            return;
        }
        List<Expression> all = new ArrayList<>();
        if (groupBy.getGroupByExpressionList() != null) {
            all.addAll(groupBy.getGroupByExpressionList());
        }
        if (groupBy.getGroupingSets() != null) {
            for (ExpressionList<Expression> set : groupBy.getGroupingSets()) {
                all.addAll(set);
            }
        }
        for (Expression expression : all) {
            analysis.use(inputOrOutput(expression, scope, columns), ColumnUse.GROUP, "in GROUP BY");
        }
    }

    /** GROUP BY prefers input columns, then output names and ordinals, as PostgreSQL does. */
    private Lineage inputOrOutput(Expression expression, Scope scope, List<OutputColumn> columns) {
        Lineage ordinal = ordinal(expression, columns);
        if (ordinal != null) {
            return ordinal;
        }
        try {
            return expressions.of(expression, scope);
        } catch (LineageRefusal unresolved) {
            Lineage output = outputNamed(expression, columns);
            if (output == null) {
                throw unresolved;
            }
            return output;
        }
    }

    /** ORDER BY and DISTINCT ON prefer output names and ordinals, then input columns. */
    private Lineage outputOrScope(Expression expression, Scope scope, List<OutputColumn> columns) {
        Lineage ordinal = ordinal(expression, columns);
        if (ordinal != null) {
            return ordinal;
        }
        Lineage output = outputNamed(expression, columns);
        if (output != null) {
            analysis.followed(Identifiers.normalise(((Column) expression).getColumnName()));
            return output;
        }
        return expressions.of(expression, scope);
    }

    private static Lineage ordinal(Expression expression, List<OutputColumn> columns) {
        if (expression instanceof LongValue number) {
            long index = number.getValue();
            if (index < 1 || index > columns.size()) {
                throw new LineageRefusal("position " + index + " is not a column of the query");
            }
            return columns.get((int) index - 1).lineage();
        }
        return null;
    }

    private static Lineage outputNamed(Expression expression, List<OutputColumn> columns) {
        if (expression instanceof Column column && column.getTable() == null) {
            String name = Identifiers.normalise(column.getColumnName());
            Lineage found = null;
            for (OutputColumn output : columns) {
                if (name.equals(output.name())) {
                    found = found == null ? output.lineage() : found.or(output.lineage());
                }
            }
            return found;
        }
        return null;
    }

    private void orderAndLimit(Select select, Scope scope, List<OutputColumn> columns) {
        if (select.getOrderByElements() != null) {
            for (OrderByElement element : select.getOrderByElements()) {
                analysis.use(outputOrScope(element.getExpression(), scope, columns), ColumnUse.SORT, "in ORDER BY");
            }
        }
        if (select.getLimit() != null) {
            analysis.use(expressions.of(select.getLimit().getRowCount(), scope), ColumnUse.ANY, "in LIMIT");
            analysis.use(expressions.of(select.getLimit().getOffset(), scope), ColumnUse.ANY, "in LIMIT");
        }
        if (select.getOffset() != null) {
            analysis.use(expressions.of(select.getOffset().getOffset(), scope), ColumnUse.ANY, "in OFFSET");
        }
        if (select.getFetch() != null) {
            analysis.use(expressions.of(select.getFetch().getExpression(), scope), ColumnUse.ANY, "in FETCH");
        }
        if (select.getLimitBy() != null || select.getPivot() != null || select.getUnPivot() != null
                || select.getInterpolate() != null || select.getMySqlProcedureAnalyse() != null) {
            throw new LineageRefusal("the query uses a clause the gateway cannot follow for PostgreSQL");
        }
    }

    /**
     * UNION, INTERSECT, EXCEPT: each column may come from any branch, and PostgreSQL no longer names
     * its origin. Without ALL, rows are compared to remove duplicates, which groups every column.
     */
    private List<OutputColumn> setOperations(SetOperationList list, Scope scope) {
        List<List<OutputColumn>> branches = new ArrayList<>();
        for (Select branch : list.getSelects()) {
            branches.add(columns(branch, scope));
        }
        int width = branches.getFirst().size();
        List<OutputColumn> merged = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            Lineage lineage = Lineage.CLEAN;
            for (List<OutputColumn> branch : branches) {
                if (i < branch.size()) {
                    lineage = lineage.or(branch.get(i).lineage());
                }
            }
            merged.add(new OutputColumn(branches.getFirst().get(i).name(), lineage.withoutOrigin()));
        }
        boolean distinct = list.getOperations().stream().anyMatch(operation -> !isAll(operation));
        if (distinct) {
            merged.forEach(column -> analysis.use(column.lineage(), ColumnUse.GROUP,
                    "in UNION, INTERSECT or EXCEPT (which compares rows)"));
        }
        return merged;
    }

    private static boolean isAll(SetOperation operation) {
        return operation.isAll();
    }

    /**
     * A VALUES list's columns. PostgreSQL names no stored column for them in a result's description,
     * whatever a cell holds ({@code LATERAL (VALUES (c.name)) v(n)} describes {@code n} as an
     * expression), so a protected value returned through one could not be masked by its column.
     */
    private List<OutputColumn> values(Values values, Scope scope) {
        List<OutputColumn> columns = new ArrayList<>();
        for (Expression row : values.getExpressions()) {
            List<? extends Expression> cells = row instanceof ExpressionList<?> list ? list : List.of(row);
            for (int i = 0; i < cells.size(); i++) {
                Lineage lineage = expressions.of(cells.get(i), scope).withoutOrigin();
                if (i < columns.size()) {
                    columns.set(i, new OutputColumn("column" + (i + 1), columns.get(i).lineage().or(lineage)));
                } else {
                    columns.add(new OutputColumn("column" + (i + 1), lineage));
                }
            }
        }
        return columns;
    }

    private List<OutputColumn> table(TableStatement statement, Scope scope) {
        ScopeRelation relation = relation(statement.getTable(), scope);
        analysis.reads(relation);
        return new ArrayList<>(relation.columns());
    }

    void joins(List<Join> joins, Scope scope) {
        if (joins == null) {
            return;
        }
        for (Join join : joins) {
            List<ScopeRelation> before = List.copyOf(scope.relations());
            fromItem(join.getRightItem(), scope);
            ScopeRelation right = scope.relations().getLast();
            if (join.getUsingColumns() != null && !join.getUsingColumns().isEmpty()) {
                using(join, before, right, scope);
            } else if (join.isNatural()) {
                natural(join, before, right, scope);
            }
            for (Expression on : join.getOnExpressions()) {
                expressions.condition(on, scope, "in a JOIN condition");
            }
        }
    }

    /**
     * {@code JOIN ... USING (col)} compares the two tables' columns for equality and merges them
     * into one; a FULL JOIN's merged column is a COALESCE, so PostgreSQL no longer names its origin.
     */
    private void using(Join join, List<ScopeRelation> left, ScopeRelation right, Scope scope) {
        List<String> names = new ArrayList<>();
        for (Column column : join.getUsingColumns()) {
            String name = Identifiers.normalise(column.getColumnName());
            analysis.followed(name);
            names.add(name);
        }
        merge(join, left, right, names, scope);
    }

    private void natural(Join join, List<ScopeRelation> left, ScopeRelation right, Scope scope) {
        List<String> common = new ArrayList<>();
        for (OutputColumn column : right.columns()) {
            for (ScopeRelation relation : left) {
                if (column.name() != null && relation.column(column.name()) != null && !common.contains(column.name())) {
                    common.add(column.name());
                }
            }
        }
        merge(join, left, right, common, scope);
    }

    private void merge(Join join, List<ScopeRelation> left, ScopeRelation right, List<String> names, Scope scope) {
        for (String name : names) {
            Lineage l = null;
            for (ScopeRelation relation : left) {
                Lineage lineage = relation.column(name);
                if (lineage != null) {
                    l = l == null ? lineage : l.or(lineage);
                }
            }
            Lineage r = right.column(name);
            if (l == null || r == null) {
                throw new LineageRefusal("the USING column " + name + " cannot be traced to both sides of the join");
            }
            expressions.compareForEquality(l, r);
            expressions.compareForEquality(r, l);
            Lineage merged = join.isFull() ? l.or(r).derive() : mergedColumn(l, r);
            scope.add(new ScopeRelation("", null, List.of(new OutputColumn(name, merged)), null));
        }
    }

    /**
     * The merged column of an inner, left or right {@code USING}/{@code NATURAL} join: the value of
     * one side, cast to the type both share. PostgreSQL names its origin only when no cast was
     * needed; {@code customers LEFT JOIN guesses USING (date_of_birth)} with a {@code timestamp}
     * column in {@code guesses} describes the merged column as an expression and returned every
     * birth date in clear. So the origin is kept only when both sides are protected columns of the
     * same type, one that takes no length or precision (which would differ unseen); a merged column
     * is otherwise selected qualified ({@code customers.date_of_birth}), which is always a column.
     */
    private Lineage mergedColumn(Lineage l, Lineage r) {
        Lineage either = l.or(r);
        if (either.isClean() || (storedType(l) != null && storedType(l).equals(storedType(r)))) {
            return either;
        }
        return either.withoutOrigin();
    }

    private static final Set<String> TYPES_WITH_MODIFIERS = Set.of("varchar", "bpchar", "numeric", "bit", "varbit",
            "time", "timetz", "timestamp", "timestamptz", "interval");

    /** The catalog type of a protected column as stored, if that is what the value is and the type takes no modifier. */
    private String storedType(Lineage lineage) {
        if (lineage.isClean() || !lineage.plain() || lineage.sources().size() != 1) {
            return null;
        }
        ProtectedSource source = lineage.sources().iterator().next();
        return analysis.schema().catalog().relation(source.schema(), source.table())
                .flatMap(relation -> relation.columns().stream().filter(c -> c.name().equals(source.column())).findFirst())
                .map(CatalogColumn::typeName)
                .filter(type -> !TYPES_WITH_MODIFIERS.contains(type))
                .orElse(null);
    }

    void fromItem(FromItem item, Scope scope) {
        switch (item) {
            case null -> {
            }
            case Table table -> enter(scope, relation(table, scope));
            case ParenthesedSelect subquery -> {
                List<OutputColumn> columns = evaluated(columns(subquery, scope));
                enter(scope, aliased(new ScopeRelation("", null, columns, null), subquery.getAlias()));
            }
            case TableFunction function -> enter(scope, tableFunction(function, scope));
            case ParenthesedFromItem parenthesed -> {
                if (parenthesed.getAlias() != null) {
                    throw new LineageRefusal("an alias on a parenthesised join is not followed by the gateway");
                }
                fromItem(parenthesed.getFromItem(), scope);
                joins(parenthesed.getJoins(), scope);
            }
            default -> throw new LineageRefusal("a FROM item of a kind the gateway cannot follow ("
                    + item.getClass().getSimpleName() + ")");
        }
    }

    void enter(Scope scope, ScopeRelation relation) {
        analysis.reads(relation);
        scope.add(relation);
    }

    /** A table, view, CTE or system relation named in FROM (or as a statement's target). */
    ScopeRelation relation(Table table, Scope scope) {
        if (table.getDatabaseName() != null) {
            throw new LineageRefusal("the relation " + table + " has more parts than the gateway can follow");
        }
        String name = Identifiers.normalise(table.getName());
        String schema = Identifiers.normalise(table.getSchemaName());
        analysis.followed(name);
        analysis.followed(schema);
        if (table.getPivot() != null || table.getUnPivot() != null) {
            throw new LineageRefusal("PIVOT is not PostgreSQL");
        }
        ScopeRelation relation;
        List<OutputColumn> cte = schema == null ? scope.cte(name) : null;
        if (cte != null) {
            relation = new ScopeRelation(name, null, cte, name.equals(recursiveSelf) ? Lineage.CLEAN : null);
        } else {
            if (DataExposingNames.isRelation(name)) {
                throw new LineageRefusal("the system view " + name + " shows stored values (statistics samples, other"
                        + " sessions' statements or large objects) the gateway cannot mask");
            }
            if (CodeTextNames.isRelation(schema, name) && analysis.schema().codeTextMayQuoteProtectedValues()) {
                throw new LineageRefusal(CodeTextNames.REFUSAL.formatted("the catalog relation " + name));
            }
            WrittenValueNames.relation(schema, name).filter(kind -> analysis.schema().writtenValueMayQuote(kind))
                    .ifPresent(kind -> {
                        throw new LineageRefusal(WrittenValueNames.refusal(kind, "the catalog relation " + name));
                    });
            CatalogRelation catalog = analysis.schema().relation(schema, name).orElseThrow(() -> new LineageRefusal(
                    "the relation " + (schema == null ? "" : schema + ".") + name + " is not known to the gateway; if"
                            + " it is created in the same query string, create it first", true));
            relation = analysis.schema().resolve(catalog);
            Set<String> code = CodeTextNames.codeColumns(schema, name);
            if (!code.isEmpty() && (catalog.kind() != RelationKind.SYSTEM
                    || !analysis.schema().codeTextMayQuoteProtectedValues())) {
                code = Set.of();
            }
            if (catalog.kind() == RelationKind.SYSTEM && WrittenValueNames.columnsOf(schema, name)
                    .filter(kind -> analysis.schema().writtenValueMayQuote(kind)).isPresent()) {
                code = new java.util.HashSet<>(code);
                code.addAll(WrittenValueNames.columns(schema, name));
            }
            relation = new ScopeRelation(name, schema, relation.columns(), relation.wildcard(), code);
        }
        return aliased(relation, table.getAlias());
    }

    /**
     * A function in FROM runs on its arguments whether or not the outer query returns its columns:
     * how many rows it gives and the errors it raises show them ({@code SELECT count(*) FROM customers
     * c, generate_series(1, ascii(c.card_number))} counts to the digit's code, {@code
     * generate_series(1, c.name::int)} fails quoting the name). Arguments computed from a protected
     * column are a use of it, like a condition, and need {@code any}.
     */
    private ScopeRelation tableFunction(TableFunction function, Scope scope) {
        if (function.getPivot() != null || function.getUnPivot() != null || function.getWithClause() != null) {
            throw new LineageRefusal("the table function uses a clause the gateway cannot follow");
        }
        Lineage lineage = Lineage.CLEAN;
        List<Function> calls = function.getFunctions() != null ? function.getFunctions() : List.of(function.getFunction());
        for (Function call : calls) {
            lineage = lineage.combine(arguments(call, scope));
        }
        analysis.use(lineage.derive(), ColumnUse.ANY,
                "in the arguments of a function in FROM, whose rows and errors show them");
        return aliased(new ScopeRelation("", null, List.of(), lineage.isClean() ? Lineage.CLEAN : lineage.derive()),
                function.getAlias());
    }

    /**
     * XMLTABLE and JSON_TABLE are not calls by name: their row path, PASSING documents and column
     * paths and defaults (subqueries among them) are the inputs every row and column is computed
     * from, so they are read as its arguments.
     */
    private Lineage arguments(Function call, Scope scope) {
        return switch (call) {
            case XmlTableFunction xml -> expressions.list(xml.getAllExpressions(), scope);
            case JsonTableFunction json -> expressions.list(json.getAllExpressions(), scope);
            default -> expressions.of(call, scope);
        };
    }

    private ScopeRelation aliased(ScopeRelation relation, Alias alias) {
        if (alias == null) {
            return relation;
        }
        String name = Identifiers.normalise(alias.getName());
        analysis.followed(name);
        List<String> columns = new ArrayList<>();
        if (alias.getAliasColumns() != null) {
            for (Alias.AliasColumn column : alias.getAliasColumns()) {
                String columnName = Identifiers.normalise(column.name);
                analysis.followed(columnName);
                columns.add(columnName);
            }
        }
        return relation.aliased(name, columns);
    }

    private static List<OutputColumn> renamed(List<OutputColumn> columns, List<String> names) {
        if (names.isEmpty()) {
            return columns;
        }
        List<OutputColumn> renamed = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            renamed.add(new OutputColumn(i < names.size() ? names.get(i) : columns.get(i).name(), columns.get(i).lineage()));
        }
        return renamed;
    }
}
