package dev.tracegate.gateway.config;

import java.util.List;

/**
 * An identity that authenticates with a static key (service accounts, and the demo's users).
 *
 * @param name   identity name; becomes the subject {@code apikey:<name>}
 * @param key    the key, by reference
 * @param groups groups used by policy
 * @param kind   {@code human}, {@code service} or {@code agent}
 * @param email  optional, carried into evidence
 */
public record ApiKeyConfig(String name, SecretReference key, List<String> groups, String kind, String email) {

    public ApiKeyConfig {
        ConnectionConfig.require(name, "identities.apiKeys[].name");
        if (key == null) {
            throw new ConfigException("identities.apiKeys[" + name + "].key is required");
        }
        groups = groups == null ? List.of() : List.copyOf(groups);
        kind = kind == null ? "service" : kind;
        if (!List.of("human", "service", "agent").contains(kind)) {
            throw new ConfigException("identities.apiKeys[" + name + "].kind must be human, service or agent");
        }
    }
}
