package dev.tracegate.gateway.config;

import java.util.List;

/**
 * Audiences that name no one relying party but many: a provider's default, which every token it
 * issues for other services carries too, or a cloud's federation endpoint. Tokens bearing one are
 * handed to those services, and any of them could replay a token to the gateway; a condition on
 * the audience is what keeps a token meant for someone else out, so these are refused at load.
 */
final class SharedAudiences {

    private static final String GITHUB_ACTIONS = "https://token.actions.githubusercontent.com";

    private SharedAudiences() {
    }

    /** Why {@code audience} names more than the gateway for tokens of {@code issuer}, or null when it need not. */
    static String sharedBy(String issuer, String audience) {
        if (audience.equals("sts.amazonaws.com")) {
            return "AWS STS, the audience AWS role federation asks CI jobs for";
        }
        if (audience.equals("api://AzureADTokenExchange")) {
            return "Entra ID workload identity federation's audience";
        }
        if (audience.startsWith("//iam.googleapis.com/") || audience.startsWith("https://iam.googleapis.com/")) {
            return "Google Cloud workload identity federation's audience";
        }
        if (issuer.equals(GITHUB_ACTIONS) && audience.startsWith("https://github.com/")) {
            return "GitHub's default audience, which every job's token for any cloud carries unless asked otherwise";
        }
        if (issuer.contains("/realms/") && audience.equals("account")) {
            return "Keycloak's default audience, which every client's access tokens in the realm carry";
        }
        return null;
    }

    static void requireNoneIn(String issuer, List<String> audiences, String key) {
        for (String audience : audiences) {
            String shared = sharedBy(issuer, audience);
            if (shared != null) {
                throw new ConfigException(key + " names " + audience + ", " + shared + ": tokens meant for those"
                        + " services would sign in here too; give the gateway an audience of its own (for CI, ask for"
                        + " it when requesting the token; in Keycloak, an Audience mapper)");
            }
        }
    }
}
