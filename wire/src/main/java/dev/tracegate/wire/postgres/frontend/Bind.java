package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bind ('B'): create portal {@code portalName} from statement {@code statementName} with parameter
 * values (a null element is SQL NULL) and choose the format of each result column.
 *
 * <p>Format lists follow one rule for parameters and results: no entries means all text, one entry
 * applies to all, otherwise one per value. The result formats chosen here, not the zeros of a statement
 * Describe, are the formats the DataRows will use.
 */
public record Bind(String portalName, String statementName, short[] parameterFormats, byte[][] parameters,
                   short[] resultFormats) implements PgMessage {

    public static final byte TYPE = 'B';

    public Bind {
        Objects.requireNonNull(portalName, "portalName");
        Objects.requireNonNull(statementName, "statementName");
        Objects.requireNonNull(parameterFormats, "parameterFormats");
        Objects.requireNonNull(parameters, "parameters");
        if (parameterFormats.length > 1 && parameterFormats.length != parameters.length) {
            throw new IllegalArgumentException("Bind has " + parameterFormats.length + " format codes but "
                    + parameters.length + " values");
        }
        Objects.requireNonNull(resultFormats, "resultFormats");
    }

    public static Bind decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "Bind");
        String portalName = reader.readCString();
        String statementName = reader.readCString();
        short[] parameterFormats = FormatCodes.read(reader, "Bind parameter formats");
        int count = reader.readUInt16();
        reader.requireElements(count, 4, "Bind parameters");
        FormatCodes.checkCount(parameterFormats, count, "Bind");
        byte[][] parameters = new byte[count][];
        for (int i = 0; i < count; i++) {
            parameters[i] = reader.readNullableBytes();
        }
        short[] resultFormats = FormatCodes.read(reader, "Bind result formats");
        reader.expectEnd();
        return new Bind(portalName, statementName, parameterFormats, parameters, resultFormats);
    }

    /** Whether parameter {@code index} (0-based) is sent in binary format. */
    public boolean isBinaryParameter(int index) {
        Objects.checkIndex(index, parameters.length);
        return FormatCodes.formatOf(parameterFormats, index) == FormatCodes.BINARY;
    }

    /**
     * The format code (0 text, 1 binary) requested for result column {@code column} (0-based). Only the
     * row description knows how many columns there are, so a column past a per-column list is an error.
     */
    public short resultFormat(int column) {
        if (resultFormats.length > 1) {
            Objects.checkIndex(column, resultFormats.length);
        }
        return FormatCodes.formatOf(resultFormats, column);
    }

    @Override
    public PgFrame encode() {
        int size = portalName.length() + statementName.length() + 8 + 2 * (parameterFormats.length + resultFormats.length);
        for (byte[] parameter : parameters) {
            size += 4 + (parameter == null ? 0 : parameter.length);
        }
        PgBodyWriter writer = new PgBodyWriter(size).cstring(portalName).cstring(statementName);
        FormatCodes.write(writer, parameterFormats);
        writer.uint16(parameters.length);
        for (byte[] parameter : parameters) {
            writer.nullableBytes(parameter);
        }
        FormatCodes.write(writer, resultFormats);
        return new PgFrame(TYPE, writer.toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bind that && portalName.equals(that.portalName)
                && statementName.equals(that.statementName)
                && Arrays.equals(parameterFormats, that.parameterFormats)
                && Arrays.deepEquals(parameters, that.parameters)
                && Arrays.equals(resultFormats, that.resultFormats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(portalName, statementName, Arrays.hashCode(parameterFormats),
                Arrays.deepHashCode(parameters), Arrays.hashCode(resultFormats));
    }

    @Override
    public String toString() {
        return "Bind[portalName=" + portalName + ", statementName=" + statementName
                + ", parameterFormats=" + Arrays.toString(parameterFormats)
                + ", parameters=" + PrintableBytes.sizes(parameters)
                + ", resultFormats=" + Arrays.toString(resultFormats) + "]";
    }
}
