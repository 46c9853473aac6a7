package dev.tracegate.policy.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the gateway knows of one upstream database's catalog at one moment: its relations with
 * their columns (and views with their queries), which function names exist outside the system
 * catalog, the built-in function and type names, and the SQL keywords. Immutable; the gateway
 * takes a fresh one when it may be stale.
 *
 * <p>Names are as the catalog stores them: case-sensitive, unquoted ones lower-case.
 */
public final class CatalogSnapshot {

    private final List<CatalogRelation> relations;
    private final Map<String, CatalogRelation> byQualifiedName = new HashMap<>();
    private final Map<String, List<CatalogRelation>> byName = new HashMap<>();
    private final Set<String> userFunctions;
    private final Set<String> builtInFunctions;
    private final Set<String> userOperators;
    private final Set<String> knownNames = new HashSet<>();
    private final Set<String> triggeredTables;
    private final Set<String> triggerVariables;
    private final DatabaseCode code;
    private final Map<String, List<String>> literalCode;
    private final WrittenValues writtenValues;
    private final long version;

    /**
     * @param relations        every table, view and system relation
     * @param userFunctions    names of functions and procedures defined outside {@code pg_catalog}
     *                         and {@code information_schema}
     * @param builtInFunctions names of functions in {@code pg_catalog}
     * @param userOperators    operator symbols defined outside {@code pg_catalog}: each runs a function
     * @param otherNames       other words that may appear in a statement without naming data: SQL
     *                         keywords, type names, schema names
     * @param version          distinguishes snapshots, for caches keyed by them
     */
    public CatalogSnapshot(List<CatalogRelation> relations, Set<String> userFunctions, Set<String> builtInFunctions,
                           Set<String> userOperators, Set<String> otherNames, long version) {
        this(relations, userFunctions, builtInFunctions, userOperators, otherNames, Set.of(), version);
    }

    /**
     * @param triggeredTables names of the tables with triggers, lower-case (MySQL: a trigger's
     *                        {@code SIGNAL} quotes any row it reads in the error a write receives)
     */
    public CatalogSnapshot(List<CatalogRelation> relations, Set<String> userFunctions, Set<String> builtInFunctions,
                           Set<String> userOperators, Set<String> otherNames, Set<String> triggeredTables, long version) {
        this(relations, userFunctions, builtInFunctions, userOperators, otherNames, triggeredTables, Set.of(), version);
    }

    /**
     * @param triggerVariables the MySQL user variables triggers may set ({@link TriggerVariables#setBy})
     */
    public CatalogSnapshot(List<CatalogRelation> relations, Set<String> userFunctions, Set<String> builtInFunctions,
                           Set<String> userOperators, Set<String> otherNames, Set<String> triggeredTables,
                           Set<String> triggerVariables, long version) {
        this(relations, userFunctions, builtInFunctions, userOperators, otherNames, triggeredTables, triggerVariables,
                DatabaseCode.NONE, version);
    }

    /**
     * @param code what the database runs on a statement's behalf without the statement naming it
     *             (PostgreSQL: triggers, rules, defaults, casts, domain checks, event triggers, ...)
     */
    public CatalogSnapshot(List<CatalogRelation> relations, Set<String> userFunctions, Set<String> builtInFunctions,
                           Set<String> userOperators, Set<String> otherNames, Set<String> triggeredTables,
                           Set<String> triggerVariables, DatabaseCode code, long version) {
        this(relations, userFunctions, builtInFunctions, userOperators, otherNames, triggeredTables, triggerVariables,
                code, Map.of(), version);
    }

    /**
     * @param literalCode the texts of the database's code that hold a string literal a DBA wrote,
     *                    by the name of the relation they belong to (a view's query; a table's
     *                    defaults, each with its column's name, checks, index expressions and
     *                    predicates, triggers' {@code WHEN}, policies, rules): shown by {@link
     *                    CodeTextNames}, they may quote personal data
     */
    public CatalogSnapshot(List<CatalogRelation> relations, Set<String> userFunctions, Set<String> builtInFunctions,
                           Set<String> userOperators, Set<String> otherNames, Set<String> triggeredTables,
                           Set<String> triggerVariables, DatabaseCode code, Map<String, List<String>> literalCode,
                           long version) {
        this(relations, userFunctions, builtInFunctions, userOperators, otherNames, triggeredTables, triggerVariables,
                code, literalCode, WrittenValues.NONE, version);
    }

