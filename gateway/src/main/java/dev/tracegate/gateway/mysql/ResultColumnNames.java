package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogSnapshots;
import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.results.ResultColumn;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.CatalogRelation;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.LineageCheck;
import dev.tracegate.policy.lineage.ProtectedSchema;
import dev.tracegate.policy.lineage.RelationKind;
import dev.tracegate.policy.lineage.ViewOrigins;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Names result columns for the masker. The server names a column read through a view, a derived
 * table or a WITH query by that relation's alias ({@code org_table}), so a rule on
 * {@code customers.email} would not find it by that name:
 *
 * <ul>
 *   <li>a view column that passes a stored column through unchanged is named as that stored column,
 *       as the PostgreSQL engine's column resolver does; a view column computed from others is an
 *       expression (the lineage check has already refused computing from protected columns);</li>
 *   <li>which relation {@code org_table} is comes from the statement's own words: the relation it
 *       names so, or reads under that alias ({@code FROM crm.contacts c}); MariaDB reports the
 *       underlying table's schema for a view, so the reported schema is used only for names the
 *       statement does not use (SHOW, DESCRIBE); a name the statement uses for different things
 *       is withheld;</li>
 *   <li>a column of a derived table or a WITH query is withheld when the statement could read
 *       protected data, and an expression otherwise
 *       ({@code SELECT n FROM (SELECT count(*) n FROM orders) t});</li>
 *   <li>when the view cannot be traced, or the catalog cannot be read, the column is withheld: a
 *       value is never shown under a name that might have let it through unmasked.</li>
 * </ul>
 */
final class ResultColumnNames {

    private final CatalogSnapshots snapshots;

