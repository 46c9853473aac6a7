package dev.tracegate.wire.mysql;

import java.util.Arrays;

/**
 * {@code COM_STMT_EXECUTE}: runs a prepared statement with binary parameters. Parameter types
 * come with the packet when {@code typesBound}, otherwise from the statement's previous execute;
 * a parameter whose value was sent as long data has no value here.
 *
 * @param types  per parameter, the type in the low byte and 0x80 in the high byte when unsigned
 * @param values per parameter, its value's bytes ({@link BinaryValue}), {@code null} for NULL or long data
 */
public record ComStmtExecute(long statementId, int flags, long iterations, boolean typesBound, int[] types,
                             byte[][] values) {

    public static final int UNSIGNED = 0x8000;
    /** A cursor flag: the server keeps the result for {@code COM_STMT_FETCH}. */
    public static final int CURSOR_MASK = 0x0F;

    /** The statement id, to find the statement's parameter count before decoding the rest. */
    public static long statementId(byte[] payload) throws MysqlProtocolException {
        return CommandType.arguments(payload, CommandType.STMT_EXECUTE).int4();
    }

    /**
     * @param parameters    the statement's parameter count, from its prepare
     * @param previousTypes the types bound by the statement's last execute, or {@code null}
     * @param longData      parameters whose value was sent with {@code COM_STMT_SEND_LONG_DATA}
     */
    public static ComStmtExecute decode(byte[] payload, int parameters, int[] previousTypes, boolean[] longData)
            throws MysqlProtocolException {
        PayloadReader in = CommandType.arguments(payload, CommandType.STMT_EXECUTE);
        long id = in.int4();
        int flags = in.int1();
        long iterations = in.int4();
        if (parameters == 0) {
            return new ComStmtExecute(id, flags, iterations, false, new int[0], new byte[0][]);
        }
        byte[] nulls = in.bytes((parameters + 7) / 8);
        boolean bound = in.int1() == 1;
        int[] types;
        if (bound) {
            types = new int[parameters];
            for (int i = 0; i < parameters; i++) {
                types[i] = in.int2();
            }
        } else if (previousTypes != null && previousTypes.length == parameters) {
            types = previousTypes;
        } else {
            throw new MysqlProtocolException("COM_STMT_EXECUTE binds no parameter types and none were bound before");
        }
        byte[][] values = new byte[parameters][];
        for (int i = 0; i < parameters; i++) {
            boolean isNull = (nulls[i / 8] & (1 << (i % 8))) != 0;
            if (!isNull && !(longData != null && i < longData.length && longData[i])) {
                values[i] = BinaryValue.read(in, types[i] & 0xFF);
            }
        }
        in.end("COM_STMT_EXECUTE");
        return new ComStmtExecute(id, flags, iterations, bound, types, values);
    }

    /** Whether the client asked for a cursor (rows fetched later with {@code COM_STMT_FETCH}). */
    public boolean opensCursor() {
        return (flags & CURSOR_MASK) != 0;
    }

    public boolean unsigned(int parameter) {
        return (types[parameter] & UNSIGNED) != 0;
    }

    /** Encodes with NULL for every null value (long-data parameters are written as NULL here: their data went before). */
    public byte[] encode() {
        PayloadWriter out = new PayloadWriter().int1(CommandType.STMT_EXECUTE.code()).int4(statementId).int1(flags)
                .int4(iterations);
        if (types.length == 0) {
            return out.toByteArray();
        }
        byte[] nulls = new byte[(types.length + 7) / 8];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                nulls[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        out.bytes(nulls).int1(typesBound ? 1 : 0);
        if (typesBound) {
            Arrays.stream(types).forEach(out::int2);
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                BinaryValue.write(out, types[i] & 0xFF, values[i]);
            }
        }
        return out.toByteArray();
    }
}
