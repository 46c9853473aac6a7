package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlToken;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Built-in functions and relations that show the text of the database's own code: a view's query,
 * a column's default, a check constraint, an index's expressions and predicate, a trigger's
 * {@code WHEN}, a row-level policy, a rule. A DBA writes values into such code ({@code CREATE VIEW
 * vip AS ... WHERE name = 'Ada Lovelace'}, {@code DEFAULT 'Alan Turing'}, {@code CHECK (name <>
 * 'Grace Hopper')}, a function's {@code WHERE name = '...'}), and its text comes back as a computed value no column rule covers, which
 * content detectors do not recognise as a name. The node trees ({@code pg_attrdef.adbin}, {@code
 * pg_constraint.conbin}, {@code pg_index.indpred}, ...) carry the same values as bytes.
 */
final class CodeTextNames {

    private CodeTextNames() {
    }

    static final Set<String> FUNCTIONS = Set.of(
            "pg_get_viewdef", "pg_get_ruledef", "pg_get_constraintdef", "pg_get_expr", "pg_get_indexdef",
            "pg_get_triggerdef", "pg_get_statisticsobjdef", "pg_get_statisticsobjdef_expressions",
            "pg_get_partition_constraintdef", "pg_get_partkeydef", "pg_get_functiondef", "pg_get_function_arguments",
            "pg_get_function_arg_default", "pg_get_function_sqlbody", "pg_get_statisticsobjdef_columns",
            "pg_get_publication_tables");

    /**
     * In {@code pg_catalog}, always on the search path, so named without their schema too. Not
     * {@code pg_proc}, {@code pg_class}, {@code pg_type} and {@code pg_attribute} as a whole: every driver reads them
     * (pgjdbc's large objects and types, psql's lists); only their {@link #CODE_COLUMNS}.
     */
    static final Set<String> CATALOG_RELATIONS = Set.of(
            "pg_views", "pg_matviews", "pg_rules", "pg_indexes", "pg_policies", "pg_attrdef", "pg_constraint",
            "pg_index", "pg_trigger", "pg_rewrite", "pg_policy", "pg_statistic_ext", "pg_partitioned_table",
            "pg_publication_rel", "pg_publication_tables");

    /**
     * The columns of catalogs every client reads that hold code: a function's source, SQL-standard
     * body and arguments' defaults, a partition's bound, a domain's default, the value a column
     * added with a default holds for the rows stored before it. A masked caller reads
     * the rest of these catalogs; these columns, and the row as one value, are refused with the
     * code text.
     */
    static final Map<String, Set<String>> CODE_COLUMNS = Map.of(
            "pg_proc", Set.of("prosrc", "probin", "prosqlbody", "proargdefaults"),
            "pg_class", Set.of("relpartbound"),
            "pg_type", Set.of("typdefault", "typdefaultbin"),
            "pg_attribute", Set.of("attmissingval"));

    /** In {@code information_schema}, which is named with its schema ({@code events}: MySQL's event bodies). */
    static final Set<String> INFORMATION_SCHEMA_RELATIONS = Set.of(
            "views", "check_constraints", "columns", "triggers", "attributes", "routines", "parameters", "domains",
            "events");

    /** Why a masked caller may not read code text; formatted with what the statement named. */
    static final String REFUSAL = "%s shows the text of the database's code, and code on a relation that holds"
            + " protected data holds values a DBA wrote into it (a view's WHERE name = '...', a default, a check),"
            + " which the gateway cannot mask; ask a member of a group that sees personal data";

    static boolean isFunction(String name) {
        return FUNCTIONS.contains(name);
    }

    /** Whether {@code schema.name} (schema null when unqualified) shows code text. */
    static boolean isRelation(String schema, String name) {
        if (schema == null || schema.equals("pg_catalog")) {
            return CATALOG_RELATIONS.contains(name);
        }
        return schema.equals("information_schema") && INFORMATION_SCHEMA_RELATIONS.contains(name);
    }

    /** The code columns of {@code schema.name} (schema null when unqualified); empty for other relations. */
    static Set<String> codeColumns(String schema, String name) {
        return schema == null || schema.equals("pg_catalog") ? CODE_COLUMNS.getOrDefault(name, Set.of()) : Set.of();
    }

    /** Whether a word of a statement may name code text: an unqualified word is tested in every set. */
    static boolean mayName(String word) {
        return FUNCTIONS.contains(word) || CATALOG_RELATIONS.contains(word)
                || INFORMATION_SCHEMA_RELATIONS.contains(word)
                || CODE_COLUMNS.values().stream().anyMatch(columns -> columns.contains(word));
    }

    /**
     * Whether a statement may read the row of a catalog with code columns as one value: it names
     * such a catalog and uses {@code *}, or the catalog's name or alias other than where it is
     * declared or as a column's qualifier ({@code SELECT p FROM pg_proc p}, {@code row_to_json(c)},
     * {@code (t).typdefault}). Drivers' own queries ({@code pg_type.oid}, {@code t.typname}) need
     * no analysis, which could not follow every catalog query they send.
     */
    static boolean mayReadACodeRow(List<SqlToken> tokens) {
        Set<String> rowNames = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isIdentifier() && hasCodeColumns(tokens.get(i).text())) {
                rowNames.add(tokens.get(i).text());
                int alias = i + 1 < tokens.size() && tokens.get(i + 1).isWord("as") ? i + 2 : i + 1;
                if (alias < tokens.size() && tokens.get(alias).isIdentifier() && !NOT_ALIASES.contains(tokens.get(alias).word())) {
                    rowNames.add(tokens.get(alias).text());
                }
            }
        }
        if (rowNames.isEmpty()) {
            return false;
        }
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isSymbol("*")) {
                return true;
            }
            if (token.isIdentifier() && rowNames.contains(token.text()) && !qualifies(tokens, i) && !declares(tokens, i)) {
                return true;
            }
        }
        return false;
    }

    /** A catalog with code columns, or with columns of {@link WrittenValueNames#COLUMNS}. */
    private static boolean hasCodeColumns(String name) {
        return CODE_COLUMNS.containsKey(name) || WrittenValueNames.COLUMNS.containsKey(name);
    }

    /** Reserved words that follow a relation in FROM and are never its alias. */
    private static final Set<String> NOT_ALIASES = Set.of("where", "join", "left", "right", "inner", "full", "cross",
            "natural", "on", "using", "group", "order", "limit", "offset", "fetch", "for", "union", "except", "intersect",
            "window", "having", "returning", "lateral", "and", "or", "not", "then", "else", "end", "when", "tablesample");

    private static boolean qualifies(List<SqlToken> tokens, int at) {
        return at + 1 < tokens.size() && tokens.get(at + 1).isSymbol(".");
    }

    /** The relation's own place in FROM ({@code FROM pg_catalog.pg_proc}), or its alias's declaration. */
    private static boolean declares(List<SqlToken> tokens, int at) {
        if (at == 0) {
            return false;
        }
        SqlToken before = tokens.get(at - 1);
        boolean named = before.isWord("from") || before.isWord("join") || before.isWord("only") || before.isSymbol(",")
                || before.isSymbol(".");
        boolean aliased = hasCodeColumns(before.text()) || before.isWord("as") && at >= 2
                && hasCodeColumns(tokens.get(at - 2).text());
        return named && hasCodeColumns(tokens.get(at).text()) || aliased;
    }
}
