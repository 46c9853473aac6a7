package dev.tracegate.wire.mysql;

/** An error: the server's error code, the SQLSTATE and the message. */
public record ErrPacket(int code, String sqlState, String message) {

    public static final int HEADER = 0xFF;
    /** ER_SPECIFIC_ACCESS_DENIED_ERROR-like code the gateway uses for policy refusals (access denied). */
    public static final int ACCESS_DENIED = 1227;
    /** ER_ACCESS_DENIED_ERROR: authentication failed. */
    public static final int AUTHENTICATION_FAILED = 1045;
    /** ER_NOT_SUPPORTED_AUTH_MODE. */
    public static final int NOT_SUPPORTED_AUTH_MODE = 1251;
    /** ER_UNKNOWN_COM_ERROR. */
    public static final int UNKNOWN_COMMAND = 1047;
    /** ER_NET_PACKETS_OUT_OF_ORDER / malformed packet (CR_MALFORMED_PACKET's server twin). */
    public static final int MALFORMED_PACKET = 1156;
    /** ER_NET_PACKET_TOO_LARGE. */
    public static final int PACKET_TOO_LARGE = 1153;
    /** ER_CON_COUNT_ERROR. */
    public static final int TOO_MANY_CONNECTIONS = 1040;
    /** ER_BAD_DB_ERROR. */
    public static final int UNKNOWN_DATABASE = 1049;
    /** ER_QUERY_INTERRUPTED. */
    public static final int QUERY_INTERRUPTED = 1317;
    /** ER_SERVER_SHUTDOWN-class code for a session the gateway ends (the evidence log is unavailable). */
    public static final int GATEWAY_UNAVAILABLE = 1053;

    public static ErrPacket decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        if (in.int1() != HEADER) {
            throw new MysqlProtocolException("not an ERR packet");
        }
        int code = in.int2();
        String state = "HY000";
        if (in.remaining() >= 6 && new PayloadReader(payload, in.position()).int1() == '#') {
            in.int1();
            state = new String(in.bytes(5), java.nio.charset.StandardCharsets.US_ASCII);
        }
        return new ErrPacket(code, state, in.restString());
    }

    public byte[] encode() {
        return new PayloadWriter().int1(HEADER).int2(code).int1('#')
                .bytes(sqlState.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).string(message).toByteArray();
    }
}
