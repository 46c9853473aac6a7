package dev.tracegate.gateway.config;

/**
 * Approvals: where approvers are notified, and where the console lives for approval links.
 *
 * @param consoleUrl    base URL of the web console (optional)
 * @param notifications webhooks and Slack
 */
public record ApprovalsConfig(String consoleUrl, NotificationsConfig notifications) {

    public ApprovalsConfig {
        notifications = notifications == null ? NotificationsConfig.none() : notifications;
    }
}
