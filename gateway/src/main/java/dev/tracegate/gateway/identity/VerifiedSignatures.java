package dev.tracegate.gateway.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature a key has already verified. An HTTP client presents its bearer token
 * on every request of a keep-alive connection, and verifying an Ed25519 or RSA signature costs
 * more than the rest of the request's admission (a few hundred microseconds in the JDK, against
 * a hash-map look-up); the signature of the same bytes under the same key cannot change, so it is
 * checked once.
 *
 * <p>Only the signature is remembered. Every use still runs every other check of its verifier
 * (expiry, audience, the sign-in's end, whether the key it derives from is still active), so a
 * revocation or an expiry takes effect exactly as before. A remembered pair names the key that
 * verified it: a key the issuer no longer publishes, or a gateway key replaced by another,
 * matches nothing, and the token is verified again (and refused) against the keys of now.
 *
 * <p>A bearer token is a credential, so it is kept only as its SHA-256. Entries end with their
 * token's expiry; the map is bounded ({@link #CAPACITY}), and emptied when full (the next uses
 * simply verify again).
 */
final class VerifiedSignatures {

    static final int CAPACITY = 10_000;

    private final Map<String, Verified> byDigest = new ConcurrentHashMap<>();
    private final Clock clock;

    VerifiedSignatures(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code key} verified this token's signature before, and the token has not expired since. */
    boolean verified(String token, Object key) {
        String digest = CredentialDigest.hex(token);
        Verified verified = byDigest.get(digest);
        if (verified == null) {
            return false;
        }
        if (!clock.instant().isBefore(verified.expiresAt())) {
            byDigest.remove(digest, verified);
            return false;
        }
        return verified.key().equals(key);
    }

    /** {@code key} verified the token's signature; remembered until {@code expiresAt} (never without one). */
    void remember(String token, Object key, Instant expiresAt) {
        if (expiresAt == null || !clock.instant().isBefore(expiresAt)) {
            return;
        }
        if (byDigest.size() >= CAPACITY) {
            byDigest.clear();
        }
        byDigest.put(CredentialDigest.hex(token), new Verified(Objects.requireNonNull(key, "key"), expiresAt));
    }

    int size() {
        return byDigest.size();
    }

    private record Verified(Object key, Instant expiresAt) {
    }
}
