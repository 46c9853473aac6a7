package dev.tracegate.policy.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names one query level can see: its FROM items, its CTEs, and those of the levels around it
 * (correlated subqueries, LATERAL).
 */
final class Scope {

    private final Scope parent;
    private final List<ScopeRelation> relations = new ArrayList<>();
    private final Map<String, List<OutputColumn>> ctes = new HashMap<>();

    private Scope(Scope parent) {
        this.parent = parent;
    }

    static Scope root() {
        return new Scope(null);
    }

    Scope child() {
        return new Scope(this);
    }

    Scope parent() {
        return parent;
    }

    void add(ScopeRelation relation) {
        relations.add(relation);
    }

    List<ScopeRelation> relations() {
        return relations;
    }

    void defineCte(String name, List<OutputColumn> columns) {
        ctes.put(name, List.copyOf(columns));
    }

    /** A CTE visible here by that name, or null. */
    List<OutputColumn> cte(String name) {
        for (Scope scope = this; scope != null; scope = scope.parent) {
            List<OutputColumn> columns = scope.ctes.get(name);
            if (columns != null) {
                return columns;
            }
        }
        return null;
    }

    /** The FROM item of this level referred to by {@code name} (and schema, when given), or null. */
    ScopeRelation relationNamed(String schema, String name) {
        for (ScopeRelation relation : relations) {
            if (relation.name().equals(name) && (schema == null || schema.equals(relation.schema()))) {
                return relation;
            }
        }
        return null;
    }
}
