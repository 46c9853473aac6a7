package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/**
 * Describe ('D'): ask for the parameters and row shape of a statement ('S') or portal ('P'). An empty
 * name selects the unnamed one.
 */
public record Describe(byte kind, String name) implements PgMessage {

    public static final byte TYPE = 'D';
    public static final byte STATEMENT = 'S';
    public static final byte PORTAL = 'P';

    public Describe {
        TargetKind.check(kind, "Describe");
        Objects.requireNonNull(name, "name");
    }

    public static Describe statement(String name) {
        return new Describe(STATEMENT, name);
    }

    public static Describe portal(String name) {
        return new Describe(PORTAL, name);
    }

    public static Describe decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "Describe");
        byte kind = TargetKind.read(reader, "Describe");
        String name = reader.readCString();
        reader.expectEnd();
        return new Describe(kind, name);
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
        return "Describe[kind=" + (char) kind + ", name=" + name + "]";
    }
}
