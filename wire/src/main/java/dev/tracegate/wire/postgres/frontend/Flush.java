package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** Flush ('H'): asks the server to send what it has buffered, without ending the batch. */
public final class Flush implements PgMessage {

    public static final byte TYPE = 'H';
    public static final Flush INSTANCE = new Flush();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private Flush() {
    }

    public static Flush decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "Flush").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "Flush";
    }
}
