package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.approval.ApprovalResult;
import dev.tracegate.gateway.approval.ApprovalOutcome;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds one command on its open connection until an approver decides.
 *
 * <p>The client is told at once, with a NoticeResponse (psql prints it, pgjdbc exposes it as a
 * warning), which approval it waits for and the exact command an approver runs. While waiting,
 * the connection is watched without consuming what the client pipelines: a client that goes
 * away, or cancels, withdraws its request.
 */
final class CommandHold {

    private static final long POLL_MILLIS = 250;

    private final ClientInput clientInput;
    private final InputStream clientBytes;
    private final PgFrameWriter client;
    private final ApprovalService approvals;
    private volatile PendingApproval current;

    CommandHold(ClientInput clientInput, InputStream clientBytes, PgFrameWriter client, ApprovalService approvals) {
        this.clientInput = clientInput;
        this.clientBytes = clientBytes;
        this.client = client;
        this.approvals = approvals;
    }

    /** Waits for the decision; the caller forwards the command only when it is APPROVED. */
    ApprovalResult await(PendingApproval pending, String rule, String reason) throws IOException {
        current = pending;
        try {
            notice(pending, rule, reason);
            boolean watching = true;
            while (true) {
                try {
                    return pending.decision().get(watching ? 1 : POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (watching) {
                        watching = watchClient(pending);
                    }
                } catch (ExecutionException e) {
                    return new ApprovalResult(ApprovalOutcome.WITHDRAWN, List.of(), "approval failed: " + e.getCause().getMessage(), false);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    approvals.withdraw(pending.id(), "gateway shutting down");
                    return new ApprovalResult(ApprovalOutcome.WITHDRAWN, List.of(), "gateway shutting down", false);
                }
            }
        } finally {
            current = null;
        }
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

    /**
     * Peeks at the client for up to one poll interval without consuming anything.
     *
     * @return false once the client has sent more data (it is pipelining; stop peeking and just wait)
     */
    private boolean watchClient(PendingApproval pending) throws IOException {
        try {
            return clientInput.polling((int) POLL_MILLIS, () -> {
                clientBytes.mark(1);
                int next = clientBytes.read();
                if (next < 0) {
                    approvals.withdraw(pending.id(), "the client disconnected while waiting");
                    return false;
                }
                clientBytes.reset();
                return false;
            });
        } catch (SocketTimeoutException e) {
            return true;
        }
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
