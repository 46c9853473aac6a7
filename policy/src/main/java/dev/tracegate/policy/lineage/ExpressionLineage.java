package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnUse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.IntervalExpression;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.Select;

/**
 * The lineage of expressions, checking every use of a protected value on the way.
 *
 * <p>The rule is one: a protected value may flow on unchanged (a column reference), be tested in a
 * way the profile grants (compared, grouped, sorted), be counted, or be coarsened as the profile
 * allows ({@code date_trunc('year', ...)}). Anything else computes a new value from it, and a
 * computed value is never returned and only tested where the profile grants {@code any}. Expression
 * kinds this class does not know are read as computing a value from every column inside them.
 */
final class ExpressionLineage {

    /** Words the parser hands over as columns that are SQL's own values. */
    private static final Set<String> SQL_VALUE_WORDS = Set.of("current_date", "current_time", "current_timestamp",
            "localtime", "localtimestamp", "current_user", "current_role", "session_user", "user", "current_catalog",
            "current_schema", "true", "false", "null", "default", "system_user");
    /** Functions that are SQL syntax rather than catalog entries. */
    private static final Set<String> SQL_CONSTRUCTS = Set.of("coalesce", "nullif", "greatest", "least", "row",
            "xmlelement", "xmlforest", "xmlconcat", "xmlpi", "xmlroot", "xmlparse", "xmlserialize", "xmlexists",
            "xmlattributes", "grouping", "array", "any", "some", "all", "exists", "values", "merge_action",
            "json_object", "json_array", "json_objectagg", "json_arrayagg", "json_scalar", "json_serialize",
            "json_query", "json_value", "json_exists", "is_json");
    private static final Set<String> RANKING = Set.of("row_number", "rank", "dense_rank", "percent_rank", "cume_dist",
            "ntile");

    private final Analysis analysis;
    private final QueryLineage queries;

    ExpressionLineage(Analysis analysis, QueryLineage queries) {
        this.analysis = analysis;
        this.queries = queries;
    }

    /** A condition (WHERE, ON, HAVING, FILTER): its parts are checked; the truth value itself is a use of anything it reads. */
    void condition(Expression condition, Scope scope, String where) {
        if (condition != null) {
            analysis.use(of(condition, scope), ColumnUse.ANY, where);
        }
    }

    Lineage of(Expression expression, Scope scope) {
        return switch (expression) {
            case null -> Lineage.CLEAN;
            case Column column -> column(column, scope);
            case StringValue ignored -> Lineage.CLEAN;
            case LongValue ignored -> Lineage.CLEAN;
            case DoubleValue ignored -> Lineage.CLEAN;
            case NullValue ignored -> Lineage.CLEAN;
            case BooleanValue ignored -> Lineage.CLEAN;
            case HexValue ignored -> Lineage.CLEAN;
            case DateValue ignored -> Lineage.CLEAN;
            case TimeValue ignored -> Lineage.CLEAN;
            case TimestampValue ignored -> Lineage.CLEAN;
            case DateTimeLiteralExpression ignored -> Lineage.CLEAN;
            case JdbcParameter ignored -> Lineage.CLEAN;
            case JdbcNamedParameter ignored -> Lineage.CLEAN;
            case IntervalExpression interval -> of(interval.getExpression(), scope).derive();
            case Function function -> FunctionLineage.of(function, scope, this, analysis);
            case AnalyticExpression analytic -> analytic(analytic, scope);
            case ExtractExpression extract -> generalised(extract.getName(), extract.getExpression(), scope);
            case CastExpression cast -> of(cast.getLeftExpression(), scope).derive();
            case EqualsTo equals -> equality(equals.getLeftExpression(), equals.getRightExpression(), scope);
            case NotEqualsTo notEquals -> equality(notEquals.getLeftExpression(), notEquals.getRightExpression(), scope);
            case IsDistinctExpression distinct -> equality(distinct.getLeftExpression(), distinct.getRightExpression(), scope);
            case GreaterThan c -> ordering(c.getLeftExpression(), c.getRightExpression(), scope);
            case GreaterThanEquals c -> ordering(c.getLeftExpression(), c.getRightExpression(), scope);
            case MinorThan c -> ordering(c.getLeftExpression(), c.getRightExpression(), scope);
            case MinorThanEquals c -> ordering(c.getLeftExpression(), c.getRightExpression(), scope);
            case Between between -> between(between, scope);
            case InExpression in -> in(in, scope);
            case IsNullExpression isNull -> isNull(isNull, scope);
            case AndExpression and -> logical(scope, and.getLeftExpression(), and.getRightExpression());
            case OrExpression or -> logical(scope, or.getLeftExpression(), or.getRightExpression());
            case XorExpression xor -> logical(scope, xor.getLeftExpression(), xor.getRightExpression());
            case NotExpression not -> logical(scope, not.getExpression());
            case ExistsExpression exists -> exists(exists, scope);
            case AnyComparisonExpression any -> queries.firstColumn(any.getSelect(), scope).withoutOrigin();
            case Select subquery -> scalar(subquery, scope);
            case CaseExpression caseExpression -> caseOf(caseExpression, scope);
            case ArrayConstructor array -> array.getExpressions() == null ? Lineage.CLEAN
                    : list(array.getExpressions(), scope).derive();
            case AllTableColumns table -> wholeRowOf(table.getTable().getName(), scope);
            case AllColumns ignored -> allRows(scope);
            case ExpressionList<?> list -> list.size() == 1 ? of(list.get(0), scope) : list(list, scope).derive();
            // LIKE's ESCAPE is a third operand the binary case would not read.
            case LikeExpression like -> of(like.getLeftExpression(), scope).combine(of(like.getRightExpression(), scope))
                    .combine(of(like.getEscape(), scope));
            case BinaryExpression binary -> of(binary.getLeftExpression(), scope)
                    .combine(of(binary.getRightExpression(), scope));
            default -> GenericExpression.lineage(expression, scope, this, analysis);
        };
    }

