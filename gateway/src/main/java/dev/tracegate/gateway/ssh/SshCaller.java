package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.engine.SessionPlace;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Subject;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * One authenticated SSH session through the gateway: who the caller is, which host, its evidence
 * session, and the one upstream SSH session its channels share (opened with the first channel).
 */
final class SshCaller {

    static final AttributeKey<SshCaller> KEY = new AttributeKey<>();

    private final Identity identity;
    private final SshConnectionConfig connection;
    private final SessionRecorder recorder;
    private final SessionPlace place;
    private final AtomicLong sequence = new AtomicLong();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private ClientSession upstream;

    /** @param place the session's place within the limits per caller, freed when it closes */
    SshCaller(Identity identity, SshConnectionConfig connection, SessionRecorder recorder, SessionPlace place) {
        this.identity = identity;
        this.connection = connection;
        this.recorder = recorder;
        this.place = place;
    }

    Identity identity() {
        return identity;
    }

    SshConnectionConfig connection() {
        return connection;
    }

    SessionRecorder recorder() {
        return recorder;
    }

    Subject subject() {
        return new Subject(connection.name(), SshEngine.PROTOCOL, Set.copyOf(identity.groups()), identity.kind());
    }

    long nextSequence() {
        return sequence.incrementAndGet();
    }

    /** Completes with the reason when the caller's session ends (held requests are then withdrawn). */
    CompletableFuture<String> closed() {
        return closed;
    }

    /** The upstream session, logged in with the held credential on first use. */
    synchronized ClientSession upstream(UpstreamHosts hosts) throws IOException {
        if (closed.isDone()) {
            throw new IOException("the session has ended");
        }
        if (upstream == null || upstream.isClosing() || upstream.isClosed()) {
            upstream = hosts.connect(connection);
        }
        return upstream;
    }

    /** Ends the upstream session and the evidence session, once. */
    void close(String reason) {
        if (!closed.complete(reason)) {
            return;
        }
        synchronized (this) {
            if (upstream != null) {
                upstream.close(true);
            }
        }
        recorder.closed(reason);
        place.close();
    }
}
