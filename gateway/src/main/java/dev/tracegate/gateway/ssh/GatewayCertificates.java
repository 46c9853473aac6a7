package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.SshPublicKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key sign-in with a certificate the gateway's SSH CA signed ({@code tracegate ssh login}).
 * Plain keys are not accepted here (a client offers every key it has; those are not failures); a
 * certificate from another CA is an {@code auth.failure}. Expired certificates never get here:
 * MINA refuses them first.
 */
final class GatewayCertificates implements PublickeyAuthenticator {

    private final SshCertificateAuthority authority;
    private final CallerSignIn signIn;
    private final ActiveKeys activeKeys;

    GatewayCertificates(SshCertificateAuthority authority, CallerSignIn signIn, ActiveKeys activeKeys) {
        this.authority = authority;
        this.signIn = signIn;
        this.activeKeys = activeKeys;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        if (!(key instanceof OpenSshCertificate certificate)) {
            return false;
        }
        Optional<SshConnectionConfig> connection = signIn.connection(username);
        Optional<CertifiedCaller> caller = authority.callerOf(certificate);
        if (connection.isEmpty()) {
            return false;
        }
        if (caller.isEmpty()) {
            signIn.refused(session, connection.get().name(), "an SSH certificate the gateway's CA did not sign");
            return false;
        }
        CredentialRef signInKey;
        try {
            // Like a gateway token, a certificate is only as good as the key its sign-in began with.
            signInKey = caller.get().requireActiveKey(activeKeys);
        } catch (AuthenticationException e) {
            signIn.refused(session, connection.get().name(), "SSH certificate refused: " + e.getMessage());
            return false;
        }
        signIn.proved(session, signIn.caller(caller.get().identity(), signInKey, caller.get().console(),
                        validBefore(certificate)), connection.get(),
                "certificate " + certificate.getId(),
                SshPublicKey.of(certificate.getCertPubKey()).fingerprint(), null);
        return true;
    }

    /** When the certificate ends (seconds since the epoch, unsigned; all ones for never), or null for never. */
    private static Instant validBefore(OpenSshCertificate certificate) {
        long seconds = certificate.getValidBefore();
        return seconds < 0 ? null : Instant.ofEpochSecond(seconds);
    }
}
