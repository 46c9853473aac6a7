package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/** Close ('C'): drop a prepared statement ('S') or portal ('P'). An empty name selects the unnamed one. */
public record Close(byte kind, String name) implements PgMessage {

    public static final byte TYPE = 'C';
    public static final byte STATEMENT = 'S';
    public static final byte PORTAL = 'P';

    public Close {
        TargetKind.check(kind, "Close");
        Objects.requireNonNull(name, "name");
    }

    public static Close statement(String name) {
        return new Close(STATEMENT, name);
    }

    public static Close portal(String name) {
        return new Close(PORTAL, name);
    }

    public static Close decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "Close");
        byte kind = TargetKind.read(reader, "Close");
        String name = reader.readCString();
        reader.expectEnd();
        return new Close(kind, name);
    }

    public boolean isStatement() {
        return kind == STATEMENT;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(name.length() + 2).int8(kind).cstring(name).toByteArray());
    }

    @Override
    public String toString() {
        return "Close[kind=" + (char) kind + ", name=" + name + "]";
    }
}
