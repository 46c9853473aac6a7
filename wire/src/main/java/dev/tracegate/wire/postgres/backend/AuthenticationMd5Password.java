package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.HexFormat;

/** AuthenticationMD5Password: the server asks for an MD5-hashed password salted with these 4 bytes. */
public record AuthenticationMd5Password(byte[] salt) implements Authentication {

    public static final int SALT_BYTES = 4;

    public AuthenticationMd5Password {
        if (salt == null || salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("MD5 salt must be " + SALT_BYTES + " bytes");
        }
    }

    public static AuthenticationMd5Password decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = AuthenticationBody.open(body, MD5_PASSWORD, "AuthenticationMD5Password");
        byte[] salt = reader.readBytes(SALT_BYTES);
        reader.expectEnd();
        return new AuthenticationMd5Password(salt);
    }

    @Override
    public int code() {
        return MD5_PASSWORD;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(8).int32(MD5_PASSWORD).bytes(salt).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationMd5Password that && Arrays.equals(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "AuthenticationMd5Password[salt=" + HexFormat.of().formatHex(salt) + "]";
    }
}
