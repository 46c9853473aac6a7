package dev.tracegate.gateway.recording;

import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SessionKey;
import java.util.Objects;

/**
 * What is known about a session once its caller is verified.
 *
 * @param id              session id
 * @param identity        the verified caller
 * @param clientAddress   remote address and port
 * @param resource        the connection, protocol and target
 * @param clientUser      the user name the client typed (a claim; the identity is what counts)
 * @param applicationName the client's application_name (a claim)
 * @param trace           the trace id the session belongs to from its start (a traceparent in the
 *                        PostgreSQL application_name, or an HTTP request's header), or null; a
 *                        command's own trace comment takes precedence for that command
 * @param signedInWith    the key the caller signed in with, asked before each command whether it still
 *                        stands; {@link SessionKey#NONE} where nothing here can revoke the sign-in
 */
public record SessionInfo(String id, Identity identity, String clientAddress, EvidenceEvent.Resource resource,
                          String clientUser, String applicationName, String trace, SessionKey signedInWith) {

    public SessionInfo {
        Objects.requireNonNull(signedInWith, "signedInWith");
    }

    public SessionInfo(String id, Identity identity, String clientAddress, EvidenceEvent.Resource resource,
                       String clientUser, String applicationName, String trace) {
        this(id, identity, clientAddress, resource, clientUser, applicationName, trace, SessionKey.NONE);
    }

    public SessionInfo(String id, Identity identity, String clientAddress, EvidenceEvent.Resource resource,
                       String clientUser, String applicationName) {
        this(id, identity, clientAddress, resource, clientUser, applicationName, null);
    }
}
