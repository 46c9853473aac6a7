package dev.tracegate.gateway.identity;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * An OpenSSH public key registered to a service account, known by its SHA-256 fingerprint
 * ({@code SHA256:...}, as {@code ssh-keygen -l} prints it). The store keeps the fingerprint where
 * a secret key's digest goes, prefixed so the two can never match each other: a fingerprint is
 * public, so it must never be accepted as a credential by itself, only after the SSH signature
 * proved the caller holds the private key.
 */
public record SshPublicKey(String fingerprint) {

    private static final String STORED_PREFIX = "ssh:";
    private static final int MIN_RSA_BITS = 2048;

    /** The key of an {@code authorized_keys}-style line ({@code ssh-ed25519 AAAA... comment}). */
    public static SshPublicKey parse(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("public_key is required: one line of an OpenSSH .pub file");
        }
        PublicKey key;
        try {
            key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line.strip()).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("public_key is not an OpenSSH public key line");
        }
        if (key == null) {
            throw new IllegalArgumentException("public_key is not an OpenSSH public key line");
        }
        if (key instanceof OpenSshCertificate) {
            throw new IllegalArgumentException("public_key is a certificate; register the plain key");
        }
        String type = KeyUtils.getKeyType(key);
        if (type == null || type.startsWith("ssh-dss")) {
            throw new IllegalArgumentException("public_key: DSA keys are not accepted; use ed25519, ECDSA or RSA");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("public_key: RSA keys must have at least " + MIN_RSA_BITS + " bits");
        }
        return of(key);
    }

    public static SshPublicKey of(PublicKey key) {
        return new SshPublicKey(KeyUtils.getFingerPrint(BuiltinDigests.sha256, key));
    }

    /** What the store keeps for it. */
    String stored() {
        return STORED_PREFIX + fingerprint;
    }

    /** The key a stored digest stands for; empty for a secret key's digest. */
    static Optional<SshPublicKey> fromStored(String stored) {
        return stored != null && stored.startsWith(STORED_PREFIX)
                ? Optional.of(new SshPublicKey(stored.substring(STORED_PREFIX.length()))) : Optional.empty();
    }
}
