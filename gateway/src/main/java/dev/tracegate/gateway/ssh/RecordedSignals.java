package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals a caller sends the host's process of a channel (an SSH {@code signal} request:
 * {@code INT}, {@code TERM}, {@code KILL}, ...). A signal stops or changes what runs, as a
 * PostgreSQL cancel or a MySQL KILL does, so each is a {@code command} of the session
 * ({@code message} {@code signal}, {@code text} {@code signal TERM}), durable before it is passed
 * on, with its end; one the evidence log cannot confirm is not passed on.
 */
final class RecordedSignals {
    private static final Logger LOG = LoggerFactory.getLogger(RecordedSignals.class);
    static final String MESSAGE = "signal";

    private final SshCaller caller;
    private final PtyCapableChannelSession channel;
    /**
     * Records and passes on the channel's signals one at a time, in the order they came, off the
     * SSH transport's thread: a durable wait there would hold every session that thread serves.
     */
    private final ExecutorService inOrder = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ssh-signals").factory());

    RecordedSignals(SshCaller caller, PtyCapableChannelSession channel) {
        this.caller = caller;
        this.channel = channel;
    }

    /** Records the signal and then passes it on, after those that came before it. */
    void forward(Signal signal) {
        try {
            inOrder.execute(() -> recordThenSend(signal));
        } catch (RejectedExecutionException e) {
            LOG.debug("signal {} after its channel ended: not passed on", signal);
        }
    }

    /**
     * The channel ended: no new signal is taken, and those already taken are recorded (their sending
     * fails) before this returns, so that each is in the log before the channel's end and its
     * session's.
     */
    void close() {
        inOrder.shutdown();
        try {
            if (!inOrder.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("signals of a channel still not recorded 30 s after it ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void recordThenSend(Signal signal) {
        SessionRecorder recorder = caller.recorder();
        long seq = caller.nextSequence();
        try {
            EvidenceLog.awaitDurable(recorder.command(new CommandRecord(seq, MESSAGE, MESSAGE + " " + signal.name(), null, null,
                    recorder.session().trace(), null, null)));
        } catch (EvidenceLogUnavailableException e) {
            LOG.warn("signal {} not passed on: the evidence log cannot record it", signal);
            return;
        }
        long started = System.nanoTime();
        String failure = send(signal);
        long micros = (System.nanoTime() - started) / 1_000;
        recorder.result(failure == null ? new ResultRecord(seq, "ok", List.of(), 0, micros, null, null)
                : new ResultRecord(seq, "error", List.of(), 0, micros, null, "the signal did not reach the host: " + failure));
    }

    /** Passes the signal on; returns why it could not be, or null. */
    private String send(Signal signal) {
        try {
            Buffer buffer = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST);
            buffer.putUInt(channel.getRecipient());
            buffer.putString(MESSAGE);
            buffer.putBoolean(false);
            buffer.putString(signal.name());
            channel.writePacket(buffer);
            return null;
        } catch (IOException e) {
            LOG.debug("signal {} not passed on: {}", signal, e.toString());
            return e.getMessage();
        }
    }
}
