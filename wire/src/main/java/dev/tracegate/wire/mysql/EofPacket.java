package dev.tracegate.wire.mysql;

/** The end of column definitions or rows without {@code CLIENT_DEPRECATE_EOF}: warnings and status flags. */
public record EofPacket(int warnings, int statusFlags) {

    public static final int HEADER = 0xFE;

    public static EofPacket decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        if (in.int1() != HEADER || payload.length != 5) {
            throw new MysqlProtocolException("not an EOF packet");
        }
        return new EofPacket(in.int2(), in.int2());
    }

    public boolean moreResults() {
        return (statusFlags & OkPacket.SERVER_MORE_RESULTS_EXISTS) != 0;
    }

    public byte[] encode() {
        return new PayloadWriter().int1(HEADER).int2(warnings).int2(statusFlags).toByteArray();
    }
}
