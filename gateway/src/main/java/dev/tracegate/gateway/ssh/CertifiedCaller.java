package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import java.util.Optional;

/**
 * What a certificate the gateway's CA signed stands for: the caller, and the key their sign-in
 * began with ({@link SshCertificateAuthority#KEY_EXTENSION}: empty for none, absent in certificates
 * signed before keys were carried), and the console session it was signed through, if it was
 * ({@link SshCertificateAuthority#CONSOLE_EXTENSION}).
 */
record CertifiedCaller(Identity identity, Optional<String> keyClaim, Optional<String> consoleSession) {

    /**
     * The certificate may still be used: the key it derives from, if any, is active, and the console
     * session it was signed through, if any, still signed in. A certificate that does not say whether
     * it derives from a key is refused, since it may stand for a revoked one.
     *
     * @return the key checked, which the session signed in with the certificate keeps checking
     *         before each command; null for a sign-in without one
     */
    CredentialRef requireActiveKey(ActiveKeys activeKeys) throws AuthenticationException {
        if (keyClaim.isEmpty()) {
            throw new AuthenticationException("the certificate does not name the sign-in's key (issued by an earlier"
                    + " version); run tracegate ssh login again");
        }
        CredentialRef console = console();
        if (console != null) {
            activeKeys.requireActive(console);
        }
        if (keyClaim.get().isEmpty()) {
            return null;
        }
        CredentialRef key = CredentialRef.keyFromClaim(keyClaim.get())
                .orElseThrow(() -> new AuthenticationException("the certificate names no known kind of key"));
        activeKeys.requireActive(key);
        return key;
    }

    /** The console session the certificate was signed through, which a session signed in with it keeps asking about; null for none. */
    CredentialRef console() {
        return consoleSession.map(id -> new CredentialRef(CredentialRef.CONSOLE_SESSION, id)).orElse(null);
    }
}
