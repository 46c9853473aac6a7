package dev.tracegate.gateway.config;

import java.time.Duration;

/**
 * Approvals: where approvers are notified, where the console lives for approval links, and how
 * long the standing access an approval may also grant can last.
 *
 * @param consoleUrl     base URL of the web console (optional)
 * @param notifications  webhooks and Slack
 * @param maxGrantHours  the longest grant an approver may give ({@code --grant}); 8 by default (a
 *                       working day), at most 168 (a week). A grant lets a person run a whole class
 *                       of statements unasked, so one without end would be a standing privilege
 *                       nobody reviews again.
 */
public record ApprovalsConfig(String consoleUrl, NotificationsConfig notifications, int maxGrantHours) {

    public static final int DEFAULT_MAX_GRANT_HOURS = 8;
    static final int MAX_GRANT_HOURS_LIMIT = 168;

    public ApprovalsConfig {
        notifications = notifications == null ? NotificationsConfig.none() : notifications;
        maxGrantHours = maxGrantHours <= 0 ? DEFAULT_MAX_GRANT_HOURS : maxGrantHours;
        if (maxGrantHours > MAX_GRANT_HOURS_LIMIT) {
            throw new ConfigException("approvals.maxGrantHours is at most " + MAX_GRANT_HOURS_LIMIT + ", got " + maxGrantHours);
        }
    }

    public ApprovalsConfig(String consoleUrl, NotificationsConfig notifications) {
        this(consoleUrl, notifications, 0);
    }

    /** {@link #maxGrantHours} as a duration. */
    public Duration maxGrant() {
        return Duration.ofHours(maxGrantHours);
    }
}
