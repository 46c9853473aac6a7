package dev.tracegate.gateway.config;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Claims whose values the user chooses at most providers (a display name, a username, a profile
 * field, an address nobody verified) or, for CI platforms, whoever writes the workflow file: a
 * condition on one admits whoever types the value. The configuration refuses conditions and
 * {@code groupsClaim} on them unless the issuer lists the claim under {@code administeredClaims},
 * where the operator asserts that only administrators set it at that provider.
 */
final class UserChosenClaims {

    /** OIDC Core's profile claims, Entra ID's names, and CI claims a committer writes. */
    static final Set<String> NAMES = Set.of(
            "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
            "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "address",
            // Entra ID: a guest's upn is made from the address the guest brought; unique_name is v1's display of it.
            "upn", "unique_name",
            // GitHub Actions: the workflow's name is whatever its file says; GitLab CI: the user's own address.
            "workflow", "user_email");

    private UserChosenClaims() {
    }

    /**
     * @param claims       the claims (or claim paths) a configuration entry conditions on
     * @param administered the claims the issuer declares administered
     * @param key          where in the configuration, for the message
     */
    static void requireNoneIn(Collection<String> claims, List<String> administered, String key) {
        for (String claim : claims) {
            String top = topLevel(claim);
            if (NAMES.contains(top) && !administered.contains(top)) {
                throw new ConfigException(key + " uses claim " + claim + ", which users choose at most providers (a"
                        + " name, username or profile field; for CI, what the workflow file says), so it would admit"
                        + " whoever writes that value: use a claim the provider controls (groups, roles, sub, tid, oid,"
                        + " repository, ref) or, if only administrators set " + top + " at this provider, list it under"
                        + " administeredClaims");
            }
        }
    }

    /** The claim a path starts at: {@code address.country} is inside {@code address}. */
    private static String topLevel(String claim) {
        int dot = claim.indexOf('.');
        return dot < 0 ? claim : claim.substring(0, dot);
    }
}
