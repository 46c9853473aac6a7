package dev.tracegate.gateway.config;

import java.util.List;

/**
 * Who is told when a command is held for approval.
 *
 * @param webhooks signed JSON receivers (none by default)
 * @param slack    a Slack incoming webhook, or null
 */
public record NotificationsConfig(List<WebhookConfig> webhooks, SlackConfig slack) {

    public NotificationsConfig {
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    }

    /** No notifications: approvers find held commands with {@code tracegate approvals list}. */
    public static NotificationsConfig none() {
        return new NotificationsConfig(null, null);
    }
}
