package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.identity.SshPublicKey;
import dev.tracegate.gateway.identity.SshPublicKeyVerifier;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key sign-in with a plain OpenSSH key registered to a service account
 * ({@code POST /api/service-accounts/ssh-keys}). MINA asks twice per key: once when the client
 * offers it (no signature yet), then after verifying the client's signature; only the second
 * opens a session ({@link CallerSignIn#authenticated}). A key nobody registered is simply not
 * accepted (clients offer every key they have); a revoked or expired one is an
 * {@code auth.failure} naming its fingerprint.
 */
final class ServiceAccountPublicKeys implements PublickeyAuthenticator {

    private final SshPublicKeyVerifier keys;
    private final CallerSignIn signIn;

    ServiceAccountPublicKeys(SshPublicKeyVerifier keys, CallerSignIn signIn) {
        this.keys = keys;
        this.signIn = signIn;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        if (key instanceof OpenSshCertificate) {
            return false;
        }
        Optional<SshConnectionConfig> connection = signIn.connection(username);
        if (connection.isEmpty()) {
            return false;
        }
        SshPublicKey publicKey = SshPublicKey.of(key);
        Optional<SignIn> signedIn;
        try {
            signedIn = keys.signIn(publicKey);
        } catch (AuthenticationException e) {
            signIn.refused(session, connection.get().name(), e.getMessage() + " (SSH key " + publicKey.fingerprint() + ")");
            return false;
        }
        if (signedIn.isEmpty()) {
            return false;
        }
        signIn.proved(session, signIn.caller(signedIn.get()), connection.get(), "publickey", publicKey.fingerprint(),
                signedIn.get().key().id());
        return true;
    }
}
