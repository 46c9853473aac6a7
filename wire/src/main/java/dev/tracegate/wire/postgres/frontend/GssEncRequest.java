package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;

/** GSSENCRequest: the client asks for GSSAPI encryption; a gateway that does not offer it answers 'N'. */
public final class GssEncRequest implements StartupPacket {

    public static final int CODE = 80877104;
    public static final GssEncRequest INSTANCE = new GssEncRequest();

    private GssEncRequest() {
    }

    public static GssEncRequest decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "GssEncRequest");
        int code = reader.readInt32();
        if (code != CODE) {
            throw new ProtocolException("not a GssEncRequest: code " + code);
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
        return "GssEncRequest";
    }
}
