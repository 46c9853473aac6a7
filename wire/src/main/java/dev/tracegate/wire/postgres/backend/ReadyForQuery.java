package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/** ReadyForQuery ('Z'): the server is ready for a new query cycle, in the given transaction state. */
public record ReadyForQuery(TransactionStatus status) implements PgMessage {

    public static final byte TYPE = 'Z';
    public static final ReadyForQuery IDLE = new ReadyForQuery(TransactionStatus.IDLE);
    public static final ReadyForQuery IN_TRANSACTION = new ReadyForQuery(TransactionStatus.IN_TRANSACTION);
    public static final ReadyForQuery FAILED = new ReadyForQuery(TransactionStatus.FAILED);

    public ReadyForQuery {
        Objects.requireNonNull(status, "status");
    }

    public static ReadyForQuery decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "ReadyForQuery");
        TransactionStatus status = TransactionStatus.of(reader.readByte());
        reader.expectEnd();
        return new ReadyForQuery(status);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new byte[] {status.code()});
    }
}
