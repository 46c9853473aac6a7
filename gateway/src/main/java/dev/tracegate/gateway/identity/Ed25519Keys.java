package dev.tracegate.gateway.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys between their three forms: the JDK's built-in keys (which sign and verify), the
 * raw 32 bytes of RFC 8032 (the {@code x} of an OKP JWK, RFC 8037), and PKCS#8 PEM files as
 * {@code openssl genpkey -algorithm ed25519} writes them.
 *
 * <p>A public key's X.509 encoding is a fixed 12-byte DER prefix followed by the raw key, which
 * avoids converting the little-endian point by hand. The JDK cannot derive a public key from a
 * private one, but its generator draws exactly the 32 seed bytes from the SecureRandom it is
 * given; handing it the seed yields that seed's pair, and the result is checked.
 */
public final class Ed25519Keys {

    public static final int KEY_SIZE = 32;
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";

    private Ed25519Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into every JDK since 15", e);
        }
    }

    public static PublicKey publicKey(byte[] raw) {
        if (raw == null || raw.length != KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_SIZE);
        System.arraycopy(raw, 0, der, SPKI_PREFIX.length, KEY_SIZE);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    public static byte[] rawPublicKey(PublicKey key) {
        byte[] der = key.getEncoded();
        if (der == null || der.length != SPKI_PREFIX.length + KEY_SIZE
                || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    /** Reads a PKCS#8 PEM private key and derives its public half. */
    public static KeyPair fromPem(String pem) {
        String body = pem.strip();
        if (!body.startsWith(PEM_BEGIN) || !body.endsWith(PEM_END)) {
            throw new IllegalArgumentException("not a PKCS#8 PEM private key (expected " + PEM_BEGIN + ")");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body.substring(PEM_BEGIN.length(), body.length() - PEM_END.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM private key is not valid base64");
        }
        PrivateKey privateKey;
        try {
            privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM private key is not an Ed25519 key");
        }
        return new KeyPair(derivePublic(privateKey), privateKey);
    }

    public static String toPem(PrivateKey key) {
        return PEM_BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n" + PEM_END + "\n";
    }

    private static PublicKey derivePublic(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key with accessible bytes");
        }
        byte[] seed = edKey.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair pair = generator.generateKeyPair();
            byte[] derivedSeed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(derivedSeed, seed)) {
                throw new IllegalStateException("this JDK's Ed25519 generator did not use the given seed");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into every JDK since 15", e);
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
