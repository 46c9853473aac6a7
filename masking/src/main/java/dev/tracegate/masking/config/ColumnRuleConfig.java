package dev.tracegate.masking.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.masking.ColumnUse;
import dev.tracegate.masking.EntityType;
import java.util.List;

/**
 * A column rule: {@code {match: "customers.email", entity: EMAIL, strategy: "hash:format"}}, {@code
 * {type: inet, entity: IP}}, or {@code {match: "*.payload", json: true}}.
 *
 * @param match    column pattern, {@code [schema.][table.]column} with {@code *} globs; or null with a type
 * @param type     PostgreSQL type name glob ({@code inet}, {@code json*}); or null with a match
 * @param entity   what the column holds; the whole value is masked as this entity
 * @param strategy how; null for the profile's strategy for the entity
 * @param json     walk the values as JSON with the field rules and content detectors instead
 * @param uses     what masked callers may do with the clear value in their statements (docs/masking.md);
 *                 null for the strategy's default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnRuleConfig(String match, String type, EntityType entity, StrategyConfig strategy, Boolean json,
                               List<ColumnUse> uses) {

    public ColumnRuleConfig {
        uses = uses == null ? null : List.copyOf(uses);
        if (match == null && type == null) {
            throw new IllegalArgumentException("a column rule needs match, type, or both");
        }
        boolean walk = Boolean.TRUE.equals(json);
        if (walk && (entity != null || strategy != null)) {
            throw new IllegalArgumentException("column rule " + describe(match, type)
                    + ": json: true walks the document; put entities and strategies in field rules");
        }
        if (!walk && entity == null) {
            throw new IllegalArgumentException("column rule " + describe(match, type) + " needs an entity (or json: true)");
        }
    }

    public ColumnRuleConfig(String match, String type, EntityType entity, StrategyConfig strategy, Boolean json) {
        this(match, type, entity, strategy, json, null);
    }

    public static ColumnRuleConfig mask(String match, EntityType entity, StrategyConfig strategy) {
        return new ColumnRuleConfig(match, null, entity, strategy, null);
    }

    private static String describe(String match, String type) {
        return match != null ? "'" + match + "'" : "for type '" + type + "'";
    }
}
