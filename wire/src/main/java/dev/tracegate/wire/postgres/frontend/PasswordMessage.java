package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * PasswordMessage ('p'): the answer to AuthenticationCleartextPassword or AuthenticationMD5Password.
 * {@code password} is the body as sent, a string with its NUL terminator. The 'p' type is shared with
 * the SASL and GSS answers; only the authentication request that came before tells them apart.
 */
public record PasswordMessage(byte[] password) implements PgMessage {

    public static final byte TYPE = 'p';

    public PasswordMessage {
        if (password == null) {
            throw new IllegalArgumentException("password body must not be null");
        }
    }

    /** Any body is a possible password; its shape is checked by whoever verifies it. */
    public static PasswordMessage decode(byte[] body) {
        return new PasswordMessage(body);
    }

    public static PasswordMessage cleartext(String password) {
        byte[] text = password.getBytes(StandardCharsets.UTF_8);
        return new PasswordMessage(Arrays.copyOf(text, text.length + 1));
    }

    /**
     * The answer to AuthenticationMD5Password: "md5" followed by
     * md5hex(md5hex(password + user) + salt), in lowercase hex.
     */
    public static PasswordMessage md5(String user, String password, byte[] salt) {
        MessageDigest md5 = md5Digest();
        md5.update(password.getBytes(StandardCharsets.UTF_8));
        md5.update(user.getBytes(StandardCharsets.UTF_8));
        byte[] inner = HexFormat.of().formatHex(md5.digest()).getBytes(StandardCharsets.US_ASCII);
        md5.update(inner);
        md5.update(salt);
        return cleartext("md5" + HexFormat.of().formatHex(md5.digest()));
    }

    /** The password as text: UTF-8, without the trailing NUL. */
    public String text() {
        int length = password.length > 0 && password[password.length - 1] == 0 ? password.length - 1 : password.length;
        return new String(password, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, password);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordMessage that && Arrays.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(password);
    }

    @Override
    public String toString() {
        return "PasswordMessage[password=" + PrintableBytes.REDACTED + "]";
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides MD5", e);
        }
    }
}
