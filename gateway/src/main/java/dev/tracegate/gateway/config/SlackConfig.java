package dev.tracegate.gateway.config;

/**
 * A Slack incoming webhook that is told about held commands.
 *
 * @param webhookUrl the incoming-webhook URL, by reference: the URL itself is the credential
 * @param attempts   deliveries tried before giving up, on connection errors and 5xx answers (default 3)
 */
public record SlackConfig(SecretReference webhookUrl, int attempts) {

    public SlackConfig {
        if (webhookUrl == null) {
            throw new ConfigException("approvals.notifications.slack.webhookUrl is required (env:NAME or file:/path)");
        }
        attempts = attempts <= 0 ? WebhookConfig.DEFAULT_ATTEMPTS : attempts;
    }
}
