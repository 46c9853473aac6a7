package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.KeyWatch;
import dev.tracegate.gateway.identity.SessionKey;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.gateway.recording.Redaction;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import jakarta.servlet.AsyncContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One MCP session as evidence: a session whose commands are the agent's tool calls, one
 * {@code command} per call (written before the call does anything) and its {@code command.result}.
 * What a call runs on a connection is recorded again, in full, by that connection's listener, in
 * a session of its own with the same identity and trace.
 *
 * <p>It stands on the sign-in that opened it, as a PostgreSQL or SSH session does: its key, the
 * console session its token was issued through, and the sign-in's end. A request signed in otherwise
 * does not join it, and once that sign-in no longer stands (the key revoked, the console signed out)
 * the session ends, in the evidence and for the client, though no request comes.
 */
final class AgentSession {

    static final String PROTOCOL = "mcp";

    private final SessionRecorder recorder;
    /** Watches the sign-in while the session is open; null until {@link #watchSignIn}. */
    private volatile KeyWatch watch;
    private final SessionStreams streams = new SessionStreams();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private AgentSession(SessionRecorder recorder) {
        this.recorder = recorder;
    }

    static AgentSession open(EvidenceLog log, String id, Identity identity, SessionKey signedInWith, String client,
                             String clientName) {
        SessionRecorder recorder = new SessionRecorder(log, new SessionInfo(id, identity, client,
                new EvidenceEvent.Resource(PROTOCOL, PROTOCOL, "/mcp"), null, clientName, null, signedInWith));
        recorder.opened(EvidenceEvent.newDetail().put("transport", "streamable-http"));
        return new AgentSession(recorder);
    }

    Identity identity() {
        return recorder.session().identity();
    }

    /** Whether a request by {@code identity}, signed in with {@code key}, belongs to this session. */
    boolean serves(Identity identity, SessionKey key) {
        return identity().samePerson(identity) && recorder.session().signedInWith().sameKeyAs(key);
    }

    /** Ends the session through {@code ending} (told why) once its sign-in no longer stands. */
    void watchSignIn(Consumer<AuthenticationException> ending) {
        watch = recorder.session().signedInWith().watch(ending);
        if (closed.get()) {
            watch.close();
        }
    }

    String id() {
        return recorder.session().id();
    }

    /** A stream the client opened to hear the server on: it ends when the session does. */
    void streaming(AsyncContext stream) {
        streams.add(stream);
    }

    /**
     * Records that tool {@code tool} is called, and waits until that is durable (write-ahead).
     *
     * @param subject what the call is about ({@code shop}, {@code traces}); prefixes the recorded text
     * @param recorded the call's own text (SQL, a request line) as the policy's record profile keeps it
     * @return the call's sequence number in the session
     */
    long called(String tool, String subject, RecordedCommand recorded, String trace) throws EvidenceLogUnavailableException {
        long seq = calls.incrementAndGet();
        String prefix = tool + (subject == null ? "" : " " + subject) + (recorded.text().isEmpty() ? "" : ": ");
        int shift = prefix.codePointCount(0, prefix.length());
        List<Redaction> redactions = recorded.redactions().stream().map(r -> r.parameter() != null || r.header() != null ? r
                : new Redaction(null, null, r.at() + shift, r.length(), r.entity(), r.hmac())).toList();
        EvidenceLog.awaitDurable(recorder.command(new CommandRecord(seq, "tools/call", prefix + recorded.text(), null,
                recorded.parameters(), trace, null, null, redactions)));
        return seq;
    }

    /**
     * Records a tool call the gateway refused before anything ran (a notification, an unknown tool, a
     * batch): its text as asked, already through the record profile, and why.
     */
    void refused(String asked, String code, String reason) {
        long seq = calls.incrementAndGet();
        recorder.command(new CommandRecord(seq, "tools/call", asked, null, List.of(), null, null, null, List.of()));
        recorder.result(new ResultRecord(seq, "refused", List.of(), 0, 0, code, reason));
    }

    /** How call {@code seq} ended: {@code ok}, {@code error}, {@code blocked} or {@code held}. */
    void ended(long seq, String status, long rows, long startedNanos, String code, String message) {
        recorder.result(new ResultRecord(seq, status, List.of(), rows, (System.nanoTime() - startedNanos) / 1_000,
                code, message));
    }

    void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            KeyWatch watching = watch;
            if (watching != null) {
                watching.close();
            }
            streams.endAll();
            recorder.closed(reason);
        }
    }
}
