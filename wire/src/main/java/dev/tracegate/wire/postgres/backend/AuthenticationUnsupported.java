package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Set;

/**
 * An authentication request for a method the gateway does not speak (Kerberos V5, GSSAPI, SSPI, or a
 * code unknown today). Any method data after the code (GSS continuation tokens) is not kept: the only
 * sensible reaction is to refuse the method, and that needs just the code.
 */
public record AuthenticationUnsupported(int code) implements Authentication {

    private static final Set<Integer> SUPPORTED = Set.of(OK, CLEARTEXT_PASSWORD, MD5_PASSWORD, SASL, SASL_CONTINUE, SASL_FINAL);

    public AuthenticationUnsupported {
        if (SUPPORTED.contains(code)) {
            throw new IllegalArgumentException("authentication code " + code + " has its own message class");
        }
    }

    public static AuthenticationUnsupported decode(byte[] body) throws ProtocolException {
        int code = new PgBodyReader(body, "Authentication").readInt32();
        if (SUPPORTED.contains(code)) {
            throw new ProtocolException("authentication code " + code + " is not an unsupported method");
        }
        return new AuthenticationUnsupported(code);
    }

    /** A readable name of the method, for error messages. */
    public String method() {
        return switch (code) {
            case KERBEROS_V5 -> "Kerberos V5";
            case 6 -> "SCM credentials";
            case GSS -> "GSSAPI";
            case GSS_CONTINUE -> "GSSAPI continuation";
            case SSPI -> "SSPI";
            default -> "unknown method " + code;
        };
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(4).int32(code).toByteArray());
    }
}