    /**
     * @param writtenValues the values a DBA wrote that are no code: comments, settings stored for a
     *                      database or role, aggregates' initial states
     */
    public CatalogSnapshot(List<CatalogRelation> relations, Set<String> userFunctions, Set<String> builtInFunctions,
                           Set<String> userOperators, Set<String> otherNames, Set<String> triggeredTables,
                           Set<String> triggerVariables, DatabaseCode code, Map<String, List<String>> literalCode,
                           WrittenValues writtenValues, long version) {
        this.code = code;
        this.literalCode = Map.copyOf(literalCode);
        this.writtenValues = writtenValues;
        this.triggeredTables = Set.copyOf(triggeredTables);
        this.triggerVariables = Set.copyOf(triggerVariables);
        this.relations = List.copyOf(relations);
        this.userOperators = Set.copyOf(userOperators);
        this.userFunctions = Set.copyOf(userFunctions);
        this.builtInFunctions = Set.copyOf(builtInFunctions);
        this.version = version;
        for (CatalogRelation relation : this.relations) {
            byQualifiedName.put(relation.schema() + "\u0000" + relation.name(), relation);
            byName.computeIfAbsent(relation.name(), k -> new ArrayList<>()).add(relation);
            knownNames.add(relation.name());
            knownNames.add(relation.schema());
            relation.columns().forEach(column -> knownNames.add(column.name()));
        }
        knownNames.addAll(this.userFunctions);
        knownNames.addAll(this.builtInFunctions);
        knownNames.addAll(otherNames);
    }

    public long version() {
        return version;
    }

    public List<CatalogRelation> relations() {
        return relations;
    }

    /**
     * The relation a name means. Unqualified: the one visible on the search path, else a
     * temporary table of that name (the caller's own session may have made it).
     */
    public Optional<CatalogRelation> relation(String schema, String name) {
        if (schema != null) {
            if (schema.equals("pg_temp") || schema.startsWith("pg_temp_")) {
                return byName.getOrDefault(name, List.of()).stream().filter(CatalogRelation::temporary).findFirst();
            }
            return Optional.ofNullable(byQualifiedName.get(schema + "\u0000" + name));
        }
        List<CatalogRelation> candidates = byName.getOrDefault(name, List.of());
        return candidates.stream().filter(CatalogRelation::temporary).findFirst()
                .or(() -> candidates.stream().filter(CatalogRelation::visible).findFirst());
    }

    /**
     * Every relation the name may mean in some session: an unqualified name means a temporary
     * relation of that name in the session that made it (any session's, as far as the gateway
     * can tell), else the one visible on the search path; {@code pg_temp.name} any session's
     * temporary relation of that name; a qualified name the one relation.
     */
    public List<CatalogRelation> possibleMeanings(String schema, String name) {
        List<CatalogRelation> candidates = byName.getOrDefault(name, List.of());
        if (schema != null && !schema.equals("pg_temp") && !schema.startsWith("pg_temp_")) {
            return relation(schema, name).map(List::of).orElse(List.of());
        }
        return candidates.stream().filter(r -> r.temporary() || (schema == null && r.visible())).toList();
    }

    /** Every relation of that name, in any schema. */
    public List<CatalogRelation> relationsNamed(String name) {
        return byName.getOrDefault(name, List.of());
    }

    public boolean isUserFunction(String name) {
        return userFunctions.contains(name);
    }

    /** Whether an operator symbol has a definition outside the system catalog (it then runs a function the gateway cannot see). */
    public boolean isUserOperator(String symbol) {
        return userOperators.contains(symbol);
    }

    /** Whether a table of this name, in any schema and any case, has a trigger. */
    public boolean hasTriggers(String tableName) {
        return !triggeredTables.isEmpty() && triggeredTables.contains(tableName.toLowerCase(Locale.ROOT));
    }

    public boolean hasAnyTrigger() {
        return !triggeredTables.isEmpty();
    }

    /** Whether a trigger may set this MySQL user variable ({@code @name} as the lexer writes it). */
    public boolean triggersMaySet(String variable) {
        return !triggerVariables.isEmpty()
                && (triggerVariables.contains(TriggerVariables.EVERY) || triggerVariables.contains(variable));
    }

    /** The code the database runs on statements' behalf without their naming it. */
    /** The texts of the database's code that hold a string literal, by relation (see the constructor). */
    public Map<String, List<String>> literalCode() {
        return literalCode;
    }

    public WrittenValues writtenValues() {
        return writtenValues;
    }

    public DatabaseCode code() {
        return code;
    }

    public boolean isBuiltInFunction(String name) {
        return builtInFunctions.contains(name);
    }

    /** Whether a word names something in the catalog or is a keyword, type or schema name. */
    public boolean isKnownName(String name) {
        return knownNames.contains(name);
    }
}
