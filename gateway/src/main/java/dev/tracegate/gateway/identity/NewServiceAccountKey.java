package dev.tracegate.gateway.identity;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A request to create a service-account key.
 *
 * @param account     service account name: letters, digits, {@code . _ -}, at most 128
 * @param groups      groups the key grants
 * @param kind        {@code service} (default) or {@code agent}
 * @param description what it is for, optional
 * @param lifetime    how long it works, or null for until revoked
 * @param createdBy   the subject of whoever asks, optional
 * @param createdByEmail their email address, optional: the same person under another identity holds the key too
 */
public record NewServiceAccountKey(String account, List<String> groups, String kind, String description,
                                   Duration lifetime, String createdBy, String createdByEmail) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public NewServiceAccountKey {
        if (account == null || !NAME.matcher(account).matches()) {
            throw new IllegalArgumentException("a service account name is 1 to 128 letters, digits, '.', '_' or '-'");
        }
        groups = groups == null ? List.of() : List.copyOf(groups);
        if (groups.stream().anyMatch(g -> g == null || g.isBlank())) {
            throw new IllegalArgumentException("group names must not be empty");
        }
        kind = kind == null ? "service" : kind;
        if (!kind.equals("service") && !kind.equals("agent")) {
            throw new IllegalArgumentException("a service account's kind is service or agent");
        }
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new IllegalArgumentException("a key's lifetime must be positive");
        }
    }

    /** A request whose creator has no email address the gateway knows. */
    public NewServiceAccountKey(String account, List<String> groups, String kind, String description, Duration lifetime,
                                String createdBy) {
        this(account, groups, kind, description, lifetime, createdBy, null);
    }
}
