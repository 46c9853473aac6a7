package dev.tracegate.policy.lineage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One item of a FROM clause as the statement sees it: the name it is referred to by and the
 * lineage of each of its columns.
 *
 * @param name     the alias, or the relation's own name
 * @param schema   the schema a table was named with, for {@code schema.table.column}; may be null
 * @param columns  its columns, in order
 * @param wildcard lineage of columns whose names are not known (a function's result); null when all are
 * @param codeColumns columns of a catalog that show the database's code ({@link CodeTextNames#CODE_COLUMNS}),
 *                    refused by name and as part of the row; empty when the code quotes no protected value
 */
record ScopeRelation(String name, String schema, List<OutputColumn> columns, Lineage wildcard, Set<String> codeColumns) {

    ScopeRelation {
        columns = List.copyOf(columns);
        codeColumns = Set.copyOf(codeColumns);
    }

    ScopeRelation(String name, String schema, List<OutputColumn> columns, Lineage wildcard) {
        this(name, schema, columns, wildcard, Set.of());
    }

    /** The relation's column by name; several with one name (joined subqueries) are read as either. */
    Lineage column(String columnName) {
        refuseCode(columnName);
        Lineage found = null;
        for (OutputColumn column : columns) {
            if (column.name() != null && column.name().equals(columnName)) {
                found = found == null ? column.lineage() : found.or(column.lineage());
            }
        }
        return found;
    }

    /** The row as one value ({@code SELECT c FROM customers c}, {@code row_to_json(c)}): computed from every column. */
    Lineage wholeRow() {
        refuseCode(null);
        Lineage row = wildcard == null ? Lineage.CLEAN : wildcard;
        for (OutputColumn column : columns) {
            row = row.combine(column.lineage());
        }
        return row.derive();
    }

    /** What {@code *} gives: the known columns, and one for those not known when they carry protected data. */
    List<OutputColumn> allColumns() {
        refuseCode(null);
        List<OutputColumn> all = new ArrayList<>(columns);
        if (wildcard != null && !wildcard.isClean()) {
            all.add(new OutputColumn(null, wildcard));
        }
        return all;
    }

    /**
     * Refuses a code column, or the row as one value ({@code columnName} null) when it has one; in
     * any case, as MySQL names {@code information_schema}'s columns ({@code `TABLE_COMMENT`}).
     */
    private void refuseCode(String columnName) {
        if (columnName == null ? !codeColumns.isEmpty() : codeColumns.stream().anyMatch(columnName::equalsIgnoreCase)) {
            throw new LineageRefusal(CodeTextNames.REFUSAL.formatted(columnName == null
                    ? "the whole row of the catalog " + name : "the catalog column " + columnName));
        }
    }

    /** Renamed by an alias with a column list: {@code customers AS c(i, n, e)}. */
    ScopeRelation aliased(String alias, List<String> columnAliases) {
        List<OutputColumn> renamed = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            String columnName = i < columnAliases.size() ? columnAliases.get(i) : columns.get(i).name();
            renamed.add(new OutputColumn(columnName, columns.get(i).lineage()));
        }
        for (int i = columns.size(); i < columnAliases.size(); i++) {
            renamed.add(new OutputColumn(columnAliases.get(i), wildcard == null ? Lineage.CLEAN : wildcard));
        }
        return new ScopeRelation(alias == null ? name : alias, alias == null ? schema : null, renamed, wildcard,
                codeColumns);
    }
}