    Analysis analysis() {
        return analysis;
    }

    QueryLineage queries() {
        return queries;
    }

    Lineage list(List<? extends Expression> expressions, Scope scope) {
        Lineage all = Lineage.CLEAN;
        for (Expression expression : expressions) {
            all = all.combine(of(expression, scope));
        }
        return all;
    }

    /** {@code GROUP BY}, {@code PARTITION BY}, {@code DISTINCT ON}. */
    void groupedBy(List<? extends Expression> expressions, Scope scope) {
        if (expressions != null) {
            for (Expression expression : expressions) {
                analysis.use(of(expression, scope), ColumnUse.GROUP, "in GROUP BY, DISTINCT or PARTITION BY");
            }
        }
    }

    /** {@code ORDER BY} inside a window or an aggregate. */
    void orderedBy(List<OrderByElement> elements, Scope scope) {
        if (elements != null) {
            for (OrderByElement element : elements) {
                analysis.use(of(element.getExpression(), scope), ColumnUse.SORT, "in ORDER BY");
            }
        }
    }

    private Lineage column(Column column, Scope scope) {
        String name = Identifiers.normalise(column.getColumnName());
        analysis.followed(name);
        if (column.getTable() != null && column.getTable().getName() != null) {
            String qualifier = Identifiers.normalise(column.getTable().getName());
            String schema = Identifiers.normalise(column.getTable().getSchemaName());
            analysis.followed(qualifier);
            analysis.followed(schema);
            if (column.getTable().getDatabaseName() != null) {
                throw new LineageRefusal("the column reference " + column + " has more parts than the gateway can follow");
            }
            return qualified(schema, qualifier, name, scope, column);
        }
        for (Scope level = scope; level != null; level = level.parent()) {
            Lineage found = null;
            for (ScopeRelation relation : level.relations()) {
                Lineage lineage = relation.column(name);
                if (lineage != null) {
                    found = found == null ? lineage : found.or(lineage);
                }
            }
            ScopeRelation catalogRow = level.relationNamed(null, name);
            if (found == null && catalogRow != null && !catalogRow.codeColumns().isEmpty()) {
                // A catalog's columns are not all known: its name could be a column or its row; read as its row.
                return catalogRow.wholeRow();
            }
            if (found == null) {
                for (ScopeRelation relation : level.relations()) {
                    if (relation.wildcard() != null) {
                        found = found == null ? relation.wildcard() : found.or(relation.wildcard());
                    }
                }
            }
            if (found != null) {
                return found;
            }
            ScopeRelation wholeRow = level.relationNamed(null, name);
            if (wholeRow != null) {
                return wholeRow.wholeRow();
            }
        }
        if (SQL_VALUE_WORDS.contains(name)) {
            return Lineage.CLEAN;
        }
        throw new LineageRefusal("the column \"" + name + "\" cannot be traced to a table the gateway knows");
    }

