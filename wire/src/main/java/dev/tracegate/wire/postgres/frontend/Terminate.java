package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** Terminate ('X'): the client is closing the connection. */
public final class Terminate implements PgMessage {

    public static final byte TYPE = 'X';
    public static final Terminate INSTANCE = new Terminate();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private Terminate() {
    }

    public static Terminate decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "Terminate").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "Terminate";
    }
}
