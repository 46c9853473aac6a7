package dev.tracegate.gateway.identity;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The keys of run-time service accounts: {@code tgsa_} followed by 256 random bits in base64url.
 * The prefix lets the gateway route a credential without a database lookup and lets secret
 * scanners recognise a leaked key. Only the SHA-256 digest is ever stored.
 */
public final class ServiceAccountSecret {

    public static final String PREFIX = "tgsa_";
    private static final int RANDOM_BYTES = 32;
    private static final int LENGTH = PREFIX.length() + 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServiceAccountSecret() {
    }

    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code credential} has the shape of a service-account key (it may still be unknown). */
    public static boolean looksLike(String credential) {
        return credential != null && credential.length() == LENGTH && credential.startsWith(PREFIX);
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
    public static String hash(String secret) {
        return CredentialDigest.hex(secret);
    }
}
