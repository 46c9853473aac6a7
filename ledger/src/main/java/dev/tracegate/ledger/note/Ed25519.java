package dev.tracegate.ledger.note;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Raw RFC 8032 Ed25519 keys (32-byte seed, 32-byte public key) bridged to the JDK's built-in
 * "Ed25519" provider.
 *
 * <p>Public keys go through their X.509 SubjectPublicKeyInfo encoding, a fixed 12-byte DER prefix
 * followed by the RFC 8032 key bytes, which sidesteps converting the little-endian point encoding
 * by hand. The JDK has no API deriving the public key from a seed, but its key pair generator
 * draws exactly the 32 seed bytes from the SecureRandom it is given, so a SecureRandom that
 * returns the seed yields that seed's key pair; the result is checked against the seed.
 */
public final class Ed25519 {
    public static final int KEY_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;

    /** DER of SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes, 0 unused bits) }. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519() {}

    public static PublicKey publicKey(byte[] raw) {
        requireSize(raw, "public key");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki(raw)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The 32 RFC 8032 bytes of a JDK Ed25519 public key. */
    public static byte[] rawPublicKey(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null || encoded.length != SPKI_PREFIX.length + KEY_SIZE
                || !Arrays.equals(encoded, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(encoded, SPKI_PREFIX.length, encoded.length);
    }

    /** The DER SubjectPublicKeyInfo of a raw public key, as OpenSSL reads it. */
    public static byte[] spki(byte[] raw) {
        requireSize(raw, "public key");
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_SIZE);
        System.arraycopy(raw, 0, der, SPKI_PREFIX.length, KEY_SIZE);
        return der;
    }

    public static PrivateKey privateKey(byte[] seed) {
        requireSize(seed, "private key seed");
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into every JDK since 15", e);
        }
    }

    /** The 32-byte seed of a JDK Ed25519 private key. */
    public static byte[] seed(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key with accessible bytes");
        }
        byte[] seed = edKey.getBytes().get();
        requireSize(seed, "private key seed");
        return seed;
    }

    /** The raw public key belonging to a seed. */
    public static byte[] publicKeyFromSeed(byte[] seed) {
        requireSize(seed, "private key seed");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair pair = generator.generateKeyPair();
            if (!Arrays.equals(seed(pair.getPrivate()), seed)) {
                throw new IllegalStateException("this JDK's Ed25519 generator did not use the given seed");
            }
            return rawPublicKey(pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into every JDK since 15", e);
        }
    }

    public static byte[] newSeed() {
        byte[] seed = new byte[KEY_SIZE];
        new SecureRandom().nextBytes(seed);
        return seed;
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_SIZE) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey(rawPublicKey));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (SignatureException | InvalidKeyException | IllegalArgumentException e) {
            return false; // a malformed signature or a key not on the curve is simply not valid
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into every JDK since 15", e);
        }
    }

    private static void requireSize(byte[] bytes, String what) {
        if (bytes == null || bytes.length != KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 " + what + " must be 32 bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
    }

    /** Hands out the seed as its only randomness; see the class comment. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;
        private boolean used;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (used || bytes.length != seed.length) {
                throw new IllegalStateException("key generation asked for unexpected randomness");
            }
            used = true;
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
