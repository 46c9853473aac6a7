package dev.tracegate.policy.lineage;

import java.util.Set;

/**
 * Built-in relations and functions that hand out stored values the gateway cannot trace to a
 * column: statistics samples ({@code pg_stats.most_common_vals}), other sessions' statement texts,
 * large objects, role password hashes, and functions that run a query given as text. A masked
 * caller may not use them.
 */
final class DataExposingNames {

    private DataExposingNames() {
    }

    static final Set<String> RELATIONS = Set.of(
            "pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic", "pg_statistic_ext",
            "pg_statistic_ext_data", "pg_stat_activity", "pg_stat_statements", "pg_stat_statements_info",
            "pg_largeobject", "pg_authid", "pg_shadow", "pg_user_mapping", "pg_user_mappings");

    static final Set<String> FUNCTIONS = Set.of(
            "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "table_to_xml",
            "table_to_xml_and_xmlschema", "table_to_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
            "schema_to_xml", "schema_to_xml_and_xmlschema", "schema_to_xmlschema", "database_to_xml",
            "database_to_xml_and_xmlschema", "database_to_xmlschema", "ts_stat", "ts_rewrite", "lo_get", "loread",
            "lo_export", "lo_import", "pg_read_file", "pg_read_binary_file", "pg_stat_get_activity",
            "pg_stat_statements", "dblink", "dblink_exec", "dblink_open", "dblink_fetch", "dblink_send_query",
            "dblink_get_result", "pg_stat_get_backend_activity", "pg_logical_slot_get_changes",
            "pg_logical_slot_peek_changes", "pg_logical_slot_get_binary_changes", "pg_logical_slot_peek_binary_changes");

    static boolean isRelation(String name) {
        return RELATIONS.contains(name);
    }

    static boolean isFunction(String name) {
        return FUNCTIONS.contains(name);
    }
}
