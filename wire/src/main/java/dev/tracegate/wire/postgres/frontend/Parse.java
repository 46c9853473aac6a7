package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/**
 * Parse ('P'): prepare {@code query} as {@code statementName} (empty: the unnamed statement, replaced by
 * every Parse). A type OID of 0 leaves that parameter's type to the server.
 */
public record Parse(String statementName, String query, int[] parameterTypeOids) implements PgMessage {

    public static final byte TYPE = 'P';

    public Parse {
        Objects.requireNonNull(statementName, "statementName");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(parameterTypeOids, "parameterTypeOids");
    }

    public static Parse decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "Parse");
        String statementName = reader.readCString();
        String query = reader.readCString();
        int count = reader.readUInt16();
        reader.requireElements(count, 4, "parameter type OIDs");
        int[] oids = new int[count];
        for (int i = 0; i < count; i++) {
            oids[i] = reader.readInt32();
        }
        reader.expectEnd();
        return new Parse(statementName, query, oids);
    }

    @Override
    public PgFrame encode() {
        PgBodyWriter writer = new PgBodyWriter(statementName.length() + query.length() + 4 + 4 * parameterTypeOids.length)
                .cstring(statementName).cstring(query).uint16(parameterTypeOids.length);
        for (int oid : parameterTypeOids) {
            writer.int32(oid);
        }
        return new PgFrame(TYPE, writer.toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Parse that && statementName.equals(that.statementName) && query.equals(that.query)
                && Arrays.equals(parameterTypeOids, that.parameterTypeOids);
    }

    @Override
    public int hashCode() {
        return Objects.hash(statementName, query, Arrays.hashCode(parameterTypeOids));
    }

    @Override
    public String toString() {
        return "Parse[statementName=" + statementName + ", query=" + query
                + ", parameterTypeOids=" + Arrays.toString(parameterTypeOids) + "]";
    }
}
