package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The cancels aimed at one session, recorded in it. A CancelRequest arrives on a connection of its
 * own, carrying nothing but the session's key, and stops whatever the session's backend is running:
 * a command the client makes like any other, so it is a {@code command} of the session it cancels,
 * durable before the cancel is forwarded (write-ahead), with its end, and is not forwarded when the
 * evidence log cannot confirm it (fail closed: the statement it would have stopped runs on).
 *
 * <p>Its seq comes from the session's own counter ({@code sequences}, shared with the session's
 * relay), as the cancel's thread is not the session's.
 */
final class SessionCancels {
    /** The message, as the record names it. */
    static final String MESSAGE = "CancelRequest";

    private final SessionRecorder recorder;
    private final AtomicLong sequences;
    /** The session is ending: its close is being recorded, and nothing of it may come after. */
    private boolean ended;

    SessionCancels(SessionRecorder recorder, AtomicLong sequences) {
        this.recorder = recorder;
        this.sequences = sequences;
    }

    /**
     * Records the cancel from {@code source}, then sends it with {@code send} (which answers why
     * it did not reach the server, or nothing), then records how that went.
     *
     * @return whether it was forwarded: not when the evidence log could not confirm its record,
     *         nor once the session has ended
     */
    synchronized boolean forward(String source, Supplier<Optional<String>> send) {
        if (ended) {
            return false;
        }
        long seq = sequences.incrementAndGet();
        try {
            EvidenceLog.awaitDurable(recorder.command(new CommandRecord(seq, MESSAGE, MESSAGE + " (from " + source + ")",
                    null, null, recorder.session().trace(), null, null)));
        } catch (EvidenceLogUnavailableException e) {
            return false;
        }
        long started = System.nanoTime();
        Optional<String> failure = send.get();
        long micros = (System.nanoTime() - started) / 1_000;
        recorder.result(failure.isEmpty()
                ? new ResultRecord(seq, "ok", List.of(), 0, micros, null, null)
                : new ResultRecord(seq, "error", List.of(), 0, micros, "08006", "the cancel did not reach the server: "
                        + failure.get()));
        return true;
    }

    /**
     * The session ends: a cancel being recorded finishes first (with its result, before the
     * session's close), and none is recorded or forwarded after.
     */
    synchronized void end() {
        ended = true;
    }
}
