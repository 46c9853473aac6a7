package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/** CopyFail ('f'): the client aborts COPY FROM STDIN, giving a reason. */
public record CopyFail(String message) implements PgMessage {

    public static final byte TYPE = 'f';

    public CopyFail {
        Objects.requireNonNull(message, "message");
    }

    public static CopyFail decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "CopyFail");
        String message = reader.readCString();
        reader.expectEnd();
        return new CopyFail(message);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(message.length() + 1).cstring(message).toByteArray());
    }
}
