package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnUse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state of one statement's analysis: the schema it is read against, what each use of a
 * protected column must satisfy, and the identifiers the analysis has followed (so that the
 * caller can check nothing the parser skipped names protected data).
 */
final class Analysis {

    private final ProtectedSchema schema;
    private final boolean ownerView;
    private final Map<String, Integer> followed = new HashMap<>();
    private final Set<String> protectedNames = new HashSet<>();

    /**
     * @param ownerView reading a view's definition: its filters and joins are its owner's choice, not
     *                  the caller's, so only what its columns carry matters
     */
    Analysis(ProtectedSchema schema, boolean ownerView) {
        this.schema = schema;
        this.ownerView = ownerView;
    }

    ProtectedSchema schema() {
        return schema;
    }

    /** Notes an identifier the analysis read from the parse tree. */
    void followed(String identifier) {
        if (identifier != null) {
            followed.merge(identifier, 1, Integer::sum);
        }
    }

    int timesFollowed(String identifier) {
        return followed.getOrDefault(identifier, 0);
    }

    /** A relation the statement reads: its name and its protected columns' names must all be accounted for. */
    void reads(ScopeRelation relation) {
        boolean holdsProtected = false;
        for (OutputColumn column : relation.columns()) {
            if (!column.lineage().isClean() && column.name() != null) {
                protectedNames.add(column.name());
                holdsProtected = true;
            }
        }
        if (holdsProtected || (relation.wildcard() != null && !relation.wildcard().isClean())) {
            protectedNames.add(relation.name());
        }
    }

    /** Names of relations holding protected data and of their protected columns, as read. */
    Set<String> protectedNames() {
        return protectedNames;
    }

    /**
     * A value used without being returned: compared, grouped on, sorted by. A stored protected
     * column needs the use granted; a value computed from one reveals what the computation picks
     * out, so it needs {@code any}.
     */
    void use(Lineage lineage, ColumnUse use, String where) {
        if (ownerView || lineage.isClean()) {
            return;
        }
        for (ProtectedSource source : lineage.sources()) {
            ColumnUse effective = lineage.plain() ? use : ColumnUse.ANY;
            if (!source.allows(effective)) {
                throw new LineageRefusal(refusedUse(source, effective, lineage.plain(), where));
            }
        }
    }

    /** A value returned to the caller: only a protected column as stored, which the result masker masks. */
    void output(Lineage lineage, String column) {
        if (ownerView || lineage.isClean()) {
            return;
        }
        String name = column == null ? "a result column" : "result column \"" + column + "\"";
        if (!lineage.plain()) {
            throw new LineageRefusal(name + " is computed from protected " + plural(lineage) + " "
                    + lineage.describeSources() + "; masked callers receive protected columns only as they are"
                    + " stored, and the gateway masks them on the way out. Select the column itself, or ask a"
                    + " member of a group that sees personal data");
        }
        if (!lineage.originKept() || lineage.sources().size() != 1) {
            throw new LineageRefusal(name + " returns protected " + plural(lineage) + " " + lineage.describeSources()
                    + " through UNION, a VALUES list, a scalar subquery, a FULL JOIN or a USING column merged with"
                    + " another type or an unprotected column, after which PostgreSQL no longer says which column a"
                    + " value came from, so it could not be masked. Select it from its table, qualified (a subquery in"
                    + " FROM, a CTE or a view keeps it)");
        }
    }

    /** A value written somewhere the result masker never sees: a table, a temporary table, a setting. */
    void copy(Lineage lineage, String into) {
        if (ownerView || lineage.isClean()) {
            return;
        }
        throw new LineageRefusal("this statement copies protected " + plural(lineage) + " "
                + lineage.describeSources() + " into " + into + ", where it would no longer be masked");
    }

    /** A whole list of values returned: each checked as {@link #output}. */
    void outputs(List<OutputColumn> columns) {
        for (OutputColumn column : columns) {
            output(column.lineage(), column.name());
        }
    }

    void copies(List<OutputColumn> columns, String into) {
        for (OutputColumn column : columns) {
            copy(column.lineage(), into);
        }
    }

    private static String refusedUse(ProtectedSource source, ColumnUse use, boolean stored, String where) {
        String granted = source.protection().uses().isEmpty() ? "none"
                : source.protection().uses().stream().map(u -> u.name().toLowerCase(java.util.Locale.ROOT)).sorted()
                .collect(Collectors.joining(", "));
        String what = stored ? "protected column " + source : "a value computed from protected column " + source;
        return what + " is used " + where + ", which reveals " + reveals(use) + "; the masking profile does not grant '"
                + use.name().toLowerCase(java.util.Locale.ROOT) + "' on it (granted: " + granted + ")";
    }

    private static String reveals(ColumnUse use) {
        return switch (use) {
            case LOOKUP -> "whether a value you name is there";
            case JOIN -> "which rows share a value";
            case GROUP -> "which rows share a value";
            case SORT -> "the order of its values, and by bisection the values";
            case ANY -> "whatever the expression picks out of the clear value";
            case YEAR -> "the year";
            case MONTH -> "the year and month";
        };
    }

    private static String plural(Lineage lineage) {
        return lineage.sources().size() == 1 ? "column" : "columns";
    }
}
