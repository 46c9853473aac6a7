package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.util.Map;
import java.util.Set;

/**
 * What a sign-in asks the provider for.
 *
 * @param scope space-separated scopes; {@code openid} makes it OpenID Connect, {@code offline_access}
 *              asks for a refresh token
 * @param audience sent as the {@code audience} parameter (Auth0 and others); null to send none
 * @param extraAuthorizationParameters added to the browser sign-in's authorization address, for
 *              providers with parameters of their own (Google's {@code access_type=offline})
 */
record SignInRequest(String scope, String audience, Map<String, String> extraAuthorizationParameters) {

    /** Parameters the sign-in itself sets; an extra parameter may not replace them. */
    private static final Set<String> OWN_PARAMETERS = Set.of("response_type", "client_id", "redirect_uri", "scope", "state",
            "code_challenge", "code_challenge_method", "audience");

    SignInRequest(String scope, String audience) {
        this(scope, audience, Map.of());
    }

    SignInRequest {
        extraAuthorizationParameters = Map.copyOf(extraAuthorizationParameters);
        for (String name : extraAuthorizationParameters.keySet()) {
            if (OWN_PARAMETERS.contains(name)) {
                throw new CliException("--auth-param cannot set " + name + (name.equals("scope") || name.equals("audience")
                        ? "; use --" + name : ", which tracegate login sets itself"));
            }
        }
        if (scope == null || scope.isBlank()) {
            throw new CliException("--scope is empty");
        }
        scope = scope.strip();
        if (audience != null && audience.isBlank()) {
            audience = null;
        }
    }
}
