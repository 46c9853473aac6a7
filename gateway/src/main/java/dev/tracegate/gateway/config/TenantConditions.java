package dev.tracegate.gateway.config;

import java.util.Map;
import java.util.Set;

/**
 * Whether an exchange rule's conditions pin whose jobs it trusts. A CI platform signs tokens for
 * every repository and project it hosts, so a rule must name the owner: a condition on a claim
 * that says whose the job is, with a value that cannot be someone else's. {@code acme/*} names
 * acme's repositories; {@code acme*} also names {@code acme-evil}'s, and {@code *} everyone's,
 * and a rule whose only exact condition is {@code ref: refs/heads/main} trusts every repository's
 * main branch.
 */
final class TenantConditions {

    /**
     * Claims that say whose a job is: GitHub's and GitLab's owner, repository and project claims, and
     * {@code sub}, which every platform begins with the tenant ({@code repo:acme/shop:...},
     * {@code project_path:acme/billing:...}, {@code organization:acme:...}, {@code org/<id>/...}).
     */
    private static final Set<String> OWNER_CLAIMS = Set.of("sub", "repository", "repository_id", "repository_owner",
            "repository_owner_id", "job_workflow_ref", "project_path", "project_id", "namespace_path", "namespace_id",
            "organization_id", "organization_slug");
    private static final String DELIMITERS = "/:";

    private TenantConditions() {
    }

    static void requireTenant(Map<String, String> claims, String key) {
        boolean pinned = claims.entrySet().stream().anyMatch(condition -> OWNER_CLAIMS.contains(condition.getKey())
                && closedPrefix(condition.getValue(), condition.getKey().equals("sub") ? 2 : 1));
        if (!pinned) {
            throw new ConfigException(key + " does not say whose jobs it trusts: the CI platform signs tokens for every"
                    + " repository and project it hosts, so name the owner in one of " + String.join(", ",
                    OWNER_CLAIMS.stream().sorted().toList()) + ", exactly or with * only after a / or : that ends"
                    + " the owner (repository: acme/*, not acme*)");
        }
    }

    /**
     * No {@code *}, or one only after a literal of at least {@code segments} whole segments, each
     * ended by a delimiter, so the owner is whole: {@code sub}'s first segment is only its kind
     * ({@code repo:}), so {@code repo:*} names no one and {@code sub} needs two.
     */
    private static boolean closedPrefix(String pattern, int segments) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return true;
        }
        if (star == 0 || DELIMITERS.indexOf(pattern.charAt(star - 1)) < 0) {
            return false;
        }
        int ended = 0;
        for (int i = 1; i < star; i++) {
            if (DELIMITERS.indexOf(pattern.charAt(i)) >= 0 && DELIMITERS.indexOf(pattern.charAt(i - 1)) < 0) {
                ended++;
            }
        }
        return ended >= segments;
    }
}
