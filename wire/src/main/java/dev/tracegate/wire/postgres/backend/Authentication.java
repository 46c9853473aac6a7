package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/**
 * An authentication request or result ('R'). The body starts with an Int32 code that selects the kind;
 * methods the gateway does not speak (Kerberos, GSS, SSPI, ...) decode as {@link AuthenticationUnsupported}.
 */
public sealed interface Authentication extends PgMessage
        permits AuthenticationOk, AuthenticationCleartextPassword, AuthenticationMd5Password, AuthenticationSasl,
        AuthenticationSaslContinue, AuthenticationSaslFinal, AuthenticationUnsupported {

    byte TYPE = 'R';

    int OK = 0;
    int KERBEROS_V5 = 2;
    int CLEARTEXT_PASSWORD = 3;
    int MD5_PASSWORD = 5;
    int GSS = 7;
    int GSS_CONTINUE = 8;
    int SSPI = 9;
    int SASL = 10;
    int SASL_CONTINUE = 11;
    int SASL_FINAL = 12;

    /** The Int32 code that starts the body. */
    int code();

    static Authentication decode(byte[] body) throws ProtocolException {
        int code = new PgBodyReader(body, "Authentication").readInt32();
        return switch (code) {
            case OK -> AuthenticationOk.decode(body);
            case CLEARTEXT_PASSWORD -> AuthenticationCleartextPassword.decode(body);
            case MD5_PASSWORD -> AuthenticationMd5Password.decode(body);
            case SASL -> AuthenticationSasl.decode(body);
            case SASL_CONTINUE -> AuthenticationSaslContinue.decode(body);
            case SASL_FINAL -> AuthenticationSaslFinal.decode(body);
            default -> AuthenticationUnsupported.decode(body);
        };
    }
}
