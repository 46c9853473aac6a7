package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.config.SlackConfig;
import dev.tracegate.gateway.identity.Identity;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts a held command to a Slack channel through an incoming webhook: who, where, the command,
 * and the exact command (and console link) to approve it.
 */
public final class SlackNotifier implements ApprovalNotifier {

    /** Slack truncates long messages badly; the full command is in the console and the evidence. */
    static final int MAX_COMMAND_CHARS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI webhookUrl;
    private final WebhookDelivery delivery;

    public SlackNotifier(URI webhookUrl, int attempts, Duration firstBackoff) {
        this.webhookUrl = webhookUrl;
        this.delivery = new WebhookDelivery(attempts, firstBackoff);
    }

    /** Resolves the webhook URL (a credential) now, so a missing one fails start-up. */
    public static SlackNotifier from(SlackConfig config) {
        return new SlackNotifier(URI.create(config.webhookUrl().resolve().strip()), config.attempts(), Duration.ofSeconds(1));
    }

    @Override
    public void requested(PendingApproval approval, String approveCommand, String approveUrl) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("text", text(approval, approveCommand, approveUrl)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
        // The URL is the credential: logs name Slack, never the URL.
        delivery.deliver("slack", approval.id(), () -> WebhookDelivery.post(webhookUrl, body).build());
    }

    /**
     * The message. A command over {@link #MAX_COMMAND_CHARS} is cut, and then the message says how
     * much is left out and offers no approve command, only where to read it whole: its tail (past
     * a run of spaces or blank lines, or a long harmless statement) may be what it runs, and an
     * approver who approved from the message would approve what they never read.
     */
    static String text(PendingApproval approval, String approveCommand, String approveUrl) {
        ApprovalRequest request = approval.request();
        String command = request.command();
        int leftOut = Math.max(0, command.length() - MAX_COMMAND_CHARS);
        StringBuilder text = new StringBuilder()
                .append(":hourglass: *Approval needed* `").append(approval.id()).append("`: ")
                .append(escape(who(request.requester()))).append(" wants to run a ")
                .append(escape(request.statementClass())).append(" statement on *").append(escape(request.connection()))
                .append("* (rule ").append(escape(request.rule())).append(": ").append(escape(request.reason())).append(")\n")
                .append("```").append(escape(command.substring(0, command.length() - leftOut).replace("```", "'''")))
                .append("```\n");
        if (leftOut > 0) {
            text.append(":warning: *Cut here: ").append(leftOut).append(" more characters of the command are not shown.*")
                    .append(" Read it whole before deciding: `tracegate approvals show ").append(approval.id()).append('`');
        } else {
            text.append("Approve: `").append(escape(approveCommand)).append(" --reason \"...\"`");
        }
        if (approveUrl != null) {
            text.append(" or <").append(approveUrl).append(leftOut > 0 ? "|read it in the console>" : "|open it in the console>");
        }
        text.append("\nExpires at ").append(approval.expiresAt()).append('.');
        return text.toString();
    }

    private static String who(Identity identity) {
        return identity.name() != null ? identity.name() : identity.subject();
    }

    /** Slack's mrkdwn treats these three as control characters; everything else is literal. */
    static String escape(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
