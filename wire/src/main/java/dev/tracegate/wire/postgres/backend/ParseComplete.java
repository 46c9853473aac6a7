package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** ParseComplete ('1'): a Parse succeeded. */
public final class ParseComplete implements PgMessage {

    public static final byte TYPE = '1';
    public static final ParseComplete INSTANCE = new ParseComplete();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private ParseComplete() {
    }

    public static ParseComplete decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "ParseComplete").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "ParseComplete";
    }
}
