package dev.tracegate.wire.mysql;

/**
 * The short handshake response a client sends to start TLS: only capabilities (with
 * {@code CLIENT_SSL}), max packet size and character set. The full response follows inside TLS.
 */
public record SslRequest(long capabilities, long maxPacketSize, int characterSet) {

    /** Whether a handshake response is this short form. */
    public static boolean matches(byte[] payload) throws MysqlProtocolException {
        return payload.length == HandshakeResponse41.FIXED_BYTES
                && Capabilities.has(new PayloadReader(payload).int4(), Capabilities.CLIENT_SSL);
    }

    public static SslRequest decode(byte[] payload) throws MysqlProtocolException {
        if (!matches(payload)) {
            throw new MysqlProtocolException("not an SSLRequest");
        }
        return readFixed(new PayloadReader(payload));
    }

    /** The 32 bytes every handshake response starts with. */
    static SslRequest readFixed(PayloadReader in) throws MysqlProtocolException {
        long capabilities = in.int4();
        long maxPacket = in.int4();
        int characterSet = in.int1();
        in.skip(19);
        long extended = in.int4();
        if (!Capabilities.has(capabilities, Capabilities.CLIENT_MYSQL)) {
            capabilities |= extended << 32;
        }
        return new SslRequest(capabilities, maxPacket, characterSet);
    }

    public byte[] encode() {
        return new PayloadWriter().int4(capabilities).int4(maxPacketSize).int1(characterSet).zeros(19)
                .int4(Capabilities.has(capabilities, Capabilities.CLIENT_MYSQL) ? 0 : capabilities >>> 32).toByteArray();
    }
}
