package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnProtection;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.ColumnUse;
import dev.tracegate.masking.Masker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One upstream's catalog as one masking profile sees it: which columns of which relations are
 * protected, and, for views, which protected columns their columns are computed from. Immutable
 * apart from memoised answers; thread-safe. The gateway keeps one per catalog snapshot and profile.
 *
 * <p>A column is protected when the profile masks it whole (a column rule or name hint), and also
 * when the profile scans it for personal data (free text, JSON) in a table that holds personal data
 * by name: {@code customers.notes} is personal because {@code customers} is; a detector that finds
 * an e-mail in the column cannot find it once the statement has reversed it.
 */
public final class ProtectedSchema {

    private final CatalogSnapshot catalog;
    private final Function<ColumnRef, ColumnProtection> protections;
    private final Map<CatalogRelation, ScopeRelation> resolved = new ConcurrentHashMap<>();
    /** Views being read by this thread, to refuse a definition that reads itself (the catalog forbids it; a snapshot could still). */
    private final ThreadLocal<Set<CatalogRelation>> resolving = ThreadLocal.withInitial(HashSet::new);
    private final Map<String, LineageVerdict> verdicts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> protectedByName = new ConcurrentHashMap<>();
    /** Whether the code texts may quote a protected value, once computed ({@link #codeTextMayQuoteProtectedValues}). */
    private volatile Boolean codeTextQuotes;
    /** Whether a comment may quote a protected value, once computed ({@link #commentsMayQuoteProtectedValues}). */
    private volatile Boolean commentsQuote;
    private volatile Boolean grantsAny;
    private volatile Boolean grantsConverting;

    public ProtectedSchema(CatalogSnapshot catalog, Masker masker) {
        this(catalog, column -> masker.forColumn(column).protection());
    }

    private ProtectedSchema(CatalogSnapshot catalog, Function<ColumnRef, ColumnProtection> protections) {
        this.catalog = catalog;
        this.protections = protections;
    }

    /** The catalog with every stored column a source: what a view's columns are computed from, whatever the profile. */
    static ProtectedSchema tracingEveryColumn(CatalogSnapshot catalog) {
        return new ProtectedSchema(catalog, column -> EVERY_COLUMN);
    }

    private static final ColumnProtection EVERY_COLUMN =
            new ColumnProtection(ColumnProtection.Kind.NAMED, null, Set.of());

    public CatalogSnapshot catalog() {
        return catalog;
    }

    /**
     * The relation a name means. Temporary relations are every session's in the catalog, and the
     * gateway cannot tell which session's is the caller's, or whether the caller's has one at all:
     * another session's temporary table named like a view ({@code lc_contacts}) must not make the
     * view's computed columns look clean. So when the name may mean more than one relation, they
     * must all be tables that hold no protected data (then any reading is as harmless), or the
     * statement is refused.
     */
    Optional<CatalogRelation> relation(String schema, String name) {
        List<CatalogRelation> meanings = catalog.possibleMeanings(schema, name);
        if (meanings.size() > 1 && !meanings.stream().allMatch(this::cleanTable)) {
            throw new LineageRefusal("the name " + (schema == null ? "" : schema + ".") + name + " may mean "
                    + meanings.stream().map(r -> r.temporary() ? "a temporary relation of some session" : r.qualifiedName())
                            .distinct().collect(java.util.stream.Collectors.joining(" or "))
                    + ", and they differ in what they hold; the gateway cannot tell which one this session reads."
                    + " Name it with its schema, and give temporary tables names of their own");
        }
        return catalog.relation(schema, name);
    }

    private boolean cleanTable(CatalogRelation relation) {
        return relation.kind() == RelationKind.TABLE && resolve(relation).columns().stream().allMatch(c -> c.lineage().isClean());
    }

