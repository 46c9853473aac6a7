package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.ProtocolException;

/** The start shared by all authentication bodies: the Int32 code that says which request this is. */
final class AuthenticationBody {

    private AuthenticationBody() {
    }

    /** Reads the code, checks it is the one the caller decodes, and leaves the reader after it. */
    static PgBodyReader open(byte[] body, int expectedCode, String name) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, name);
        int code = reader.readInt32();
        if (code != expectedCode) {
            throw new ProtocolException("not an " + name + ": authentication code " + code);
        }
        return reader;
    }
}
