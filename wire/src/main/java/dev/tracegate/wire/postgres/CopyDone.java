package dev.tracegate.wire.postgres;

/** CopyDone ('c', both directions): the COPY stream from this side is complete. */
public final class CopyDone implements PgMessage {

    public static final byte TYPE = 'c';
    public static final CopyDone INSTANCE = new CopyDone();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private CopyDone() {
    }

    public static CopyDone decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "CopyDone").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "CopyDone";
    }
}
