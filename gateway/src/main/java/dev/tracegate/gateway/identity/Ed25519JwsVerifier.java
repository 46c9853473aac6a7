package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Set;

/**
 * Verifies {@code EdDSA} (Ed25519) JWS signatures with the JDK, for the gateway's own tokens and
 * for identity providers that publish OKP keys. Critical header parameters are refused, as RFC
 * 7515 section 4.1.11 requires of a verifier that understands none.
 */
public final class Ed25519JwsVerifier implements JWSVerifier {

    private final PublicKey key;
    private final JCAContext jca = new JCAContext();

    public Ed25519JwsVerifier(PublicKey key) {
        this.key = key;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!Ed25519JwsSigner.ALGORITHMS.contains(header.getAlgorithm())) {
            return false;
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        byte[] bytes = signature.decode();
        if (bytes.length != 64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(bytes);
        } catch (SignatureException | InvalidKeyException e) {
            return false; // a malformed signature or key is simply not a valid signature
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 verification failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Ed25519JwsSigner.ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
