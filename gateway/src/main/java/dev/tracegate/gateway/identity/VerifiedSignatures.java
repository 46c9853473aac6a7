package dev.tracegate.gateway.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature a key has already verified, with their parsed header and claims. An HTTP
 * client presents its bearer token on every request of a keep-alive connection, and verifying an
 * Ed25519 or RSA signature costs more than the rest of the request's admission (a few hundred
 * microseconds in the JDK, against a hash-map look-up), and parsing the JWT's header and claims
 * again about 30 KiB of allocation; the signature of the same bytes under the same key cannot
 * change, nor can what those bytes parse to, so both are done once.
 *
 * <p>Only what the token's bytes say is remembered. Every use still runs every other check of its
 * verifier (expiry, not-before, audience, the sign-in's end, whether the key it derives from is
 * still active, whether the issuer still publishes the key), so a revocation or an expiry takes
 * effect exactly as before. A remembered token names the key that verified it: a key the issuer no
 * longer publishes, or a gateway key replaced by another, matches nothing, and the token is parsed
 * and verified again (and refused) against the keys of now.
 *
 * <p>A bearer token is a credential, so it is kept only as its SHA-256: a token that differs in
 * any byte (a tampered copy) has another digest and is parsed and verified on its own. Entries end
 * with their token's expiry; the map is bounded ({@link #CAPACITY}), and emptied when full (the
 * next uses simply verify again).
 */
final class VerifiedSignatures {

    static final int CAPACITY = 10_000;

    private final Map<String, Remembered> byDigest = new ConcurrentHashMap<>();
    private final Clock clock;

    VerifiedSignatures(Clock clock) {
        this.clock = clock;
    }

    /** The token as a key verified it before, unless it has expired since; null when it is not remembered. */
    VerifiedJwt verified(String token) {
        String digest = CredentialDigest.hex(token);
        Remembered remembered = byDigest.get(digest);
        if (remembered == null) {
            return null;
        }
        if (!clock.instant().isBefore(remembered.expiresAt())) {
            byDigest.remove(digest, remembered);
            return null;
        }
        return remembered.jwt();
    }

    /** The token's signature verified under {@code jwt.key()}; remembered until its {@code exp} (never without one). */
    void remember(String token, VerifiedJwt jwt) {
        Date expiry = jwt.claims().getExpirationTime();
        if (expiry == null || !clock.instant().isBefore(expiry.toInstant())) {
            return;
        }
        if (byDigest.size() >= CAPACITY) {
            byDigest.clear();
        }
        byDigest.put(CredentialDigest.hex(token), new Remembered(jwt, expiry.toInstant()));
    }

    int size() {
        return byDigest.size();
    }

    private record Remembered(VerifiedJwt jwt, Instant expiresAt) {
    }
}
