package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/**
 * DataRow ('D'): one result row. Each value is an Int32 length (-1 for NULL, held here as a null element)
 * and the bytes, in the format Bind chose for that column. A value that changes length changes the
 * message length, which {@link #encode()} recomputes.
 */
public record DataRow(byte[][] values) implements PgMessage {

    public static final byte TYPE = 'D';

    public DataRow {
        Objects.requireNonNull(values, "values");
    }

    public static DataRow decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "DataRow");
        int count = reader.readUInt16();
        reader.requireElements(count, 4, "DataRow values");
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            values[i] = reader.readNullableBytes();
        }
        reader.expectEnd();
        return new DataRow(values);
    }

    /** The column count of an encoded row, read without decoding the values. */
    public static int columnCount(byte[] body) throws ProtocolException {
        return new PgBodyReader(body, "DataRow").readUInt16();
    }

    public int columnCount() {
        return values.length;
    }

    /** The value of {@code column} (0-based), or null for SQL NULL. */
    public byte[] value(int column) {
        return values[column];
    }

    /** This row with one value replaced; the other values are shared, not copied. */
    public DataRow withValue(int column, byte[] value) {
        byte[][] replaced = values.clone();
        replaced[column] = value;
        return new DataRow(replaced);
    }

    @Override
    public PgFrame encode() {
        int size = 2;
        for (byte[] value : values) {
            size += 4 + (value == null ? 0 : value.length);
        }
        PgBodyWriter writer = new PgBodyWriter(size).uint16(values.length);
        for (byte[] value : values) {
            writer.nullableBytes(value);
        }
        return new PgFrame(TYPE, writer.toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataRow that && Arrays.deepEquals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return "DataRow" + PrintableBytes.sizes(values);
    }
}
