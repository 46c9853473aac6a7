package dev.tracegate.gateway.mysql;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * What the gateway sends a server for its held password, per authentication plugin: the
 * scrambles of {@code mysql_native_password} and {@code caching_sha2_password}, and the RSA
 * encryption of the password {@code caching_sha2_password} asks for without TLS.
 */
final class PasswordScrambles {

    private PasswordScrambles() {
    }

    /** SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
    static byte[] nativePassword(byte[] password, byte[] scramble) {
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] stage1 = digest("SHA-1", password);
        byte[] stage2 = digest("SHA-1", stage1);
        return xor(stage1, digest("SHA-1", concat(scramble, stage2)));
    }

    /** SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble). */
    static byte[] cachingSha2(byte[] password, byte[] scramble) {
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] stage1 = digest("SHA-256", password);
        byte[] stage2 = digest("SHA-256", stage1);
        return xor(stage1, digest("SHA-256", concat(stage2, scramble)));
    }

    /** The NUL-terminated password XOR the scramble, encrypted with the server's RSA key (OAEP, as MySQL 8.0.5+ expects). */
    static byte[] rsaEncrypted(byte[] password, byte[] scramble, byte[] pem) throws GeneralSecurityException {
        byte[] plain = Arrays.copyOf(password, password.length + 1);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= scramble[i % scramble.length];
        }
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, publicKey(pem));
        return cipher.doFinal(plain);
    }

    private static PublicKey publicKey(byte[] pem) throws GeneralSecurityException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = text.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException("the server's public key is not a PEM public key");
        }
        String base64 = text.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
