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
 * FunctionCall ('F'): the legacy fast-path call of a function by OID, bypassing SQL (large objects use
 * it). Argument formats follow the Bind rule; a null argument is SQL NULL.
 */
public record FunctionCall(int functionOid, short[] argumentFormats, byte[][] arguments, short resultFormat)
        implements PgMessage {

    public static final byte TYPE = 'F';

    public FunctionCall {
        Objects.requireNonNull(argumentFormats, "argumentFormats");
        Objects.requireNonNull(arguments, "arguments");
        if (argumentFormats.length > 1 && argumentFormats.length != arguments.length) {
            throw new IllegalArgumentException("FunctionCall has " + argumentFormats.length + " format codes but "
                    + arguments.length + " values");
        }
    }

    public static FunctionCall decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "FunctionCall");
        int functionOid = reader.readInt32();
        short[] argumentFormats = FormatCodes.read(reader, "FunctionCall argument formats");
        int count = reader.readUInt16();
        reader.requireElements(count, 4, "FunctionCall arguments");
        FormatCodes.checkCount(argumentFormats, count, "FunctionCall");
        byte[][] arguments = new byte[count][];
        for (int i = 0; i < count; i++) {
            arguments[i] = reader.readNullableBytes();
        }
        short resultFormat = reader.readInt16();
        if (resultFormat != FormatCodes.TEXT && resultFormat != FormatCodes.BINARY) {
            throw new ProtocolException("unsupported format code " + resultFormat + " in FunctionCall result format");
        }
        reader.expectEnd();
        return new FunctionCall(functionOid, argumentFormats, arguments, resultFormat);
    }

    public boolean isBinaryArgument(int index) {
        Objects.checkIndex(index, arguments.length);
        return FormatCodes.formatOf(argumentFormats, index) == FormatCodes.BINARY;
    }

    @Override
    public PgFrame encode() {
        PgBodyWriter writer = new PgBodyWriter().int32(functionOid);
        FormatCodes.write(writer, argumentFormats);
        writer.uint16(arguments.length);
        for (byte[] argument : arguments) {
            writer.nullableBytes(argument);
        }
        return new PgFrame(TYPE, writer.int16(resultFormat).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunctionCall that && functionOid == that.functionOid
                && resultFormat == that.resultFormat
                && Arrays.equals(argumentFormats, that.argumentFormats)
                && Arrays.deepEquals(arguments, that.arguments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(functionOid, resultFormat, Arrays.hashCode(argumentFormats), Arrays.deepHashCode(arguments));
    }

    @Override
    public String toString() {
        return "FunctionCall[functionOid=" + functionOid + ", argumentFormats=" + Arrays.toString(argumentFormats)
                + ", arguments=" + PrintableBytes.sizes(arguments) + ", resultFormat=" + resultFormat + "]";
    }
}
