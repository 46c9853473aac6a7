package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogReader;
import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.policy.lineage.CatalogColumn;
import dev.tracegate.policy.lineage.CatalogRelation;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.DatabaseCode;
import dev.tracegate.policy.lineage.MySqlCodeText;
import dev.tracegate.policy.lineage.MySqlViewDefinition;
import dev.tracegate.policy.lineage.RelationKind;
import dev.tracegate.policy.lineage.TriggerVariables;
import dev.tracegate.policy.lineage.WrittenValues;
import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A MySQL or MariaDB database's catalog as the lineage check reads it, from
 * {@code information_schema}: tables and views (with their definitions) and their columns,
 * stored routines (which masked callers may not call), the tables with triggers, schema names and keywords, and the
 * built-in function names (MariaDB lists them in {@code SQL_FUNCTIONS}; for MySQL, which does
 * not, a fixed list of common ones: any other function is unknown, and refused for masked
 * callers). Names in the session's database are the visible ones. The queries are the gateway's
 * own text.
 */
final class MysqlCatalogReader implements CatalogReader {

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "mysql", "performance_schema", "sys");
    private static final String IN_SYSTEM_SCHEMAS = " TABLE_SCHEMA IN ('information_schema', 'mysql', 'performance_schema', 'sys')";
    private static final String USER_SCHEMAS = " NOT" + IN_SYSTEM_SCHEMAS;
    /**
     * The relations of the system schemas by name only, and the others with their type and engine
     * (views' definitions, below, of the others only: the system schemas' are not traced). Asked of
     * every schema, the type, engine or definition of information_schema's own tables make MariaDB
     * build a temporary table for each of them (80 on 10.11), and a failure to build one took the
     * whole server down (signal 11 in {@code Create_tmp_table::cleanup_on_failure}, MariaDB 10.11.18,
     * seen under load in this project's tests); by name the server builds none.
     */
    private static final String RELATIONS = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_SCHEMA = DATABASE(),"
            + " UPPER(ENGINE) FROM information_schema.TABLES WHERE" + USER_SCHEMAS
            + " UNION ALL SELECT TABLE_SCHEMA, TABLE_NAME, 'SYSTEM VIEW', TABLE_SCHEMA = DATABASE(), NULL"
            + " FROM information_schema.TABLES WHERE" + IN_SYSTEM_SCHEMAS;
    /**
     * Engines whose tables are another name for a table of some server, this one included
     * (FEDERATED's {@code CONNECTION='mysql://.../shop/customers'}), or read files (CONNECT):
     * information_schema does not say which, so such a table is read as a view whose query is not
     * known, computed from every protected column (docs/mysql.md).
     */
    private static final Set<String> REMOTE_ENGINES = Set.of("FEDERATED", "CONNECT", "SPIDER");
    private static final String VIEWS = "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE"
            + USER_SCHEMAS;
    private static final String COLUMNS = "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE,"
            + " COLUMN_KEY IN ('PRI', 'UNI'),"
            // A generated column's expression (MySQL: empty for other columns; MariaDB: NULL), or a
            // default that may read other columns: MySQL 8 marks an expression default DEFAULT_GENERATED
            // and prints a string default unquoted; MariaDB quotes a string default, and its expressions
            // may name a column written before.
            + " COALESCE(NULLIF(GENERATION_EXPRESSION, ''), CASE WHEN EXTRA LIKE '%DEFAULT_GENERATED%'"
            + " OR VERSION() LIKE '%MariaDB%' THEN COLUMN_DEFAULT END) FROM information_schema.COLUMNS"
            + " WHERE" + USER_SCHEMAS + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";
    /**
     * Tables with triggers, and each trigger's body: a write to one may get an error or warning
     * whose text a trigger's {@code SIGNAL} made from any row, and may leave a row's value in a user
     * variable the body sets ({@link TriggerVariables}). The server lists only the triggers of
     * tables on which the gateway's account holds the TRIGGER privilege (docs/mysql.md).
     */
    private static final String TRIGGERS = "SELECT LOWER(EVENT_OBJECT_TABLE), ACTION_STATEMENT FROM information_schema.TRIGGERS";
    private static final String ROUTINES = "SELECT DISTINCT LOWER(ROUTINE_NAME) FROM information_schema.ROUTINES";
    /** Each trigger's table as the server spells it, and its body: a write to the table runs it ({@link DatabaseCode}). */
    private static final String TRIGGER_TABLES = "SELECT EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS";
    /** The routines' bodies (NULL to an account that is not their definer and lacks the privilege to see them). */
    private static final String ROUTINE_BODIES = "SELECT LOWER(ROUTINE_NAME), ROUTINE_DEFINITION FROM information_schema.ROUTINES";
    /**
     * Code that may hold a value a DBA wrote: a string in single or double quotes (MySQL's strings
     * without ANSI_QUOTES), a comment, a number of four digits or more, a character's code ({@code CHAR(65, 100)}).
     */
    private static final String MAY_HOLD_A_VALUE = "'[''\"#]|--|/[*]|[0-9]{4}|char[(]'";
    /**
     * The texts of the database's code that may hold a value a DBA wrote, with the table each
     * belongs to: views' queries, column defaults (with the column's name) and generation
     * expressions, checks, partitions' values, triggers', routines' and events' bodies, as {@code SHOW CREATE} and {@code DESCRIBE} show
     * them (docs/masking.md, the text of the database's code).
     */
    private static final String LITERAL_CODE = "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS"
            + " WHERE VIEW_DEFINITION REGEXP " + MAY_HOLD_A_VALUE
            // MySQL shows a string default unquoted, MariaDB quoted: quoted again, it reads as a literal either way;
            // a number too (a protected column's DEFAULT 314159 is a value).
            + " UNION ALL SELECT TABLE_NAME, CONCAT(COLUMN_NAME, ' DEFAULT ', QUOTE(COLUMN_DEFAULT))"
            + " FROM information_schema.COLUMNS WHERE COLUMN_DEFAULT IS NOT NULL AND COLUMN_DEFAULT <> 'NULL'"
            + " AND TABLE_SCHEMA NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')"
            + " UNION ALL SELECT TABLE_NAME, GENERATION_EXPRESSION FROM information_schema.COLUMNS"
            + " WHERE GENERATION_EXPRESSION REGEXP " + MAY_HOLD_A_VALUE
            + " UNION ALL SELECT EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS"
            + " WHERE ACTION_STATEMENT REGEXP " + MAY_HOLD_A_VALUE
            // Every routine's body the account can read: code that calls one uses the names it uses.
            + " UNION ALL SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES"
            + " WHERE ROUTINE_DEFINITION IS NOT NULL"
            // A partition's values with the expression they are compared with: `name` IN ('Ada Lovelace').
            + " UNION ALL SELECT TABLE_NAME, CONCAT(PARTITION_EXPRESSION, ' IN (', PARTITION_DESCRIPTION, ')')"
            + " FROM information_schema.PARTITIONS WHERE PARTITION_DESCRIPTION IS NOT NULL"
            + " AND PARTITION_DESCRIPTION REGEXP " + MAY_HOLD_A_VALUE
            + " UNION ALL SELECT EVENT_NAME, EVENT_DEFINITION FROM information_schema.EVENTS"
            + " WHERE EVENT_DEFINITION REGEXP " + MAY_HOLD_A_VALUE;
    /** Checks, where the server has them (MariaDB 10.2, MySQL 8.0.16): older servers ignore {@code CHECK}. */
    private static final String LITERAL_CHECKS = "SELECT t.TABLE_NAME, c.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS c"
            + " JOIN information_schema.TABLE_CONSTRAINTS t ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA"
            + " AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK' WHERE c.CHECK_CLAUSE REGEXP "
            + MAY_HOLD_A_VALUE;
    /**
     * Every comment a DBA wrote, quoted, by what owns it ({@link WrittenValues#comments}): a table's,
     * a column's, an index's and a partition's by the table, a routine's as a call of it (unowned
     * when the gateway's account cannot read its body: nothing then ties it to data), an event's
     * unowned. A view's {@code TABLE_COMMENT} is MySQL's word {@code VIEW}, no comment.
     */
    private static final String COMMENTS = "SELECT TABLE_NAME, QUOTE(TABLE_COMMENT) FROM information_schema.TABLES"
            + " WHERE TABLE_COMMENT <> '' AND TABLE_TYPE NOT LIKE '%VIEW%' AND" + USER_SCHEMAS
            + " UNION ALL SELECT TABLE_NAME, QUOTE(COLUMN_COMMENT) FROM information_schema.COLUMNS"
            + " WHERE COLUMN_COMMENT <> '' AND" + USER_SCHEMAS
            + " UNION ALL SELECT TABLE_NAME, QUOTE(INDEX_COMMENT) FROM information_schema.STATISTICS"
            + " WHERE INDEX_COMMENT <> '' AND" + USER_SCHEMAS
            + " UNION ALL SELECT TABLE_NAME, QUOTE(PARTITION_COMMENT) FROM information_schema.PARTITIONS"
            + " WHERE PARTITION_COMMENT <> '' AND" + USER_SCHEMAS
            + " UNION ALL SELECT IF(ROUTINE_DEFINITION IS NULL, '', ROUTINE_NAME), CONCAT('`', REPLACE(ROUTINE_NAME, '`', '``'), '`(', QUOTE(ROUTINE_COMMENT), ')')"
            + " FROM information_schema.ROUTINES WHERE ROUTINE_COMMENT <> ''"
            + " UNION ALL SELECT '', QUOTE(EVENT_COMMENT) FROM information_schema.EVENTS WHERE EVENT_COMMENT <> ''";
    private static final String SCHEMAS = "SELECT LOWER(SCHEMA_NAME) FROM information_schema.SCHEMATA";
    private static final String KEYWORDS = "SELECT LOWER(WORD) FROM information_schema.KEYWORDS";
    private static final String FUNCTIONS = "SELECT LOWER(FUNCTION) FROM information_schema.SQL_FUNCTIONS";
    /** Common built-ins, for servers without {@code SQL_FUNCTIONS} (MySQL). */
    private static final Set<String> COMMON_FUNCTIONS = Set.of("count", "sum", "avg", "min", "max", "lower", "upper",
            "lcase", "ucase", "concat", "concat_ws", "substring", "substr", "left", "right", "length", "char_length",
            "trim", "ltrim", "rtrim", "replace", "reverse", "coalesce", "ifnull", "nullif", "if", "round", "floor", "ceil",
            "ceiling", "abs", "mod", "greatest", "least", "now", "curdate", "current_date", "current_timestamp", "date",
            "year", "month", "day", "hour", "minute", "second", "date_format", "datediff", "timestampdiff", "extract",
            "cast", "convert", "md5", "sha1", "sha2", "hex", "unhex", "group_concat", "lpad", "rpad", "instr", "locate",
            "format", "str_to_date", "json_extract", "json_object", "json_array", "database", "version", "user",
            "current_user", "connection_id", "last_insert_id", "row_count", "found_rows");
    private static final Set<String> TYPES = Set.of("int", "integer", "bigint", "smallint", "tinyint", "decimal",
            "numeric", "float", "double", "char", "varchar", "text", "binary", "varbinary", "blob", "date", "datetime",
            "timestamp", "time", "year", "json", "signed", "unsigned", "bit", "enum", "set");

    private final MysqlCatalog catalog;
    private Set<String> builtIns;
    private Set<String> keywords;

    MysqlCatalogReader(MysqlCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public synchronized CatalogSnapshot read(long version) throws CatalogUnavailableException {
        if (builtIns == null) {
            keywords = CatalogReader.names(catalog.query(KEYWORDS));
            builtIns = builtIns();
        }
        Set<String> other = new HashSet<>(keywords);
        other.addAll(TYPES);
        other.addAll(CatalogReader.names(catalog.query(SCHEMAS)));
        Set<String> routines = CatalogReader.names(catalog.query(ROUTINES));
        List<List<String>> triggers = catalog.query(TRIGGERS);
        List<String> bodies = triggers.stream().map(row -> row.get(1)).toList();
        List<CatalogRelation> relations = relations();
        return new CatalogSnapshot(relations, routines, builtIns, Set.of(), other, CatalogReader.names(triggers),
                TriggerVariables.setBy(bodies, routines), code(relations, routines), literalCode(),
                new WrittenValues(asCode(catalog.query(COMMENTS)), Set.of(), false), version);
    }

    /** {@link #LITERAL_CODE} by table, each text as PostgreSQL text ({@link MySqlCodeText#asCode}). */
    private Map<String, List<String>> literalCode() throws CatalogUnavailableException {
        List<List<String>> rows = new ArrayList<>(catalog.query(LITERAL_CODE));
        if (!catalog.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema'"
                + " AND TABLE_NAME = 'CHECK_CONSTRAINTS'").isEmpty()) {
            rows.addAll(catalog.query(LITERAL_CHECKS));
        }
        return asCode(rows);
    }

    /** Rows of an owner's name and a text, each text as PostgreSQL text ({@link MySqlCodeText#asCode}), by owner. */
    private static Map<String, List<String>> asCode(List<List<String>> rows) {
        Map<String, List<String>> texts = new HashMap<>();
        for (List<String> row : rows) {
            texts.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(MySqlCodeText.asCode(row.get(1)));
        }
        return texts;
    }

    /**
     * The triggers that may write a table (a trigger's SIGNAL and the variables it sets surface
     * elsewhere), with the routines' bodies, and which tables a write to a view writes: a masked
     * caller's write that runs a trigger copying protected rows into a table it reads is refused
     * (docs/masking.md, "Code in the database"). Every MySQL trigger is a row trigger: it reads the
     * row of its own table. Names are kept as spelled and in lower case, as the caller's unquoted
     * names are read.
     */
    private DatabaseCode code(List<CatalogRelation> relations, Set<String> routines) throws CatalogUnavailableException {
        Map<String, List<String>> byLowerCase = new HashMap<>();
        for (CatalogRelation relation : relations) {
            if (relation.kind() != RelationKind.SYSTEM) {
                byLowerCase.computeIfAbsent(relation.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(relation.name());
            }
        }
        List<DatabaseCode.Attached> attached = new ArrayList<>();
        for (List<String> row : catalog.query(TRIGGER_TABLES)) {
            if (MySqlCodeText.mayWrite(row.get(1), routines)) {
                String code = MySqlCodeText.names(row.get(1), byLowerCase) + "\"" + row.get(0).replace("\"", "\"\"") + "\"";
                for (String table : new HashSet<>(List.of(row.get(0), row.get(0).toLowerCase(Locale.ROOT)))) {
                    attached.add(new DatabaseCode.Attached(DatabaseCode.Reach.WRITE, table, code));
                }
            }
        }
        List<DatabaseCode.Routine> bodies = new ArrayList<>();
        for (List<String> row : catalog.query(ROUTINE_BODIES)) {
            bodies.add(new DatabaseCode.Routine(row.get(0), "sql", MySqlCodeText.names(row.get(1), byLowerCase)));
        }
        List<DatabaseCode.WritesThrough> writes = new ArrayList<>();
        for (CatalogRelation view : relations) {
            if (view.kind() == RelationKind.VIEW) {
                for (String table : viewTables(view, byLowerCase)) {
                    writes.add(new DatabaseCode.WritesThrough(view.name(), table));
                    writes.add(new DatabaseCode.WritesThrough(view.name().toLowerCase(Locale.ROOT), table));
                }
            }
        }
        return new DatabaseCode(attached, bodies, writes);
    }

    /** The relations a view's definition names (every one, when the gateway could not read it). */
    private static Set<String> viewTables(CatalogRelation view, Map<String, List<String>> byLowerCase) {
        Set<String> tables = new HashSet<>();
        if (view.definition() == null) {
            byLowerCase.values().forEach(tables::addAll);
            return tables;
        }
        for (SqlToken token : SqlLexer.lex(view.definition()).tokens()) {
            if (token.isIdentifier()) {
                tables.addAll(byLowerCase.getOrDefault(token.text().toLowerCase(Locale.ROOT), List.of()));
            }
        }
        return tables;
    }

    private Set<String> builtIns() {
        try {
            Set<String> listed = CatalogReader.names(catalog.query(FUNCTIONS));
            listed.addAll(COMMON_FUNCTIONS);
            return listed;
        } catch (CatalogUnavailableException mysqlHasNoSuchTable) {
            return COMMON_FUNCTIONS;
        }
    }

    private List<CatalogRelation> relations() throws CatalogUnavailableException {
        Map<String, String> definitions = new HashMap<>();
        for (List<String> row : catalog.query(VIEWS)) {
            // In the form the lineage analysis reads (null, untraceable, when it cannot be read one way only).
            definitions.put(row.get(0) + "." + row.get(1), MySqlViewDefinition.readable(row.get(2)));
        }
        Map<String, List<CatalogColumn>> columns = new HashMap<>();
        for (List<String> row : catalog.query(COLUMNS)) {
            columns.computeIfAbsent(row.get(0) + "." + row.get(1), k -> new ArrayList<>())
                    .add(new CatalogColumn(row.get(2), row.get(3), "1".equals(row.get(4)), row.get(5)));
        }
        List<CatalogRelation> relations = new ArrayList<>();
        for (List<String> row : catalog.query(RELATIONS)) {
            String key = row.get(0) + "." + row.get(1);
            RelationKind kind = SYSTEM_SCHEMAS.contains(row.get(0).toLowerCase(Locale.ROOT)) ? RelationKind.SYSTEM
                    : row.get(2).contains("VIEW") || (row.get(4) != null && REMOTE_ENGINES.contains(row.get(4))) ? RelationKind.VIEW
                    : RelationKind.TABLE;
            relations.add(new CatalogRelation(row.get(0), row.get(1), kind, row.get(2).contains("TEMPORARY"),
                    "1".equals(row.get(3)), columns.getOrDefault(key, List.of()), definitions.get(key)));
        }
        return relations;
    }
}
