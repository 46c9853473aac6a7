package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** EmptyQueryResponse ('I'): the query string was empty; replaces CommandComplete. */
public final class EmptyQueryResponse implements PgMessage {

    public static final byte TYPE = 'I';
    public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private EmptyQueryResponse() {
    }

    public static EmptyQueryResponse decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "EmptyQueryResponse").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "EmptyQueryResponse";
    }
}