    private Lineage qualified(String schema, String qualifier, String name, Scope scope, Column column) {
        for (Scope level = scope; level != null; level = level.parent()) {
            ScopeRelation relation = level.relationNamed(schema, qualifier);
            if (relation != null) {
                Lineage lineage = relation.column(name);
                if (lineage != null) {
                    return lineage;
                }
                if (relation.wildcard() != null) {
                    return relation.wildcard();
                }
                throw new LineageRefusal("the column " + column + " cannot be traced to a column the gateway knows");
            }
        }
        throw new LineageRefusal("the column " + column + " cannot be traced to a table the gateway knows");
    }

    private Lineage wholeRowOf(String rawName, Scope scope) {
        String name = Identifiers.normalise(rawName);
        analysis.followed(name);
        for (Scope level = scope; level != null; level = level.parent()) {
            ScopeRelation relation = level.relationNamed(null, name);
            if (relation != null) {
                return relation.wholeRow();
            }
        }
        throw new LineageRefusal("the row reference " + name + ".* cannot be traced to a table the gateway knows");
    }

    private Lineage allRows(Scope scope) {
        Lineage all = Lineage.CLEAN;
        for (ScopeRelation relation : scope.relations()) {
            all = all.combine(relation.wholeRow());
        }
        return all;
    }

    private Lineage equality(Expression left, Expression right, Scope scope) {
        Lineage l = of(left, scope);
        Lineage r = of(right, scope);
        compareForEquality(l, r);
        compareForEquality(r, l);
        return Lineage.CLEAN;
    }

    /** Equal to another protected column (a join on pseudonymised keys), or to anything else (a lookup). */
    void compareForEquality(Lineage value, Lineage other) {
        boolean join = other.plain() && !other.isClean();
        analysis.use(value, join ? ColumnUse.JOIN : ColumnUse.LOOKUP, join ? "in an equality with another protected"
                + " column" : "in an equality with a value or unprotected column");
    }

    private Lineage ordering(Expression left, Expression right, Scope scope) {
        analysis.use(of(left, scope), ColumnUse.SORT, "in a <, > comparison");
        analysis.use(of(right, scope), ColumnUse.SORT, "in a <, > comparison");
        return Lineage.CLEAN;
    }

    private Lineage between(Between between, Scope scope) {
        analysis.use(of(between.getLeftExpression(), scope), ColumnUse.SORT, "in BETWEEN");
        analysis.use(of(between.getBetweenExpressionStart(), scope), ColumnUse.SORT, "in BETWEEN");
        analysis.use(of(between.getBetweenExpressionEnd(), scope), ColumnUse.SORT, "in BETWEEN");
        return Lineage.CLEAN;
    }

    private Lineage in(InExpression in, Scope scope) {
        Lineage left = of(in.getLeftExpression(), scope);
        Expression right = in.getRightExpression();
        if (right instanceof ExpressionList<?> list && !(right instanceof Select)) {
            for (Expression element : list) {
                Lineage value = of(element, scope);
                compareForEquality(left, value);
                compareForEquality(value, left);
            }
            if (list.isEmpty()) {
                compareForEquality(left, Lineage.CLEAN);
            }
        } else {
            Lineage value = right instanceof Select select ? queries.firstColumn(select, scope) : of(right, scope);
            compareForEquality(left, value);
            compareForEquality(value, left);
        }
        return Lineage.CLEAN;
    }

    /**
     * NULLs stay NULLs under every masking strategy, so testing a stored column for them reveals
     * nothing more. A computed value is computed first, with its errors and side effects
     * ({@code pg_notify('ch', name) IS NULL}, {@code name::int IS NULL}): that needs {@code any}.
     */
    private Lineage isNull(IsNullExpression isNull, Scope scope) {
        countedOnly(of(isNull.getLeftExpression(), scope), "in IS NULL");
        return Lineage.CLEAN;
    }

