package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** NoData ('n'): the described statement or portal returns no rows. */
public final class NoData implements PgMessage {

    public static final byte TYPE = 'n';
    public static final NoData INSTANCE = new NoData();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private NoData() {
    }

    public static NoData decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "NoData").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "NoData";
    }
}
