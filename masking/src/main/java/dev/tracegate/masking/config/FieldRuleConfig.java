package dev.tracegate.masking.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.masking.EntityType;

/**
 * A JSON field rule: {@code {path: "$.user.email", entity: EMAIL, strategy: "hash:format"}}.
 *
 * @param strategy null for the profile's strategy for the entity
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldRuleConfig(String path, EntityType entity, StrategyConfig strategy) {

    public FieldRuleConfig {
        if (path == null || entity == null) {
            throw new IllegalArgumentException("a field rule needs a path and an entity");
        }
    }
}
