package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/** Query ('Q'): a simple-protocol query string, which may hold several statements. */
public record Query(String sql) implements PgMessage {

    public static final byte TYPE = 'Q';

    public Query {
        Objects.requireNonNull(sql, "sql");
    }

    public static Query decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "Query");
        String sql = reader.readCString();
        reader.expectEnd();
        return new Query(sql);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(sql.length() + 1).cstring(sql).toByteArray());
    }
}
