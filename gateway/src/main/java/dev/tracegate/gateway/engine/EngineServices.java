package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.identity.SshPublicKeyVerifier;
import dev.tracegate.gateway.tls.GatewayTls;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What every protocol engine shares: the seam each protocol is a codec plus a thin engine over.
 *
 * @param tls             the gateway's certificate and server-side TLS
 * @param identities      credential to identity (through {@link #admission} for sessions)
 * @param sshPublicKeys   service accounts' registered SSH public keys (the SSH listener's publickey sign-in)
 * @param activeKeys      whether the key a sign-in began with is still active, for credentials a listener
 *                        verifies without the {@link #identities} (SSH certificates)
 * @param admission       the transport rule and authentication with its evidence
 * @param connections     the configured connections, in order
 * @param evidence        the evidence log (write-ahead recording)
 * @param guard           the one policy decision point
 * @param gate            enforcement: forward, refuse, or hold for approval
 * @param approvals       approval requests, for the console links engines print
 * @param maxMessageBytes largest protocol message relayed once a client is authenticated
 * @param resultDataBytes how much result data each command keeps as evidence
 * @param dataDir         the gateway's data directory, where engines keep their own keys (the SSH host key)
 */
public record EngineServices(GatewayTls tls, IdentityVerifier identities, SshPublicKeyVerifier sshPublicKeys,
                             ActiveKeys activeKeys,
                             SessionAdmission admission,
                             List<ConnectionConfig> connections, EvidenceLog evidence, Guard guard, CommandGate gate,
                             ApprovalService approvals, int maxMessageBytes, int resultDataBytes,
                             Path dataDir) {

    public EngineServices {
        connections = List.copyOf(connections);
    }

    /** The connection of this kind clients name so; empty for an unknown name or another protocol's connection. */
    public <T extends ConnectionConfig> Optional<T> connection(String name, Class<T> kind) {
        return connections.stream().filter(c -> c.name().equals(name)).filter(kind::isInstance).map(kind::cast)
                .findFirst();
    }

    /** The connections of one kind (one protocol). */
    public <T extends ConnectionConfig> List<T> connections(Class<T> kind) {
        return connections.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
