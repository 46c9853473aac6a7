package dev.tracegate.policy.lineage;

import java.util.List;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.Select;

/** A view's query ({@code pg_get_viewdef}), read as its owner wrote it. */
final class ViewDefinition {

    private ViewDefinition() {
    }

    static List<OutputColumn> outputs(CatalogRelation view, ProtectedSchema schema) {
        if (view.definition() == null) {
            throw new LineageRefusal("the definition of view " + view.qualifiedName() + " is not known");
        }
        String text = view.definition().strip();
        if (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1);
        }
        Statement parsed = StatementParser.parse(text);
        if (!(parsed instanceof Select select)) {
            throw new LineageRefusal("the definition of view " + view.qualifiedName() + " is not a query");
        }
        return new QueryLineage(new Analysis(schema, true)).columns(select, Scope.root());
    }
}
