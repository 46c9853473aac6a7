package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** Sync ('S'): ends an extended-query batch; the server answers ReadyForQuery and, after an error, resumes here. */
public final class Sync implements PgMessage {

    public static final byte TYPE = 'S';
    public static final Sync INSTANCE = new Sync();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private Sync() {
    }

    public static Sync decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "Sync").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "Sync";
    }
}
