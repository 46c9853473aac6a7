package dev.tracegate.gateway.recording;

import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.identity.Identity;

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
 */
public record SessionInfo(String id, Identity identity, String clientAddress, EvidenceEvent.Resource resource,
                          String clientUser, String applicationName, String trace) {

    public SessionInfo(String id, Identity identity, String clientAddress, EvidenceEvent.Resource resource,
                       String clientUser, String applicationName) {
        this(id, identity, clientAddress, resource, clientUser, applicationName, null);
    }
}
