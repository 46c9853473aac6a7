package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnUse;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.config.ColumnRuleConfig;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** The demo's shop schema and masking profile, in memory, for analysing statements without a database. */
final class ShopCatalog {

    private ShopCatalog() {
    }

    static final Set<String> BUILT_IN_FUNCTIONS = Set.of("count", "sum", "avg", "min", "max", "lower", "upper",
            "reverse", "translate", "encode", "convert_to", "split_part", "string_agg", "array_agg", "json_agg",
            "jsonb_agg", "row_to_json", "to_jsonb", "to_json", "jsonb_build_object", "json_build_object", "substr",
            "substring", "left", "right", "length", "md5", "sha256", "date_trunc", "date_part", "now", "concat",
            "concat_ws", "format", "pg_notify", "set_config", "generate_series", "unnest", "lag", "lead", "row_number",
            "rank", "ntile", "first_value", "regexp_replace", "overlay", "position", "replace", "btrim", "trim", "abs", "round",
            "to_char", "age", "extract", "query_to_xml", "lo_get", "ascii", "chr", "initcap", "repeat", "lpad",
            "rpad", "xmlagg", "array_to_string", "string_to_array", "jsonb_each", "json_each_text", "to_tsvector",
            "hashtext", "bit_length", "octet_length", "char_length", "strpos", "starts_with", "quote_literal",
            "quote_ident", "decode", "convert_from", "sha512", "digest", "crc32", "nullif", "mod", "width_bucket",
            "last_insert_id", "get_lock", "conv", "hex", "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot", "pg_backup_start");

    static ProtectedSchema schema() {
        return schema(profile());
    }

    static ProtectedSchema schema(Masker masker) {
        return schema(masker, Set.of());
    }

    /** The shop with triggers on these tables (lower-case names). */
    static ProtectedSchema schema(Masker masker, Set<String> triggeredTables) {
        return schema(masker, triggeredTables, Set.of());
    }

    /** The shop with triggers on these tables, whose bodies name these MySQL user variables ({@link TriggerVariables}). */
    static ProtectedSchema schema(Masker masker, Set<String> triggeredTables, Set<String> triggerVariables) {
        return schema(masker, triggeredTables, triggerVariables, DatabaseCode.NONE);
    }

    /** The shop whose database runs this code on statements' behalf ({@link DatabaseCode}). */
    static ProtectedSchema schema(DatabaseCode code) {
        return schema(profile(), Set.of(), Set.of(), code);
    }

    private static ProtectedSchema schema(Masker masker, Set<String> triggeredTables, Set<String> triggerVariables,
                                          DatabaseCode code) {
        List<CatalogRelation> relations = List.of(
                new CatalogRelation("public", "customers", RelationKind.TABLE, false, true, List.of(
                        new CatalogColumn("id", "int4"), new CatalogColumn("name", "text"),
                        new CatalogColumn("email", "text"), new CatalogColumn("phone", "text"),
                        new CatalogColumn("card_number", "text"), new CatalogColumn("national_id", "text", true),
                        new CatalogColumn("date_of_birth", "date"), new CatalogColumn("notes", "text")), null),
                new CatalogRelation("public", "orders", RelationKind.TABLE, false, true, List.of(
                        new CatalogColumn("id", "int4"), new CatalogColumn("customer_id", "int4"),
                        new CatalogColumn("amount", "numeric"), new CatalogColumn("status", "text"),
                        new CatalogColumn("created_at", "timestamptz")), null),
                new CatalogRelation("public", "contacts", RelationKind.VIEW, false, true, List.of(
                        new CatalogColumn("id", "int4"), new CatalogColumn("e", "text"),
                        new CatalogColumn("rc", "text")),
                        " SELECT id, email AS e, reverse(card_number) AS rc FROM customers c"),
                new CatalogRelation("public", "order_totals", RelationKind.VIEW, false, true, List.of(
                        new CatalogColumn("customer_id", "int4"), new CatalogColumn("total", "numeric")),
                        " SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id"),
                new CatalogRelation("pg_catalog", "pg_class", RelationKind.SYSTEM, false, true, List.of(), null),
                new CatalogRelation("pg_catalog", "pg_stats", RelationKind.SYSTEM, false, true, List.of(), null));
        return new ProtectedSchema(new CatalogSnapshot(relations, Set.of("leak", "my_func"), BUILT_IN_FUNCTIONS,
                Set.of("###"), Set.of("select", "from", "where", "and", "or", "group", "by", "order", "as", "count", "limit",
                        "text", "int4", "join", "on", "left", "is", "not", "null"), triggeredTables, triggerVariables, code, 1),
                masker);
    }

    static Masker profile() {
        return profile(null);
    }

    /** The shop's profile with these uses granted on card_number ({@code null}: the strategy's default, none). */
    static Masker profile(List<ColumnUse> cardUses) {
        List<ColumnRuleConfig> columns = List.of(
                new ColumnRuleConfig("customers.email", null, EntityType.EMAIL, StrategyConfig.parse("hash:format"), null,
                        List.of(ColumnUse.JOIN, ColumnUse.GROUP)),
                ColumnRuleConfig.mask("customers.phone", EntityType.PHONE, StrategyConfig.parse("partial:4")),
                new ColumnRuleConfig("customers.card_number", null, EntityType.CARD, StrategyConfig.parse("partial:4"), null,
                        cardUses),
                ColumnRuleConfig.mask("customers.national_id", EntityType.SSN, StrategyConfig.parse("partial:4")),
                new ColumnRuleConfig("customers.date_of_birth", null, EntityType.DATE_OF_BIRTH, StrategyConfig.parse("redact"),
                        null, List.of(ColumnUse.YEAR)));
        MaskingConfig config = new MaskingConfig(null, null, List.of(EntityType.EMAIL, EntityType.PHONE, EntityType.CARD,
                EntityType.IBAN, EntityType.SSN, EntityType.IP, EntityType.SECRET, EntityType.PERSON_NAME,
                EntityType.DATE_OF_BIRTH), java.util.Map.of("person_name", StrategyConfig.parse("hash")), columns,
                null, null, null);
        return new Masker(MaskingProfile.from(config, HashKey.of("a test key of enough bytes".getBytes(StandardCharsets.UTF_8))));
    }
}
