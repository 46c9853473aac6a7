package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlToken;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a MySQL statement may fire a trigger: it writes, and names a table with triggers or a
 * view that may lead to one (a write through a view fires its base table's triggers). A trigger's
 * {@code SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = CONCAT('cannot close ', OLD.name)} quotes any
 * row it reads in the error the caller's write receives, in a statement that names no protected
 * column; MySQL's errors carry no context that marks them as raised by code (PostgreSQL's do), and
 * {@code SIGNAL} chooses any error code and SQLSTATE, so only the statement tells. Read by names, in
 * any case and any schema, so that it errs towards a trigger.
 */
final class TriggeredWrite {

    /** Words of the statements that fire triggers: INSERT, UPDATE, DELETE, REPLACE, LOAD DATA (also inside WITH or ANALYZE). */
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "replace", "load");

    private TriggeredWrite() {
    }

    static boolean mayFire(List<SqlToken> tokens, CatalogSnapshot catalog) {
        if (tokens.stream().noneMatch(token -> token.kind() == SqlToken.Kind.WORD && WRITES.contains(token.text()))) {
            return false;
        }
        Set<CatalogRelation> seen = new HashSet<>();
        return tokens.stream().filter(SqlToken::isIdentifier).anyMatch(token -> leadsToTrigger(token.text(), catalog, seen));
    }

    /** A table with triggers, or a view whose query names one, or whose query the gateway does not have. */
    private static boolean leadsToTrigger(String name, CatalogSnapshot catalog, Set<CatalogRelation> seen) {
        if (catalog.hasTriggers(name)) {
            return true;
        }
        for (CatalogRelation relation : catalog.relationsNamed(name)) {
            if (relation.kind() == RelationKind.VIEW && seen.add(relation)
                    && (relation.definition() == null || Words.identifiers(relation.definition()).stream()
                            .anyMatch(word -> leadsToTrigger(word, catalog, seen)))) {
                return true;
            }
        }
        return false;
    }
}
