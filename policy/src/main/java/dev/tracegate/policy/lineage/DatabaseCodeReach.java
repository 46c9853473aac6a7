package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlToken;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a masked caller's statement that would make the database run code which reads protected
 * data while the statement names none of it ({@link DatabaseCode}): a write to a relation whose
 * trigger, rule, default, check or index expression reads a protected table (or writes a relation
 * whose code does), any use of a relation whose row-level policy does, a value of a type whose cast,
 * domain check or default operator class does, a schema change under such an event trigger. What
 * that code reads is handed to the caller as a value with no lineage, or stored where the caller
 * reads it unmasked. The gateway cannot follow it, so it fails closed; code that reads nothing
 * protected (an {@code updated_at} trigger, a sequence default) stays out of the way.
 */
final class DatabaseCodeReach {

    /** Statements that run no code of a relation or a type: transaction control and session settings. */
    private static final Set<String> RUNS_NOTHING = Set.of("begin", "start", "commit", "end", "rollback", "abort",
            "savepoint", "release", "set", "reset", "show", "discard", "deallocate", "close", "listen", "unlisten");
    /** Words of statements that write or maintain a relation, which runs its triggers, rules, defaults, checks, index expressions. */
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "merge", "copy", "truncate", "alter",
            "cluster", "reindex", "vacuum", "analyze", "analyse", "refresh");
    /**
     * Maintenance that, naming no relation, reaches every table the role owns (index expressions
     * run on their rows, and ANALYZE's extended statistics' expressions).
     */
    private static final Set<String> MAINTENANCE = Set.of("vacuum", "analyze", "analyse", "reindex", "cluster");
    /** Statements that fire event triggers. */
    private static final Set<String> SCHEMA_CHANGES = Set.of("create", "alter", "drop", "comment", "grant", "revoke",
            "security", "import", "refresh", "reindex");
    private static final String ASK = "; ask someone who sees personal data, or have the database's owner change it";

    private DatabaseCodeReach() {
    }

    static void refuse(List<SqlToken> tokens, ProtectedSchema schema) {
        DatabaseCode code = schema.catalog().code();
        if (code.isEmpty() || tokens.isEmpty()) {
            return;
        }
        String first = tokens.getFirst().word();
        if (RUNS_NOTHING.contains(first)) {
            return;
        }
        if (schema.readsProtectedData(code.everywhere())) {
            throw new LineageRefusal("a cast between built-in types runs a function of the database that reads"
                    + " protected data, in any statement" + ASK);
        }
        if (changesSchema(first, tokens) && schema.readsProtectedData(code.onSchemaChange())) {
            throw new LineageRefusal("an event trigger of the database that reads protected data runs on this schema"
                    + " change" + ASK);
        }
        // MySQL's REPLACE and LOAD DATA write too; elsewhere replace is a function's name.
        boolean writes = first.equals("replace") || first.equals("load")
                || tokens.stream().anyMatch(token -> WRITES.contains(token.word()));
        if (MAINTENANCE.contains(first) && code.relationsWithCodeOnWrite().stream()
                .anyMatch(relation -> schema.readsProtectedData(code.onWrite(relation)))) {
            throw new LineageRefusal(first.toUpperCase() + " runs index and statistics expressions of the database's"
                    + " tables, and one reads protected data" + ASK);
        }
        for (SqlToken token : tokens) {
            if (token.isIdentifier()) {
                named(token.text(), writes, code, schema);
            }
        }
    }

    /**
     * Whether an allowed write or maintenance runs code of the database on the stored rows of a
     * table that holds protected data (a check constraint, an index expression or predicate, a
     * statistics expression, a trigger): code that reads only its own row reads nothing the rule
     * above refuses, yet a cast in it that fails quotes the value. A DBA's {@code CHECK (name::int >
     * 0 OR tier > 5) NOT VALID}, or an index on {@code (CASE WHEN tier > 3 THEN name::int END)},
     * made a masked caller's {@code UPDATE t SET tier = 2} answer {@code invalid input syntax for type
     * integer: "Ada Lovelace"}. The statement's errors are then withheld as for a granted {@code any}.
     */
    static boolean computesOnStoredRows(List<SqlToken> tokens, ProtectedSchema schema) {
        DatabaseCode code = schema.catalog().code();
        if (code.isEmpty() || tokens.isEmpty() || RUNS_NOTHING.contains(tokens.getFirst().word())) {
            return false;
        }
        String first = tokens.getFirst().word();
        if (MAINTENANCE.contains(first)) {
            return code.relationsWithCodeOnWrite().stream().anyMatch(relation -> computesOnProtectedColumns(relation, code, schema));
        }
        boolean writes = first.equals("replace") || first.equals("load")
                || tokens.stream().anyMatch(token -> WRITES.contains(token.word()));
        return writes && tokens.stream().anyMatch(token -> token.isIdentifier()
                && computesOnProtectedColumns(token.text(), code, schema));
    }

    /**
     * Whether the code a write to the relation runs names one of its protected columns (or cannot
     * be read): a {@code serial} default or an {@code updated_at} trigger names none, and the
     * write's errors keep their text.
     */
    private static boolean computesOnProtectedColumns(String relation, DatabaseCode code, ProtectedSchema schema) {
        Set<String> words = code.onWrite(relation);
        if (words.isEmpty()) {
            return false;
        }
        if (words.contains(DatabaseCode.ANYTHING)) {
            return true;
        }
        for (CatalogRelation table : schema.catalog().relationsNamed(relation)) {
            if (table.kind() != RelationKind.SYSTEM) {
                for (OutputColumn column : schema.resolve(table).columns()) {
                    if (!column.lineage().isClean() && (words.contains(column.name())
                            || words.contains(column.name().toLowerCase(Locale.ROOT)))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * A Parse declares its parameters' types by OID, and a value bound to one takes the type: a
     * domain's check runs on it ({@code SELECT $1::text} with {@code $1} of a domain whose check
     * copies every name), though the text names no type.
     */
    static void refuseParameterTypes(List<Integer> types, ProtectedSchema schema) {
        DatabaseCode code = schema.catalog().code();
        for (int type : types) {
            if (type != 0 && schema.readsProtectedData(code.byTypeOid(type))) {
                throw new LineageRefusal("a parameter is declared of the type with OID " + Integer.toUnsignedString(type)
                        + ", whose cast, domain check or operator class runs a function of the database that reads"
                        + " protected data" + ASK);
            }
        }
    }

    private static void named(String name, boolean writes, DatabaseCode code, ProtectedSchema schema) {
        if (schema.readsProtectedData(code.byType(name))) {
            throw new LineageRefusal(typeCode(name));
        }
        if (schema.readsProtectedData(code.onUse(name))) {
            throw new LineageRefusal("a row-level policy of " + name + " runs code that reads protected data" + ASK);
        }
        if (writes && schema.readsProtectedData(code.onWrite(name))) {
            throw new LineageRefusal("writing " + name + " runs code of the database (a trigger, rule, default, check"
                    + " or index expression, its own or of a table the write reaches) that reads protected data, and"
                    + " what it reads reaches no masking" + ASK);
        }
        for (CatalogRelation relation : schema.catalog().relationsNamed(name)) {
            for (CatalogColumn column : relation.columns()) {
                if (schema.readsProtectedData(code.byType(column.typeName()))) {
                    throw new LineageRefusal("column " + relation.name() + "." + column.name() + " is of type "
                            + column.typeName() + ", whose " + "cast, domain check or operator class runs code that"
                            + " reads protected data" + ASK);
                }
            }
        }
    }

    private static String typeCode(String type) {
        return "a value of type " + type + " runs a function of the database (a cast's, a domain check's or an"
                + " operator class's) that reads protected data, and its result has no lineage the gateway can"
                + " follow" + ASK;
    }

    /** Event triggers fire on DDL, and on {@code SELECT ... INTO}, which creates a table. */
    private static boolean changesSchema(String first, List<SqlToken> tokens) {
        return SCHEMA_CHANGES.contains(first) || ((first.equals("select") || first.equals("with"))
                && tokens.stream().anyMatch(token -> token.isWord("into")));
    }
}
