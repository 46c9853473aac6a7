package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The open MCP sessions by their {@code Mcp-Session-Id}, each an evidence session of its identity. */
final class AgentSessions implements AutoCloseable {

    private final EvidenceLog log;
    private final Map<String, AgentSession> open = new ConcurrentHashMap<>();

    AgentSessions(EvidenceLog log) {
        this.log = log;
    }

    void open(String mcpSessionId, Identity identity, String client, String clientName) {
        open.computeIfAbsent(mcpSessionId, id -> AgentSession.open(log, id, identity, client, clientName));
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
