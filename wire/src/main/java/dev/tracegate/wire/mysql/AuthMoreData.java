package dev.tracegate.wire.mysql;

/**
 * More data from the server's authentication plugin: {@code caching_sha2_password} sends 0x03
 * (fast authentication succeeded), 0x04 (perform full authentication) or its RSA public key.
 */
public record AuthMoreData(byte[] data) {

    public static final int HEADER = 0x01;
    public static final byte FAST_AUTH_SUCCESS = 0x03;
    public static final byte PERFORM_FULL_AUTHENTICATION = 0x04;

    public static AuthMoreData decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        if (in.int1() != HEADER) {
            throw new MysqlProtocolException("not an AuthMoreData packet");
        }
        return new AuthMoreData(in.rest());
    }

    public byte[] encode() {
        return new PayloadWriter().int1(HEADER).bytes(data).toByteArray();
    }
}
