package dev.tracegate.gateway.identity;

import java.util.Optional;

/**
 * Sign-in with an SSH public key registered to a service account. Only the SSH listener calls
 * it, after the client's signature proved it holds the private key: the fingerprint alone is
 * public and is never a credential anywhere else.
 */
public interface SshPublicKeyVerifier {

    /**
     * @return empty when no service account has this key (a client offers every key it has; that
     *         is not a failure)
     * @throws AuthenticationException when the key is registered but revoked or expired, or the
     *                                 store cannot be read
     */
    Optional<SignIn> signIn(SshPublicKey key) throws AuthenticationException;
}
