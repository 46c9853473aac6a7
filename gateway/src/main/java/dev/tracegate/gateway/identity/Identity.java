package dev.tracegate.gateway.identity;

import java.util.List;
import java.util.Objects;

/**
 * A verified caller. Issuer plus subject is the identity; the rest is carried into every event.
 *
 * @param issuer  who vouches for the caller ({@code tracegate} for keys the gateway issued)
 * @param subject the caller's stable id at that issuer
 * @param name    display name
 * @param email   optional
 * @param groups  sorted, used by policy
 * @param kind    {@code human}, {@code service} or {@code agent}
 */
public record Identity(String issuer, String subject, String name, String email, List<String> groups, String kind) {

    public Identity {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        groups = groups == null ? List.of() : groups.stream().sorted().distinct().toList();
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
