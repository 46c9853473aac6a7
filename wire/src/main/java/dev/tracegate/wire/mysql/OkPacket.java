package dev.tracegate.wire.mysql;

/**
 * Success: affected rows, last insert id, the server status flags and warnings, and an info
 * text. Read from a 0x00 header, or the 0xFE header that ends a result set under
 * {@code CLIENT_DEPRECATE_EOF}. Session-state tracking data is not negotiated by the gateway,
 * so the rest is the info text.
 */
public record OkPacket(long affectedRows, long lastInsertId, int statusFlags, int warnings, String info) {

    public static final int HEADER = 0x00;
    /** Server status: another result follows this one. */
    public static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;

    public static OkPacket decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        int header = in.int1();
        if (header != HEADER && header != EofPacket.HEADER) {
            throw new MysqlProtocolException("not an OK packet (header 0x" + Integer.toHexString(header) + ")");
        }
        long affected = in.lenencInt();
        long insertId = in.lenencInt();
        int status = in.int2();
        int warnings = in.int2();
        return new OkPacket(affected, insertId, status, warnings, in.restString());
    }

    public boolean moreResults() {
        return (statusFlags & SERVER_MORE_RESULTS_EXISTS) != 0;
    }

    public byte[] encode() {
        return encode(HEADER);
    }

    /** The form that ends a result set under {@code CLIENT_DEPRECATE_EOF}. */
    public byte[] encodeAsEof() {
        return encode(EofPacket.HEADER);
    }

    private byte[] encode(int header) {
        PayloadWriter out = new PayloadWriter().int1(header).lenencInt(affectedRows).lenencInt(lastInsertId)
                .int2(statusFlags).int2(warnings);
        return info == null ? out.toByteArray() : out.string(info).toByteArray();
    }
}
