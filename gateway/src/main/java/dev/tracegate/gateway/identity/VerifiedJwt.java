package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Objects;

/**
 * A JWT whose signature verified: the key that verified it (a gateway signing key or an issuer's
 * published JWK), and its header and claims as parsed then. Both nimbus types are immutable, so
 * one parse serves every later use of the same token ({@link VerifiedSignatures}).
 *
 * @param key    the key that verified the signature
 * @param header the protected header
 * @param claims the claims, not yet checked beyond the signature
 */
record VerifiedJwt(Object key, JWSHeader header, JWTClaimsSet claims) {

    VerifiedJwt {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(claims, "claims");
    }

    /** Whether {@code candidate} is the key that verified it. */
    boolean verifiedBy(Object candidate) {
        return key.equals(candidate);
    }
}
