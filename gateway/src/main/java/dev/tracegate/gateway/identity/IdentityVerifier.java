package dev.tracegate.gateway.identity;

/**
 * Turns a credential a client presented (a database password, a bearer header) into a verified
 * {@link Identity}. Every listener uses this one interface, so a new kind of credential (OIDC
 * tokens, gateway-issued tokens) plugs in without touching any listener.
 */
public interface IdentityVerifier {

    /**
     * @param credential what the client sent, exactly
     * @return the verified identity
     * @throws AuthenticationException when the credential is not valid; the message is a reason, never the credential
     */
    Identity verify(String credential) throws AuthenticationException;
}
