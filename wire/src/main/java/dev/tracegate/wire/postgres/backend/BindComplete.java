package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** BindComplete ('2'): a Bind succeeded. */
public final class BindComplete implements PgMessage {

    public static final byte TYPE = '2';
    public static final BindComplete INSTANCE = new BindComplete();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private BindComplete() {
    }

    public static BindComplete decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "BindComplete").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "BindComplete";
    }
}
