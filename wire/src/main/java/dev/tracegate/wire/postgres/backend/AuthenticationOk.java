package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.ProtocolException;

/** AuthenticationOk: authentication succeeded; session parameters and BackendKeyData follow. */
public final class AuthenticationOk implements Authentication {

    public static final AuthenticationOk INSTANCE = new AuthenticationOk();

    private AuthenticationOk() {
    }

    public static AuthenticationOk decode(byte[] body) throws ProtocolException {
        AuthenticationBody.open(body, OK, "AuthenticationOk").expectEnd();
        return INSTANCE;
    }

    @Override
    public int code() {
        return OK;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(4).int32(OK).toByteArray());
    }

    @Override
    public String toString() {
        return "AuthenticationOk";
    }
}
