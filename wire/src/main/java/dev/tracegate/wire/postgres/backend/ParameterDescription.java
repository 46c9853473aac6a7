package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/** ParameterDescription ('t'): the type OIDs of a described statement's parameters. */
public record ParameterDescription(int[] typeOids) implements PgMessage {

    public static final byte TYPE = 't';

    public ParameterDescription {
        Objects.requireNonNull(typeOids, "typeOids");
    }

    public static ParameterDescription decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "ParameterDescription");
        int count = reader.readUInt16();
        reader.requireElements(count, 4, "ParameterDescription type OIDs");
        int[] oids = new int[count];
        for (int i = 0; i < count; i++) {
            oids[i] = reader.readInt32();
        }
        reader.expectEnd();
        return new ParameterDescription(oids);
    }

    @Override
    public PgFrame encode() {
        PgBodyWriter writer = new PgBodyWriter(2 + 4 * typeOids.length).uint16(typeOids.length);
        for (int oid : typeOids) {
            writer.int32(oid);
        }
        return new PgFrame(TYPE, writer.toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParameterDescription that && Arrays.equals(typeOids, that.typeOids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(typeOids);
    }

    @Override
    public String toString() {
        return "ParameterDescription[typeOids=" + Arrays.toString(typeOids) + "]";
    }
}
