package dev.tracegate.masking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret key of the {@code hash} strategy (HMAC-SHA256). Whoever holds it can confirm a guess
 * ("is this the hash of alice@example.com?"), so it is configured by reference like every other
 * secret and never printed: {@link #toString()} shows nothing of it.
 */
public final class HashKey {

    public static final int MIN_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac prototype;
    private final byte[] fingerprint;

    private HashKey(byte[] key) {
        try {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(key, ALGORITHM));
            fingerprint = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** @param key at least {@value #MIN_BYTES} bytes of secret material; the array is not kept */
    public static HashKey of(byte[] key) {
        if (key == null || key.length < MIN_BYTES) {
            throw new IllegalArgumentException("a masking hash key needs at least " + MIN_BYTES + " bytes");
        }
        return new HashKey(key.clone());
    }

    /** HMAC-SHA256 of the parts, each followed by a zero byte so that ("ab","c") and ("a","bc") differ. */
    byte[] hmac(byte[]... parts) {
        Mac mac = newMac();
        for (byte[] part : parts) {
            mac.update(part);
            mac.update((byte) 0);
        }
        return mac.doFinal();
    }

    /**
     * HMAC-SHA256 of the UTF-8 bytes of {@code value}, nothing else mixed in, as lower-case hex. The
     * evidence keeps it for each value masked out of a recorded statement, so that an auditor who
     * holds the key can confirm a value with any HMAC tool ({@code openssl dgst -sha256 -hmac KEY}),
     * while the record itself holds nothing that confirms a guess without the key.
     */
    public String hmacHex(String value) {
        Mac mac = newMac();
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A fresh HMAC-SHA256 under this key for a value that arrives in parts (a COPY's data stream):
     * its result is what {@link #hmacHex} gives for the whole value, and what {@code openssl dgst
     * -sha256 -hmac KEY} gives for the file the parts make. It computes, never shows, the key.
     */
    public Mac streamingMac() {
        return newMac();
    }

    private Mac newMac() {
        try {
            return (Mac) prototype.clone(); // keyed state copied; cheaper than init per value
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 cannot be cloned", e);
        }
    }

    /** Two keys are equal when their material is; compares a digest, never the key. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HashKey that && MessageDigest.isEqual(fingerprint, that.fingerprint);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fingerprint);
    }

    @Override
    public String toString() {
        return "HashKey[redacted]";
    }
}
