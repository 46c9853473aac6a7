package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The signature algorithms accepted on identity tokens, and which published key may verify which.
 *
 * <p>Only asymmetric algorithms: {@code none} would accept anyone, and an HMAC algorithm is the
 * classic key-confusion attack (an attacker signs with the issuer's <em>public</em> key as the
 * shared secret). The key, not the token header, decides the verifier's type, and a key must fit
 * the algorithm (an RSA key never verifies an ES256 signature).
 */
final class SigningAlgorithms {

    static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final int MIN_RSA_BITS = 2048;

    private SigningAlgorithms() {
    }

    /** The header's algorithm if it is accepted; otherwise a refusal that names it. */
    static JWSAlgorithm accept(String alg) throws AuthenticationException {
        if (alg.equalsIgnoreCase("none")) {
            throw new AuthenticationException("algorithm none refused");
        }
        if (alg.toUpperCase(Locale.ROOT).startsWith("HS")) {
            throw new AuthenticationException("algorithm " + printable(alg) + " refused: shared-secret signatures are not accepted");
        }
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        if (!ACCEPTED.contains(algorithm)) {
            throw new AuthenticationException("algorithm " + printable(alg) + " not accepted (RS256, PS256, ES256, EdDSA are)");
        }
        return algorithm;
    }

    /** A verifier for {@code algorithm} from {@code key}, or empty when the key does not fit. */
    static Optional<JWSVerifier> verifier(JWSAlgorithm algorithm, JWK key) {
        if (KeyUse.ENCRYPTION.equals(key.getKeyUse())
                || (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(algorithm.getName()))) {
            return Optional.empty();
        }
        try {
            if ((algorithm.equals(JWSAlgorithm.RS256) || algorithm.equals(JWSAlgorithm.PS256))
                    && key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS) {
                return Optional.of(new RSASSAVerifier(rsa));
            }
            if (algorithm.equals(JWSAlgorithm.ES256) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                return Optional.of(new ECDSAVerifier(ec));
            }
            if ((algorithm.equals(JWSAlgorithm.EdDSA) || algorithm.equals(JWSAlgorithm.Ed25519))
                    && key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                return Optional.of(new Ed25519JwsVerifier(Ed25519Keys.publicKey(okp.getX().decode())));
            }
        } catch (JOSEException | IllegalArgumentException e) {
            return Optional.empty(); // a malformed published key verifies nothing
        }
        return Optional.empty();
    }

    /** Header values are attacker-chosen; keep them short and printable in reasons. */
    static String printable(String value) {
        String cleaned = value.replaceAll("[^A-Za-z0-9._+-]", "?");
        return cleaned.length() > 20 ? cleaned.substring(0, 20) + "..." : cleaned;
    }
}
