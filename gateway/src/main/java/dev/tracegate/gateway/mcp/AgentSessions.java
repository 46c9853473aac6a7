package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SessionKey;
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

    /**
     * Opens the session the SDK has just named, standing on the caller's sign-in: once that no longer
     * stands (its key revoked, its console session signed out, its token's end), the session is closed
     * with why and its id answers as a session that does not exist.
     */
    void open(String mcpSessionId, Identity identity, SessionKey signedInWith, String client, String clientName) {
        if (open.containsKey(mcpSessionId)) {
            return;
        }
        AgentSession session = AgentSession.open(log, mcpSessionId, identity, signedInWith, client, recorded(clientName));
        if (open.putIfAbsent(mcpSessionId, session) == null) {
            session.watchSignIn(why -> close(mcpSessionId, CommandGate.lapsedReason(why)));
        }
    }

    /**
     * An evidence session for one request of a caller who has no MCP session open (a tool call sent
     * before {@code initialize}): not kept among the open ones; its user closes it.
     */
    AgentSession ofItsOwn(Identity identity, SessionKey signedInWith, String client, String clientName) {
        return AgentSession.open(log, UUID.randomUUID().toString(), identity, signedInWith, client, recorded(clientName));
    }

    /** A {@code User-Agent} is text the client wrote ({@code agent/1.0 (+mailto:ada@example.com)}): kept as a header's value. */
    private String recorded(String clientName) {
        return clientName == null ? null : recording.get().clientName(clientName);
    }

    /**
     * Whether the session is open and a request of {@code identity} signed in with {@code key} belongs
     * to it. A session the gateway does not hold open (ended, because its sign-in no longer stands or its
     * client deleted it, or never seen) serves no one: the SDK may still hold an ended one.
     */
    boolean serves(String mcpSessionId, Identity identity, SessionKey key) {
        AgentSession session = open.get(mcpSessionId);
        return session != null && session.serves(identity, key);
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
