package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;

/** SSLRequest: the client asks to switch to TLS; answer a single 'S' (then TLS) or 'N'. */
public final class SslRequest implements StartupPacket {

    public static final int CODE = 80877103;
    public static final SslRequest INSTANCE = new SslRequest();

    private SslRequest() {
    }

    public static SslRequest decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "SslRequest");
        int code = reader.readInt32();
        if (code != CODE) {
            throw new ProtocolException("not a SslRequest: code " + code);
        }
        reader.expectEnd();
        return INSTANCE;
    }

    @Override
    public byte[] encodeBody() {
        return new PgBodyWriter(4).int32(CODE).toByteArray();
    }

    @Override
    public String toString() {
        return "SslRequest";
    }
}