    /** The relation's columns with their lineage: stored protected columns for tables, computed ones for views. */
    ScopeRelation resolve(CatalogRelation relation) {
        ScopeRelation known = resolved.get(relation);
        if (known != null) {
            return known;
        }
        ScopeRelation computed = switch (relation.kind()) {
            case TABLE -> table(relation);
            case VIEW -> view(relation);
            case SYSTEM -> new ScopeRelation(relation.name(), relation.schema(), List.of(), Lineage.CLEAN);
        };
        resolved.put(relation, computed);
        return computed;
    }

    LineageVerdict cachedVerdict(String sql) {
        return verdicts.get(sql);
    }

    /** Verdicts hold for this snapshot and profile; a bounded number is kept. */
    void cacheVerdict(String sql, LineageVerdict verdict, int limit) {
        if (verdicts.size() >= limit) {
            verdicts.clear();
        }
        verdicts.put(sql, verdict);
    }

    /** Whether any column of any relation of this name (in any schema) carries protected data. */
    boolean holdsProtectedData(String name) {
        Boolean known = protectedByName.get(name);
        if (known == null) {
            known = computeHoldsProtectedData(name);
            protectedByName.put(name, known);
        }
        return known;
    }

    /**
     * Whether the text of the database's code may quote protected values: a relation that carries
     * protected data for this profile has code holding a literal a DBA wrote ({@code WHERE name =
     * 'Ada Lovelace'} in a view, a default, a check). Then {@link CodeTextNames} are refused.
     */
    boolean codeTextMayQuoteProtectedValues() {
        Boolean known = codeTextQuotes;
        if (known == null) {
            known = computeCodeTextQuotes();
            codeTextQuotes = known;
        }
        return known;
    }

    /**
     * A text of code quotes a protected value when it belongs to or names a relation with protected
     * columns and a literal of it is not bound to one of their unprotected columns alone ({@link
     * BoundLiterals}): {@code name DEFAULT 'Alan Turing'::text} on the table, {@code FROM customers
     * WHERE customers.name = 'Ada Lovelace'::text} or {@code JOIN (VALUES ('Ada Lovelace'::text)) v(n)
     * ON c.name = v.n} in a view, a trigger's {@code cx_refuse('Ada Lovelace')}. A view the analysis
     * cannot follow counts as quoting one.
     */
    private boolean computeCodeTextQuotes() {
        return mayQuote(catalog.literalCode());
    }

    /**
     * Whether a comment may quote a protected value: one on a relation with protected columns (on
     * it, a column, a constraint, an index, a trigger, a policy or a rule of it), on a function whose
     * body names one, or on anything else a DBA made (a database, a schema, a role: no reading ties
     * it to data). A comment is free text, every word of it a value. Then {@link
     * WrittenValueNames#COMMENTS} are refused.
     */
    boolean commentsMayQuoteProtectedValues() {
        Boolean known = commentsQuote;
        if (known == null) {
            Map<String, List<String>> comments = catalog.writtenValues().comments();
            known = !comments.getOrDefault(WrittenValues.UNOWNED, List.of()).isEmpty() || mayQuote(comments);
            commentsQuote = known;
        }
        return known;
    }

    /** Whether a value of this kind may quote a protected value; then the names that show it are refused. */
    boolean writtenValueMayQuote(WrittenValueNames.Kind kind) {
        return switch (kind) {
            case COMMENT -> commentsMayQuoteProtectedValues();
            case SETTING -> !catalog.writtenValues().storedSettings().isEmpty();
            case AGGREGATE_STATE -> catalog.writtenValues().aggregateValues();
        };
    }

    /** Whether any text of the catalog shown to callers (code or a written value) may quote a protected value. */
    boolean catalogTextMayQuoteProtectedValues() {
        return codeTextMayQuoteProtectedValues() || writtenValueMayQuote(WrittenValueNames.Kind.COMMENT)
                || writtenValueMayQuote(WrittenValueNames.Kind.SETTING)
                || writtenValueMayQuote(WrittenValueNames.Kind.AGGREGATE_STATE);
    }

