package dev.tracegate.wire.mysql;

/**
 * A row of a binary result set ({@code COM_STMT_EXECUTE}): a 0x00 header, a NULL bitmap (offset
 * by two bits) and the non-NULL values in the binary protocol ({@link BinaryValue}).
 *
 * @param types  each column's type
 * @param values each column's value bytes, {@code null} for NULL
 */
public record BinaryRow(int[] types, byte[][] values) {

    public static final int HEADER = 0x00;
    private static final int BITMAP_OFFSET = 2;

    public static BinaryRow decode(byte[] payload, int[] types) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        if (in.int1() != HEADER) {
            throw new MysqlProtocolException("a binary row does not start with 0x00");
        }
        byte[] nulls = in.bytes((types.length + 7 + BITMAP_OFFSET) / 8);
        byte[][] values = new byte[types.length][];
        for (int i = 0; i < types.length; i++) {
            int bit = i + BITMAP_OFFSET;
            if ((nulls[bit / 8] & (1 << (bit % 8))) == 0) {
                values[i] = BinaryValue.read(in, types[i]);
            }
        }
        in.end("a binary row of " + types.length + " columns");
        return new BinaryRow(types, values);
    }

    public byte[] encode() {
        byte[] nulls = new byte[(types.length + 7 + BITMAP_OFFSET) / 8];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                int bit = i + BITMAP_OFFSET;
                nulls[bit / 8] |= (byte) (1 << (bit % 8));
            }
        }
        PayloadWriter out = new PayloadWriter().int1(HEADER).bytes(nulls);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                BinaryValue.write(out, types[i], values[i]);
            }
        }
        return out.toByteArray();
    }
}
