package dev.tracegate.policy.rules;

import java.util.Set;

/**
 * Who runs a command, where: the facts a rule can match besides the command itself.
 *
 * @param connection the connection name
 * @param protocol   {@code postgres}, {@code http}, ...
 * @param groups     the caller's verified groups
 * @param kind       {@code human}, {@code service} or {@code agent}
 */
public record Subject(String connection, String protocol, Set<String> groups, String kind) {

    public Subject {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }
}