    /** Whether a text of these, by the relation or function it belongs to, may quote a protected value. */
    private boolean mayQuote(Map<String, List<String>> texts) {
        for (Map.Entry<String, List<String>> entry : texts.entrySet()) {
            for (String text : entry.getValue()) {
                Set<String> relations = namesReached(text);
                relations.add(entry.getKey());
                Optional<CodeColumns> columns = columnsOf(relations);
                if (columns.isEmpty() || !columns.get().protectedOnes().isEmpty()
                        && BoundLiterals.mayQuote(text, columns.get().protectedOnes(), columns.get().otherOnes())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The names a code's text uses, and those the functions it calls use, transitively: {@code
     * SELECT refuse_name('Ada Lovelace')} hands the value to a function that compares it with the
     * column.
     */
    private Set<String> namesReached(String text) {
        Set<String> names = BoundLiterals.identifiers(text);
        List<String> functions = new ArrayList<>(names);
        Set<String> followed = new HashSet<>();
        while (!functions.isEmpty()) {
            String name = functions.removeLast();
            if (!catalog.isUserFunction(name) || !followed.add(name)) {
                continue;
            }
            for (String body : catalog.literalCode().getOrDefault(name, List.of())) {
                Set<String> called = BoundLiterals.identifiers(body);
                called.removeAll(names);
                names.addAll(called);
                functions.addAll(called);
            }
        }
        return names;
    }

    /** The column names of the relations code belongs to and names, protected and not. */
    private record CodeColumns(Set<String> protectedOnes, Set<String> otherOnes) {
    }

    /** The columns' names of the relations so named; empty when a view cannot be followed. */
    private Optional<CodeColumns> columnsOf(Set<String> relations) {
        CodeColumns columns = new CodeColumns(new HashSet<>(), new HashSet<>());
        for (String relation : relations) {
            for (CatalogRelation candidate : catalog.relationsNamed(relation)) {
                if (candidate.kind() == RelationKind.SYSTEM) {
                    continue;
                }
                try {
                    resolve(candidate).columns().forEach(column -> (column.lineage().isClean()
                            ? columns.otherOnes() : columns.protectedOnes()).add(column.name()));
                } catch (LineageRefusal unreadableView) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(columns);
    }

    /**
     * Whether code the database runs, named by these words ({@link DatabaseCode}), may read
     * protected data for this profile: it names a relation (or view) that carries some, a relation
     * or function that hands out stored values, or it cannot be read.
     */
    boolean readsProtectedData(Set<String> words) {
        for (String word : words) {
            if (word.equals(DatabaseCode.ANYTHING) || holdsProtectedData(word) || DataExposingNames.isRelation(word)
                    || DataExposingNames.isFunction(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the profile grants {@code any} on a protected column of some table: only then may a
     * statement compute on a protected value, in a condition, and make the server quote it in an error.
     */
    boolean grantsAnyUse() {
        Boolean known = grantsAny;
        if (known == null) {
            known = grants(ColumnUse.ANY);
            grantsAny = known;
        }
        return known;
    }

    /**
     * Whether the profile grants a use in which MySQL may convert a protected value to another
     * type: {@code any}; the comparisons {@code lookup} and {@code sort} ({@code name = 0} converts
     * every name to a number, and the server quotes each that does not fit in a warning:
     * {@code Truncated incorrect DECIMAL value: 'Ada Lovelace'}); {@code join} between columns of
     * different kinds of type ({@code p.name = b.holder} with a number column); and the coarsenings
     * {@code year} and {@code month} of a column that is no date, which the server reads as one
     * ({@code Incorrect datetime value: '...'}). Grouping compares values of one column with each
     * other, as they are. PostgreSQL converts no text implicitly.
     */
    boolean grantsConvertingUse() {
        Boolean known = grantsConverting;
        if (known == null) {
            known = grants(ColumnUse.ANY) || grants(ColumnUse.LOOKUP) || grants(ColumnUse.SORT)
                    || ConvertingTypes.kinds(grantedTypes(ColumnUse.JOIN)).size() > 1
                    || grantedTypes(ColumnUse.YEAR).stream().anyMatch(type -> !ConvertingTypes.isTemporal(type))
                    || grantedTypes(ColumnUse.MONTH).stream().anyMatch(type -> !ConvertingTypes.isTemporal(type));
            grantsConverting = known;
        }
        return known;
    }

    /** The types of the tables' columns whose protection grants {@code use}. */
    private Set<String> grantedTypes(ColumnUse use) {
        Set<String> types = new HashSet<>();
        for (CatalogRelation relation : catalog.relations()) {
            if (relation.kind() != RelationKind.TABLE) {
                continue;
            }
            List<OutputColumn> columns = resolve(relation).columns();
            for (int i = 0; i < columns.size() && i < relation.columns().size(); i++) {
                if (columns.get(i).lineage().sources().stream().anyMatch(source -> source.allows(use))) {
                    types.add(relation.columns().get(i).typeName());
                }
            }
        }
        return types;
    }

    private boolean grants(ColumnUse use) {
        return catalog.relations().stream().filter(r -> r.kind() == RelationKind.TABLE)
                .flatMap(r -> resolve(r).columns().stream())
                .flatMap(c -> c.lineage().sources().stream())
                .anyMatch(source -> source.allows(use));
    }

    /** Whether a relation of this schema carries protected data. */
    boolean schemaHoldsProtectedData(String schemaName) {
        return catalog.relations().stream().anyMatch(r -> r.schema().equals(schemaName) && carriesProtectedData(r));
    }

    /** Whether a protected column of any relation has this type (or an array of it). */
    boolean typeHoldsProtectedData(String typeName) {
        for (CatalogRelation relation : catalog.relations()) {
            if (relation.kind() == RelationKind.SYSTEM) {
                continue;
            }
            List<OutputColumn> columns = resolve(relation).columns();
            for (int i = 0; i < relation.columns().size() && i < columns.size(); i++) {
                String type = relation.columns().get(i).typeName();
                if ((typeName.equals(type) || ("_" + typeName).equals(type)) && !columns.get(i).lineage().isClean()) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean carriesProtectedData(CatalogRelation relation) {
        return relation.kind() != RelationKind.SYSTEM && resolve(relation).columns().stream().anyMatch(c -> !c.lineage().isClean());
    }

    private boolean computeHoldsProtectedData(String name) {
        return catalog.relationsNamed(name).stream().anyMatch(this::carriesProtectedData);
    }

    private ScopeRelation table(CatalogRelation relation) {
        List<ColumnProtection> byColumn = new ArrayList<>();
        boolean personal = false;
        for (CatalogColumn column : relation.columns()) {
            ColumnProtection protection = protection(relation, column);
            byColumn.add(protection);
            personal |= protection.kind() == ColumnProtection.Kind.NAMED;
        }
        List<OutputColumn> columns = new ArrayList<>();
        for (int i = 0; i < relation.columns().size(); i++) {
            ColumnProtection protection = byColumn.get(i);
            CatalogColumn catalogColumn = relation.columns().get(i);
            String name = catalogColumn.name();
            boolean isProtected = protection.kind() == ColumnProtection.Kind.NAMED
                    || (personal && protection.kind() == ColumnProtection.Kind.CONTENT);
            columns.add(new OutputColumn(name, isProtected
                    ? Lineage.stored(new ProtectedSource(relation.schema(), relation.name(), name, protection,
                            catalogColumn.unique()))
                    : Lineage.CLEAN));
        }
        return new ScopeRelation(relation.name(), relation.schema(), generated(relation, columns), null);
    }

    /**
     * The table's columns with each generated column that its own rule does not mask whole read as
     * computed from the protected columns its expression names, as a view's computed column is: the
     * database describes it as a column of the table, which no rule names, while it holds
     * {@code upper(name)} or {@code to_tsvector(name)} of every row. A default that reads another
     * column (MariaDB, MySQL 8) stores such a copy on each insert and is read the same way.
     */
    private List<OutputColumn> generated(CatalogRelation relation, List<OutputColumn> stored) {
        List<OutputColumn> columns = new ArrayList<>(stored);
        for (int i = 0; i < columns.size(); i++) {
            CatalogColumn column = relation.columns().get(i);
            Lineage own = columns.get(i).lineage();
            boolean maskedWhole = own.sources().stream().anyMatch(s -> s.protection().kind() == ColumnProtection.Kind.NAMED);
            Set<ProtectedSource> read = column.generation() == null || maskedWhole ? Set.of()
                    : GenerationExpression.reads(column.generation(), stored);
            if (!read.isEmpty()) {
                Set<ProtectedSource> sources = new LinkedHashSet<>(own.sources());
                sources.addAll(read);
                columns.set(i, new OutputColumn(column.name(), Lineage.derived(sources)));
            }
        }
        return columns;
    }

    /**
     * A column is protected by its own table's name or by an ancestor's, whichever protects it more
     * (as the result masker decides it): a partition or inheritance child carries its parent's data.
     */
    private ColumnProtection protection(CatalogRelation relation, CatalogColumn column) {
        ColumnProtection strongest = protections.apply(
                ColumnRef.of(relation.schema(), relation.name(), column.name(), column.typeName()));
        for (CatalogRelation.Ancestor ancestor : relation.ancestors()) {
            ColumnProtection candidate = protections.apply(
                    ColumnRef.of(ancestor.schema(), ancestor.name(), ancestor.column(column.name()), column.typeName()));
            if (candidate.strongerThan(strongest)) {
                strongest = candidate;
            }
        }
        return strongest;
    }

    /**
     * A view's columns, from its query read as its owner wrote it (the owner's filters are not the
     * caller's uses). PostgreSQL describes a view's column as the view's; the gateway's column
     * resolver follows a column passed through unchanged to its table's column ({@link ViewOrigins}),
     * so such a column keeps its origin and is masked by the table's rule. A query the analysis
     * cannot follow makes every column computed from everything protected the view mentions.
     */
    private ScopeRelation view(CatalogRelation relation) {
        List<OutputColumn> columns = new ArrayList<>();
        if (!resolving.get().add(relation)) {
            throw new LineageRefusal("view " + relation.qualifiedName() + " refers to itself");
        }
        try {
            List<OutputColumn> outputs = ViewDefinition.outputs(relation, this);
            for (int i = 0; i < relation.columns().size(); i++) {
                Lineage lineage = i < outputs.size() ? outputs.get(i).lineage()
                        : Lineage.derived(everythingMentioned(relation, false));
                columns.add(new OutputColumn(relation.columns().get(i).name(), lineage));
            }
        } catch (LineageRefusal e) {
            // What stopped the analysis may read data by itself (a function of the database, pg_stats,
            // query_to_xml('select ...')): the relations the text names are not all it can read.
            Lineage unknown = Lineage.derived(everythingMentioned(relation, true));
            for (CatalogColumn column : relation.columns()) {
                columns.add(new OutputColumn(column.name(), unknown));
            }
        } finally {
            resolving.get().remove(relation);
        }
        return new ScopeRelation(relation.name(), relation.schema(), columns, null);
    }

    /**
     * Every protected column of every relation whose name appears in the view's query; of every
     * relation when the query is not known (MySQL hides it from an account without SHOW VIEW, and
     * the gateway drops a definition it cannot read one way only) or could not be followed
     * ({@code unfollowable}), since then anything may be read.
     */
    private Set<ProtectedSource> everythingMentioned(CatalogRelation view, boolean unfollowable) {
        Set<ProtectedSource> sources = new LinkedHashSet<>();
        List<CatalogRelation> mentioned = view.definition() == null || unfollowable ? catalog.relations()
                : Words.identifiers(view.definition()).stream().flatMap(word -> catalog.relationsNamed(word).stream()).toList();
        for (CatalogRelation relation : mentioned) {
            if (!relation.equals(view) && relation.kind() != RelationKind.SYSTEM && !resolving.get().contains(relation)) {
                resolve(relation).columns().forEach(c -> sources.addAll(c.lineage().sources()));
            }
        }
        return sources;
    }
}
