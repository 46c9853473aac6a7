package dev.tracegate.masking.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A custom content detector: {@code {name: employee_id, pattern: "EMP-[0-9]{6}", denyList: [Project
 * Falcon], allowList: [EMP-000000], strategy: redact}}.
 *
 * @param name      the report's name ({@code CUSTOM:employee_id}) and the default placeholder ({@code [EMPLOYEE_ID]})
 * @param pattern   a Java regular expression, or null with a deny list
 * @param denyList  terms always masked wherever they occur as whole words, in any case
 * @param allowList matches never masked
 * @param strategy  null for redact
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomDetectorConfig(String name, String pattern, List<String> denyList, List<String> allowList,
        StrategyConfig strategy) {

    public CustomDetectorConfig {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("a custom detector needs a name of letters, digits, _ and -, got '" + name + "'");
        }
        denyList = denyList == null ? List.of() : List.copyOf(denyList);
        allowList = allowList == null ? List.of() : List.copyOf(allowList);
        if ((pattern == null || pattern.isEmpty()) && denyList.isEmpty()) {
            throw new IllegalArgumentException("custom detector '" + name + "' needs a pattern or a deny list");
        }
    }
}
