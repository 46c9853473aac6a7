package dev.tracegate.gateway.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Claim conditions as written in the configuration ({@code repository: acme/shop},
 * {@code ref: refs/tags/v*}): every condition must hold. A condition holds when the claim at its
 * {@link ClaimPath} has a value (or, for a list, an element) equal to the pattern, where {@code *}
 * stands for any run of characters. Matching is exact and case-sensitive otherwise, and a missing
 * claim never matches.
 *
 * <p>A condition on OIDC's {@code email} claim holds only when the token's {@code email_verified}
 * is true as well: many providers let a user type any address into their profile (Keycloak with
 * self-service accounts, Entra ID's mutable {@code email}) and issue it unverified, so
 * {@code email: "*@acme.com"} would otherwise admit anyone who writes an Acme address.
 */
public final class ClaimConditions {

    /** The claim OIDC Core vouches for only through {@link #EMAIL_VERIFIED}. */
    static final String EMAIL = "email";
    static final String EMAIL_VERIFIED = "email_verified";

    private final Map<String, Pattern> patterns;

    public ClaimConditions(Map<String, String> conditions) {
        this.patterns = conditions.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> glob(e.getValue())));
    }

    public boolean matches(Map<String, ?> claims) {
        return firstMismatch(claims).isEmpty();
    }

    /** The name of a claim whose condition does not hold, if any (never the expected value). */
    public Optional<String> firstMismatch(Map<String, ?> claims) {
        for (Map.Entry<String, Pattern> condition : patterns.entrySet()) {
            if (condition.getKey().equals(EMAIL) && !emailVerified(claims)) {
                return Optional.of(EMAIL);
            }
            List<String> values = ClaimPath.strings(claims, condition.getKey());
            if (values.stream().noneMatch(v -> condition.getValue().matcher(v).matches())) {
                return Optional.of(condition.getKey());
            }
        }
        return Optional.empty();
    }

    /**
     * The provider says it checked the address: {@code email_verified} is true, as a boolean or, as
     * some providers write it (Amazon Cognito), the string {@code "true"}.
     */
    public static boolean emailVerified(Map<String, ?> claims) {
        Object verified = claims.get(EMAIL_VERIFIED);
        return Boolean.TRUE.equals(verified) || "true".equals(verified);
    }

    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        int start = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', start)) {
            regex.append(Pattern.quote(pattern.substring(start, star))).append(".*");
            start = star + 1;
        }
        regex.append(Pattern.quote(pattern.substring(start)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
