package dev.tracegate.wire.mysql;

/** A row of a text result set ({@code COM_QUERY}): one length-encoded string per column, 0xFB for NULL. */
public record TextRow(byte[][] values) {

    public static TextRow decode(byte[] payload, int columns) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        byte[][] values = new byte[columns][];
        for (int i = 0; i < columns; i++) {
            values[i] = in.lenencBytes();
        }
        in.end("a text row of " + columns + " columns");
        return new TextRow(values);
    }

    public byte[] encode() {
        PayloadWriter out = new PayloadWriter();
        for (byte[] value : values) {
            out.lenencBytes(value);
        }
        return out.toByteArray();
    }
}