    /**
     * A value only tested for NULL or counted ({@code IS NULL}, {@code count(x)}): a stored column
     * reveals nothing more, a computed one needs {@code any}, since it is computed.
     */
    void countedOnly(Lineage value, String where) {
        if (!value.plain()) {
            analysis.use(value, ColumnUse.ANY, where);
        }
    }

    private Lineage logical(Scope scope, Expression... operands) {
        for (Expression operand : operands) {
            condition(operand, scope, "as a condition");
        }
        return Lineage.CLEAN;
    }

    private Lineage exists(ExistsExpression exists, Scope scope) {
        Expression inner = exists.getRightExpression();
        if (inner instanceof Select select) {
            queries.evaluated(queries.columns(select, scope));
        } else {
            of(inner, scope);
        }
        return Lineage.CLEAN;
    }

    /** A scalar subquery returns its column's value, but PostgreSQL no longer says where it came from. */
    private Lineage scalar(Select subquery, Scope scope) {
        return queries.firstColumn(subquery, scope).withoutOrigin();
    }

    private Lineage caseOf(CaseExpression expression, Scope scope) {
        Lineage operand = expression.getSwitchExpression() == null ? null : of(expression.getSwitchExpression(), scope);
        Lineage result = Lineage.CLEAN;
        for (WhenClause when : expression.getWhenClauses()) {
            if (operand != null) {
                Lineage value = of(when.getWhenExpression(), scope);
                compareForEquality(operand, value);
                compareForEquality(value, operand);
            } else {
                condition(when.getWhenExpression(), scope, "in a CASE condition");
            }
            result = result.combine(of(when.getThenExpression(), scope));
        }
        return result.combine(of(expression.getElseExpression(), scope)).derive();
    }

    private Lineage analytic(AnalyticExpression analytic, Scope scope) {
        String name = Identifiers.normalise(analytic.getName());
        analysis.followed(name);
        FunctionLineage.checkCallable(null, name, analysis);
        Lineage arguments = of(analytic.getExpression(), scope)
                .combine(of(analytic.getOffset(), scope)).combine(of(analytic.getDefaultValue(), scope));
        if (analytic.getPartitionExpressionList() != null) {
            groupedBy(analytic.getPartitionExpressionList(), scope);
        }
        orderedBy(analytic.getOrderByElements(), scope);
        orderedBy(analytic.getFuncOrderBy(), scope);
        if (analytic.getWindowDefinition() != null) {
            WindowLineage.check(analytic.getWindowDefinition(), scope, this);
        }
        condition(analytic.getFilterExpression(), scope, "in a FILTER clause");
        if (name.equals("count")) {
            if (analytic.isDistinct()) {
                analysis.use(arguments, ColumnUse.GROUP, "in count(DISTINCT ...)");
            }
            if (!analytic.isAllColumns() && !(analytic.getExpression() instanceof AllColumns)) {
                countedOnly(arguments, "inside count(...)");
            }
            return Lineage.CLEAN;
        }
        // A ranking number says nothing about the values, but ntile's bucket count is an argument, read
        // from the partition's first row: ntile(f(col)) hands out f(col) as its largest bucket.
        return RANKING.contains(name) && arguments.isClean() ? Lineage.CLEAN : arguments.derive();
    }

    /**
     * {@code date_trunc('year', col)}, {@code extract(year FROM col)}, {@code date_part('year', col)}:
     * the coarsened value is handed out in clear when the profile grants that coarseness.
     */
    Lineage generalised(String unit, Expression value, Scope scope) {
        Lineage lineage = of(value, scope);
        if (lineage.isClean()) {
            return lineage;
        }
        ColumnUse required = switch (unit == null ? "" : unit.toLowerCase(Locale.ROOT)) {
            case "year", "isoyear", "decade", "century", "millennium" -> ColumnUse.YEAR;
            case "quarter", "month" -> ColumnUse.MONTH;
            default -> null;
        };
        if (required != null && lineage.plain()
                && lineage.sources().stream().allMatch(source -> source.allows(required))) {
            return Lineage.CLEAN;
        }
        return lineage.derive();
    }

    static boolean isSqlConstruct(String name) {
        return SQL_CONSTRUCTS.contains(name);
    }
}
