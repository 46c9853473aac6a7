package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;

/** AuthenticationSASLFinal: the SASL outcome data (for SCRAM, the server-final message with its signature). The rest of the body is mechanism data. */
public record AuthenticationSaslFinal(byte[] data) implements Authentication {

    public AuthenticationSaslFinal {
        if (data == null) {
            throw new IllegalArgumentException("SASL data must not be null");
        }
    }

    public static AuthenticationSaslFinal decode(byte[] body) throws ProtocolException {
        return new AuthenticationSaslFinal(AuthenticationBody.open(body, SASL_FINAL, "AuthenticationSASLFinal").readRemaining());
    }

    @Override
    public int code() {
        return SASL_FINAL;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(4 + data.length).int32(SASL_FINAL).bytes(data).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSaslFinal that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSaslFinal[data=" + PrintableBytes.REDACTED + "]";
    }
}
