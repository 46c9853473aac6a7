package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.CommandRedaction;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The open MCP sessions by their {@code Mcp-Session-Id}, each an evidence session of its identity. */
final class AgentSessions implements AutoCloseable {

    private final EvidenceLog log;
    /** The policy's record profile in force, through which a client's name for itself is kept. */
    private final Supplier<CommandRedaction> recording;
    private final Map<String, AgentSession> open = new ConcurrentHashMap<>();

    AgentSessions(EvidenceLog log, Supplier<CommandRedaction> recording) {
        this.log = log;
        this.recording = recording;
    }

    void open(String mcpSessionId, Identity identity, String client, String clientName) {
        open.computeIfAbsent(mcpSessionId, id -> AgentSession.open(log, id, identity, client, recorded(clientName)));
    }

    /**
     * An evidence session for one request of a caller who has no MCP session open (a tool call sent
     * before {@code initialize}): not kept among the open ones; its user closes it.
     */
    AgentSession ofItsOwn(Identity identity, String client, String clientName) {
        return AgentSession.open(log, UUID.randomUUID().toString(), identity, client, recorded(clientName));
    }

    /** A {@code User-Agent} is text the client wrote ({@code agent/1.0 (+mailto:ada@example.com)}): kept as a header's value. */
    private String recorded(String clientName) {
        return clientName == null ? null : recording.get().clientName(clientName);
    }

    /** Whether the session is open and {@code identity}'s (a session the gateway never saw belongs to no one). */
    boolean ownedBy(String mcpSessionId, Identity identity) {
        AgentSession session = open.get(mcpSessionId);
        return session == null || session.identity().samePerson(identity);
    }

    Optional<AgentSession> find(String mcpSessionId) {
        return Optional.ofNullable(mcpSessionId).map(open::get);
    }

    void close(String mcpSessionId, String reason) {
        AgentSession session = open.remove(mcpSessionId);
        if (session != null) {
            session.close(reason);
        }
    }

    @Override
    public void close() {
        open.keySet().forEach(id -> close(id, "gateway stopped"));
    }
}
