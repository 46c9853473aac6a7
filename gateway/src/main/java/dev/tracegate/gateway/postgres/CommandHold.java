package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.approval.ApprovalResult;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.engine.ClientInput;
import dev.tracegate.gateway.engine.ClientWatch;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * Holds one command on its open connection until an approver decides.
 *
 * <p>The client is told at once, with a NoticeResponse (psql prints it, pgjdbc exposes it as a
 * warning), which approval it waits for and the exact command an approver runs. While waiting,
 * the connection is watched without consuming what the client pipelines: a client that goes
 * away, or cancels, withdraws its request.
 */
final class CommandHold {

    private final ClientInput clientInput;
    private final InputStream clientBytes;
    private final PgFrameWriter client;
    private final ApprovalService approvals;
    private final CommandGate gate;
    private volatile PendingApproval current;

    CommandHold(ClientInput clientInput, InputStream clientBytes, PgFrameWriter client, ApprovalService approvals,
                CommandGate gate) {
        this.clientInput = clientInput;
        this.clientBytes = clientBytes;
        this.client = client;
        this.approvals = approvals;
        this.gate = gate;
    }

    /** Waits for the decision; the caller forwards the command only when it is APPROVED. */
    ApprovalResult await(PendingApproval pending, String rule, String reason) throws IOException {
        current = pending;
        try {
            notice(pending, rule, reason);
            return gate.await(pending, this::look);
        } finally {
            current = null;
        }
    }

    /** Whether a command waits for approvers now: its approval is checked against the key when decided. */
    boolean holding() {
        return current != null;
    }

    /** A CancelRequest for this session arrived: a held command is withdrawn instead of forwarded. */
    boolean cancel() {
        PendingApproval pending = current;
        if (pending == null) {
            return false;
        }
        approvals.withdraw(pending.id(), "the client cancelled the statement");
        return true;
    }

    /** Peeks at the client for up to {@code millis} without consuming anything. */
    private ClientWatch.Seen look(int millis) throws IOException {
        return clientInput.polling(millis, () -> ClientWatch.peek(clientBytes));
    }

    /** How the notice of a held statement begins; the approval's id follows (see {@link #heldApproval}). */
    static final String HELD_NOTICE = "tracegate: statement held for approval ";

    /** The approval a NoticeResponse's message says the statement waits for, if it says so. */
    public static java.util.Optional<String> heldApproval(String noticeMessage) {
        if (noticeMessage == null || !noticeMessage.startsWith(HELD_NOTICE)) {
            return java.util.Optional.empty();
        }
        String rest = noticeMessage.substring(HELD_NOTICE.length());
        int end = rest.indexOf(' ');
        return java.util.Optional.of(end < 0 ? rest : rest.substring(0, end));
    }

    private void notice(PendingApproval pending, String rule, String reason) throws IOException {
        String command = ApprovalService.approveCommand(pending.id());
        String url = approvals.approveUrl(pending.id());
        NoticeResponse notice = NoticeResponse.of("NOTICE", "01000",
                HELD_NOTICE + pending.id() + " (rule " + rule + ": " + reason
                        + "); an approver runs: " + command + (url == null ? "" : " or opens " + url),
                "The statement waits until an approver decides, or until " + pending.expiresAt() + ".",
                "To approve: " + command + " --reason \"...\"" + (url == null ? "" : ", or in the console: " + url));
        synchronized (client) {
            client.write(notice.encode());
            client.flush();
        }
    }
}
