package dev.tracegate.wire.mysql;

/**
 * The server asks the client to authenticate with another plugin, with that plugin's data
 * (usually a new 20-byte scramble and a NUL).
 */
public record AuthSwitchRequest(String plugin, byte[] data) {

    public static final int HEADER = 0xFE;

    public static AuthSwitchRequest decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        if (in.int1() != HEADER) {
            throw new MysqlProtocolException("not an AuthSwitchRequest");
        }
        if (!in.hasMore()) {
            throw new MysqlProtocolException("an old-style AuthSwitchRequest (mysql_old_password) is not supported");
        }
        return new AuthSwitchRequest(in.nulString(), in.rest());
    }

    /** The plugin data without the trailing NUL servers add to a scramble. */
    public byte[] scramble() {
        return data.length > 0 && data[data.length - 1] == 0 ? java.util.Arrays.copyOf(data, data.length - 1) : data;
    }

    public byte[] encode() {
        return new PayloadWriter().int1(HEADER).nulString(plugin).bytes(data).toByteArray();
    }
}
