package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;

/** AuthenticationSASLContinue: a SASL challenge (for SCRAM, the server-first message). The rest of the body is mechanism data. */
public record AuthenticationSaslContinue(byte[] data) implements Authentication {

    public AuthenticationSaslContinue {
        if (data == null) {
            throw new IllegalArgumentException("SASL data must not be null");
        }
    }

    public static AuthenticationSaslContinue decode(byte[] body) throws ProtocolException {
        return new AuthenticationSaslContinue(AuthenticationBody.open(body, SASL_CONTINUE, "AuthenticationSASLContinue").readRemaining());
    }

    @Override
    public int code() {
        return SASL_CONTINUE;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(4 + data.length).int32(SASL_CONTINUE).bytes(data).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSaslContinue that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSaslContinue[data=" + PrintableBytes.REDACTED + "]";
    }
}
