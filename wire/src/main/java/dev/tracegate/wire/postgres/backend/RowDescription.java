package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * RowDescription ('T'): the columns of the rows that follow. After a Describe of a statement the
 * formats are all zero (unknown yet); the real formats come from Bind.
 */
public record RowDescription(List<Field> fields) implements PgMessage {

    public static final byte TYPE = 'T';

    /** Smallest encoding of a field: empty name (1) + 4 + 2 + 4 + 2 + 4 + 2. */
    private static final int MIN_FIELD_BYTES = 19;

    public RowDescription {
        fields = List.copyOf(fields);
    }

    /**
     * One result column. {@code tableOid} and {@code columnNumber} identify the source table column, or
     * are 0 when the column is an expression, alias or anything else not read straight from a table.
     * {@code typeSize} is negative for variable-width types.
     */
    public record Field(String name, int tableOid, short columnNumber, int typeOid, short typeSize,
                        int typeModifier, short format) {

        public Field {
            Objects.requireNonNull(name, "name");
        }

        public boolean isBinary() {
            return format == 1;
        }

        /** Whether the column comes straight from a table column (otherwise column rules cannot match it). */
        public boolean hasSourceColumn() {
            return tableOid != 0 && columnNumber != 0;
        }

        /** The same column with another format code, e.g. the one Bind chose. */
        public Field withFormat(short newFormat) {
            return new Field(name, tableOid, columnNumber, typeOid, typeSize, typeModifier, newFormat);
        }
    }

    public static RowDescription decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "RowDescription");
        int count = reader.readUInt16();
        reader.requireElements(count, MIN_FIELD_BYTES, "RowDescription fields");
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new Field(reader.readCString(), reader.readInt32(), reader.readInt16(), reader.readInt32(),
                    reader.readInt16(), reader.readInt32(), reader.readInt16()));
        }
        reader.expectEnd();
        return new RowDescription(fields);
    }

    public int columnCount() {
        return fields.size();
    }

    public Field field(int column) {
        return fields.get(column);
    }

    @Override
    public PgFrame encode() {
        PgBodyWriter writer = new PgBodyWriter(2 + fields.size() * (MIN_FIELD_BYTES + 16)).uint16(fields.size());
        for (Field field : fields) {
            writer.cstring(field.name()).int32(field.tableOid()).int16(field.columnNumber()).int32(field.typeOid())
                    .int16(field.typeSize()).int32(field.typeModifier()).int16(field.format());
        }
        return new PgFrame(TYPE, writer.toByteArray());
    }
}
