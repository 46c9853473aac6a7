package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.config.NotificationsConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells approvers that a command waits for them (webhook, Slack). The approval service calls each
 * notifier on a virtual thread of its own, so a notifier may block while it delivers (retries
 * included) without holding up the command's client. A notifier should not throw; if it does,
 * the service logs and drops the exception.
 */
public interface ApprovalNotifier {

    /**
     * @param approveCommand the exact CLI command an approver runs
     * @param approveUrl     a link to the approval in the console, or null when none is configured
     */
    void requested(PendingApproval approval, String approveCommand, String approveUrl);

    /** The notifiers a configuration asks for; resolves their secrets now, so start-up fails on a missing one. */
    static List<ApprovalNotifier> fromConfig(NotificationsConfig config) {
        List<ApprovalNotifier> notifiers = new ArrayList<>();
        if (config == null) {
            return notifiers;
        }
        config.webhooks().forEach(webhook -> notifiers.add(WebhookNotifier.from(webhook)));
        if (config.slack() != null) {
            notifiers.add(SlackNotifier.from(config.slack()));
        }
        return List.copyOf(notifiers);
    }
}
