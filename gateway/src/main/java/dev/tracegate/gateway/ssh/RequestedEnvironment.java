package dev.tracegate.gateway.ssh;

import dev.tracegate.policy.rules.SshRequestFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * The environment variables a caller's channel asked for ({@code env} requests: ssh's
 * {@code SendEnv} and {@code SetEnv}), in the order asked. None is passed on to the host; each is
 * decided and recorded before the channel's exec, shell or subsystem, so the evidence says what the
 * client asked for and a rule can refuse the channel for it. Requests after the channel has
 * started are refused: nothing would decide or record them.
 */
final class RequestedEnvironment {

    /** More variables than any client sends (OpenSSH sends what {@code SendEnv} patterns match); past it the channel is refused. */
    static final int MOST = 64;

    private final List<SshRequestFacts> requests = new ArrayList<>();
    private boolean started;

    /** @return whether the request is taken (before the channel started) */
    synchronized boolean add(String name, String value) {
        if (started) {
            return false;
        }
        if (requests.size() <= MOST) { // one past the most, for the refusal to name
            requests.add(SshRequestFacts.environment(name, value));
        }
        return true;
    }

    /** The requests to decide (one more than {@link #MOST} when there were more), once; later requests are refused. */
    synchronized List<SshRequestFacts> start() {
        started = true;
        return List.copyOf(requests);
    }
}
