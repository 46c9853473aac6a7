package dev.tracegate.ledger.note;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A log's public key as a signed-note verifier key line,
 * {@code <name>+<key id, 8 hex>+<base64(0x01 || 32-byte Ed25519 public key)>}.
 */
public record VerifierKey(String name, byte[] publicKey) {
    /** Signature type byte of Ed25519 in C2SP signed-note. */
    static final byte ALGORITHM_ED25519 = 0x01;

    public VerifierKey {
        KeyNames.require(name);
        if (publicKey == null || publicKey.length != Ed25519.KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
        }
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** First 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public key). */
    public int keyId() {
        return keyId(name, publicKey);
    }

    static int keyId(String name, byte[] publicKey) {
        MessageDigest sha256 = sha256();
        sha256.update(name.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        sha256.update(ALGORITHM_ED25519);
        sha256.update(publicKey);
        byte[] digest = sha256.digest();
        return (digest[0] & 0xFF) << 24 | (digest[1] & 0xFF) << 16 | (digest[2] & 0xFF) << 8 | digest[3] & 0xFF;
    }

    public String keyIdHex() {
        return HexFormat.of().toHexDigits(keyId());
    }

    /** The verifier key line. */
    public String format() {
        byte[] typed = new byte[1 + Ed25519.KEY_SIZE];
        typed[0] = ALGORITHM_ED25519;
        System.arraycopy(publicKey, 0, typed, 1, Ed25519.KEY_SIZE);
        return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(typed);
    }

    /** Parses a verifier key line, checking that the key id matches the name and key. */
    public static VerifierKey parse(String line) throws NoteException {
        String trimmed = line.strip();
        int first = trimmed.indexOf('+');
        int second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
        if (first <= 0 || second < 0) {
            throw malformed("verifier key must be <name>+<key id>+<base64 key>: \"" + trimmed + "\"");
        }
        String name = trimmed.substring(0, first);
        String idHex = trimmed.substring(first + 1, second);
        String keyBase64 = trimmed.substring(second + 1);
        if (!KeyNames.isValid(name)) {
            throw malformed("verifier key name \"" + name + "\" is not a valid key name");
        }
        if (!idHex.matches("[0-9a-f]{8}")) {
            throw malformed("verifier key id \"" + idHex + "\" is not 8 lowercase hex digits");
        }
        byte[] typed = decodeBase64(keyBase64, "verifier key");
        if (typed.length != 1 + Ed25519.KEY_SIZE || typed[0] != ALGORITHM_ED25519) {
            throw malformed("verifier key is not an Ed25519 key (type 0x01 and 32 bytes)");
        }
        VerifierKey key = new VerifierKey(name, Arrays.copyOfRange(typed, 1, typed.length));
        if (!key.keyIdHex().equals(idHex)) {
            throw malformed("verifier key id " + idHex + " does not match its name and key (expected " + key.keyIdHex() + ")");
        }
        return key;
    }

    /** Checks an Ed25519 signature by this key. */
    public boolean verifies(byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    static byte[] decodeBase64(String text, String what) throws NoteException {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
                throw malformed(what + " is not canonical base64");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw malformed(what + " is not valid base64");
        }
    }

    private static NoteException malformed(String message) {
        return new NoteException(NoteException.Reason.MALFORMED, message);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey other && name.equals(other.name) && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return format();
    }
}