    ResultColumnNames(CatalogSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    /** The names of one statement's result sets. */
    Statement of(String sql, SqlDialect dialect) {
        return new Statement(sql, dialect);
    }

    /** One statement's text, which says whether a column of an unknown relation may carry protected data. */
    final class Statement {

        private final String sql;
        private final SqlDialect dialect;

        /** The statements of every reading of the text, split once; empty when it cannot be read one way only. */
        private Optional<List<SqlStatement>> statements;

        private Statement(String sql, SqlDialect dialect) {
            this.sql = sql;
            this.dialect = dialect;
        }

        private Optional<List<SqlStatement>> statements() {
            if (statements == null) {
                statements = SqlScriptSplitter.splitEveryReading(sql, dialect)
                        .map(readings -> readings.stream().flatMap(List::stream).toList());
            }
            return statements;
        }

        /**
         * The columns of one result set as {@code masker} should see them, with {@code binary} for a
         * prepared statement's rows. The catalog is read once per result set, and only when a column
         * names a table.
         */
        List<ResultColumn> names(List<ColumnDefinition41> columns, String[] types, boolean binary, Masker masker) {
            List<ResultColumn> named = new ArrayList<>(columns.size());
            Catalog catalog = null;
            for (int i = 0; i < columns.size(); i++) {
                ColumnDefinition41 column = columns.get(i);
                if (!column.fromTableColumn()) {
                    named.add(new ResultColumn(ColumnRef.expression(column.name()), binary, false));
                    continue;
                }
                if (catalog == null) {
                    catalog = catalog(masker);
                }
                named.add(catalog.name(column, types[i], binary));
            }
            return named;
        }

        private Catalog catalog(Masker masker) {
            try {
                return new Catalog(snapshots.current(), this, masker);
            } catch (CatalogUnavailableException e) {
                return new Catalog(null, this, masker);
            }
        }

        /**
         * What the statement means by {@code name} wherever it uses it (uses as a qualifier,
         * {@code c.email}, aside), in every reading of its text: a relation it reads under that name
         * ({@code FROM contacts}, {@code FROM crm.contacts}) or under that alias
         * ({@code FROM contacts c}, {@code contacts AS c}), or nothing the catalog knows (a derived
         * table, a WITH query). MariaDB names a view's columns by the view or its alias, and the
         * schema it reports is the underlying table's, so the statement's own words say which
         * relation a column was read from.
         */
        private Set<Optional<CatalogRelation>> relationsNamed(String name, CatalogSnapshot snapshot) {
            Set<Optional<CatalogRelation>> found = new HashSet<>();
            if (name == null || statements().isEmpty()) {
                found.add(Optional.empty());
                return found;
            }
            for (SqlStatement statement : statements().get()) {
                List<SqlToken> tokens = statement.tokens();
                for (int i = 0; i < tokens.size(); i++) {
                    boolean qualifier = i + 1 < tokens.size() && tokens.get(i + 1).isSymbol(".");
                    if (tokens.get(i).isIdentifier() && tokens.get(i).text().equalsIgnoreCase(name) && !qualifier) {
                        found.add(Optional.ofNullable(use(tokens, i, snapshot)));
                    }
                }
            }
            return found;
        }

        /** The relation the name at {@code index} stands for: the relation before it when it is an alias, else itself. */
        private static CatalogRelation use(List<SqlToken> tokens, int index, CatalogSnapshot snapshot) {
            if (index >= 1 && tokens.get(index - 1).isWord("as")) {
                return index >= 2 ? relationAt(tokens, index - 2, snapshot) : null;
            }
            if (index >= 1 && tokens.get(index - 1).isSymbol(".")) {
                return relationAt(tokens, index, snapshot);
            }
            CatalogRelation before = index >= 1 ? relationAt(tokens, index - 1, snapshot) : null;
            return before != null ? before : relationAt(tokens, index, snapshot);
        }

        /** The relation named by the token at {@code index} (with its schema before a dot), or null. */
        private static CatalogRelation relationAt(List<SqlToken> tokens, int index, CatalogSnapshot snapshot) {
            SqlToken name = tokens.get(index);
            if (!name.isIdentifier()) {
                return null;
            }
            boolean qualified = index >= 2 && tokens.get(index - 1).isSymbol(".") && tokens.get(index - 2).isIdentifier();
            String schema = qualified ? tokens.get(index - 2).text() : null;
            return snapshot.relation(schema, name.text()).orElseGet(() -> ignoringCase(snapshot, schema, name.text()));
        }

        /**
         * The lexer folds names to lower case; a server with case-sensitive table names may hold
         * {@code Customers}. The one relation of that name in any case, or null when there are more.
         */
        private static CatalogRelation ignoringCase(CatalogSnapshot snapshot, String schema, String name) {
            List<CatalogRelation> found = snapshot.relations().stream()
                    .filter(r -> r.name().equalsIgnoreCase(name) && (schema == null ? r.visible() : r.schema().equalsIgnoreCase(schema)))
                    .toList();
            return found.size() == 1 ? found.getFirst() : null;
        }

        private boolean mayReadProtectedData(CatalogSnapshot snapshot, Masker masker) {
            return LineageCheck.mayReadProtectedData(sql, dialect, new ProtectedSchema(snapshot, masker));
        }
    }

    /** One result set's view of the catalog snapshot ({@code null}: it could not be read). */
    private static final class Catalog {

        private final CatalogSnapshot snapshot;
        private final Statement statement;
        private final Masker masker;
        private Boolean mayReadProtectedData;

        Catalog(CatalogSnapshot snapshot, Statement statement, Masker masker) {
            this.snapshot = snapshot;
            this.statement = statement;
            this.masker = masker;
        }

        ResultColumn name(ColumnDefinition41 column, String type, boolean binary) {
            ColumnRef asReported = ColumnRef.of(column.schema(), column.orgTable(), column.orgName(), type);
            if (snapshot == null) {
                return new ResultColumn(asReported, binary, true);
            }
            Set<Optional<CatalogRelation>> named = statement.relationsNamed(column.orgTable(), snapshot);
            Optional<CatalogRelation> relation;
            if (named.isEmpty()) {
                // Not named by the statement (SHOW, DESCRIBE): the server's own name is all there is.
                relation = snapshot.relation(column.schema(), column.orgTable())
                        .or(() -> snapshot.relation(lower(column.schema()), lower(column.orgTable())));
            } else if (named.size() == 1) {
                relation = named.iterator().next();
            } else {
                // The statement uses the name for different things: nothing says which one this column is of.
                return new ResultColumn(ColumnRef.expression(column.name()), binary, true);
            }
            if (relation.isEmpty()) {
                // A derived table or a WITH query: nothing says which column it passes on.
                return new ResultColumn(ColumnRef.expression(column.name()), binary, mayReadProtectedData());
            }
            CatalogRelation read = relation.get();
            if (read.kind() != RelationKind.VIEW) {
                return new ResultColumn(ColumnRef.of(read.schema(), read.name(), column.orgName(), type), binary, false);
            }
            return throughView(read, lower(column.orgName()), column.name(), type, binary);
        }

        private boolean mayReadProtectedData() {
            if (mayReadProtectedData == null) {
                mayReadProtectedData = statement.mayReadProtectedData(snapshot, masker);
            }
            return mayReadProtectedData;
        }

        private ResultColumn throughView(CatalogRelation view, String orgName, String label, String type, boolean binary) {
            List<Optional<ViewOrigins.StoredColumn>> origins = ViewOrigins.of(snapshot, view.schema(), view.name());
            int position = -1;
            for (int i = 0; i < view.columns().size(); i++) {
                if (view.columns().get(i).name().toLowerCase(Locale.ROOT).equals(orgName)) {
                    position = i;
                }
            }
            if (position < 0 || position >= origins.size()) {
                // A view the lineage reading could not trace: nothing says which rule its columns fall under.
                return new ResultColumn(ColumnRef.expression(label), binary, true);
            }
            return origins.get(position)
                    .map(stored -> new ResultColumn(ColumnRef.of(stored.schema(), stored.table(), stored.column(), type), binary,
                            false))
                    .orElseGet(() -> new ResultColumn(ColumnRef.expression(label), binary, false));
        }
    }

    private static String lower(String name) {
        return name == null ? null : name.toLowerCase(Locale.ROOT);
    }
}
