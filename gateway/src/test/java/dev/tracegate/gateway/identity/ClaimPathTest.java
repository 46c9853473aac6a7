package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimPathTest {

    private static final Map<String, Object> CLAIMS = Map.of(
            "groups", List.of("a", "b"),
            "https://example.com/groups", List.of("support"),
            "https://example.com/claims", Map.of("roles", List.of("dba")),
            "realm_access", Map.of("roles", List.of("admin", 7, Map.of("not", "a name"))),
            "email_verified", true);

    @Test
    void plainNamespacedNestedAndMixedPathsResolve() {
        assertThat(ClaimPath.strings(CLAIMS, "groups")).containsExactly("a", "b");
        assertThat(ClaimPath.strings(CLAIMS, "https://example.com/groups")).containsExactly("support");
        assertThat(ClaimPath.strings(CLAIMS, "https://example.com/claims.roles")).containsExactly("dba");
        assertThat(ClaimPath.strings(CLAIMS, "realm_access.roles")).containsExactly("admin", "7");
        assertThat(ClaimPath.strings(CLAIMS, "realm_access.missing")).isEmpty();
        assertThat(ClaimPath.strings(CLAIMS, "nothing")).isEmpty();
    }

    @Test
    void conditionsMatchWholeValuesWithStarsAndAnyListElement() {
        assertThat(new ClaimConditions(Map.of("groups", "b")).matches(CLAIMS)).isTrue();
        assertThat(new ClaimConditions(Map.of("email_verified", "true")).matches(CLAIMS)).isTrue();
        assertThat(new ClaimConditions(Map.of("https://example.com/groups", "sup*")).matches(CLAIMS)).isTrue();
        assertThat(new ClaimConditions(Map.of("groups", "a.")).matches(CLAIMS)).isFalse();
        assertThat(new ClaimConditions(Map.of("groups", "ab")).matches(CLAIMS)).isFalse();
        assertThat(new ClaimConditions(Map.of("groups", "a", "realm_access.roles", "root"))
                .firstMismatch(CLAIMS)).contains("realm_access.roles");
        assertThat(new ClaimConditions(Map.of("missing", "*")).matches(CLAIMS)).isFalse();
    }
}
