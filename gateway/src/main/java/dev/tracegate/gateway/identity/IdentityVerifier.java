package dev.tracegate.gateway.identity;

/**
 * Turns a credential a client presented (a database password, a bearer header) into a verified
 * {@link Identity}. Every listener uses this one interface, so a new kind of credential (OIDC
 * tokens, gateway-issued tokens) plugs in without touching any listener.
 */
public interface IdentityVerifier {

    /**
     * The verified sign-in the credential stands for: the identity, and the bounds that tokens
     * derived from it must respect (see {@link SignIn}).
     *
     * @param credential what the client sent, exactly
     * @throws AuthenticationException when the credential is not valid; the message is a reason, never the credential
     */
    SignIn signIn(String credential) throws AuthenticationException;

    /**
     * @param credential what the client sent, exactly
     * @return the verified identity
     * @throws AuthenticationException when the credential is not valid; the message is a reason, never the credential
     */
    default Identity verify(String credential) throws AuthenticationException {
        return signIn(credential).identity();
    }
}
