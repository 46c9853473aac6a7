package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/**
 * ParameterStatus ('S'): the current value of a reported setting (server_version, client_encoding,
 * DateStyle, ...), sent at startup and whenever it changes.
 */
public record ParameterStatus(String name, String value) implements PgMessage {

    public static final byte TYPE = 'S';

    public ParameterStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static ParameterStatus decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "ParameterStatus");
        String name = reader.readCString();
        String value = reader.readCString();
        reader.expectEnd();
        return new ParameterStatus(name, value);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(name.length() + value.length() + 2).cstring(name).cstring(value).toByteArray());
    }
}
