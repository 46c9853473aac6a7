package dev.tracegate.gateway.identity;

import dev.tracegate.ledger.note.Ed25519;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys between their three forms: the JDK's built-in keys (which sign and verify), the
 * raw 32 bytes of RFC 8032 (the {@code x} of an OKP JWK, RFC 8037), and PKCS#8 PEM files as
 * {@code openssl genpkey -algorithm ed25519} writes them.
 *
 * <p>Raw-key conversions and deriving a public key from a seed are the ledger's
 * ({@link Ed25519}); this class adds key generation and PEM files.
 */
public final class Ed25519Keys {

    public static final int KEY_SIZE = 32;
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
        return Ed25519.publicKey(raw);
    }

    public static byte[] rawPublicKey(PublicKey key) {
        return Ed25519.rawPublicKey(key);
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
        return Ed25519.publicKey(Ed25519.publicKeyFromSeed(edKey.getBytes().get()));
    }
}
