package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** CloseComplete ('3'): a Close succeeded (also sent for names that did not exist). */
public final class CloseComplete implements PgMessage {

    public static final byte TYPE = '3';
    public static final CloseComplete INSTANCE = new CloseComplete();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private CloseComplete() {
    }

    public static CloseComplete decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "CloseComplete").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "CloseComplete";
    }
}
