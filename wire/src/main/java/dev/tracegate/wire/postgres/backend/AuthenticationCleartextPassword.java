package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.ProtocolException;

/** AuthenticationCleartextPassword: the server asks for the password in clear text (safe only inside TLS). */
public final class AuthenticationCleartextPassword implements Authentication {

    public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();

    private AuthenticationCleartextPassword() {
    }

    public static AuthenticationCleartextPassword decode(byte[] body) throws ProtocolException {
        AuthenticationBody.open(body, CLEARTEXT_PASSWORD, "AuthenticationCleartextPassword").expectEnd();
        return INSTANCE;
    }

    @Override
    public int code() {
        return CLEARTEXT_PASSWORD;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(4).int32(CLEARTEXT_PASSWORD).toByteArray());
    }

    @Override
    public String toString() {
        return "AuthenticationCleartextPassword";
    }
}
