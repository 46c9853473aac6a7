package dev.tracegate.wire.mysql;

import java.util.Arrays;

/**
 * The server's first packet: its version, the connection id, the scramble (nonce) the
 * authentication plugins hash with, its capabilities and the plugin it asks for first.
 *
 * @param capabilities low 32 bits MySQL's, high 32 bits MariaDB's extended capabilities
 * @param scramble     the 20-byte nonce (both halves joined, without the trailing NUL)
 * @param authPlugin   the plugin named, or {@code null} when the server names none
 */
public record HandshakeV10(String serverVersion, long connectionId, byte[] scramble, long capabilities, int characterSet,
                           int statusFlags, String authPlugin) {

    public static final int PROTOCOL_VERSION = 10;

    public static HandshakeV10 decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        int version = in.int1();
        if (version == ErrPacket.HEADER) {
            throw new MysqlProtocolException("the server refused the connection: " + ErrPacket.decode(payload).message());
        }
        if (version != PROTOCOL_VERSION) {
            throw new MysqlProtocolException("handshake protocol version " + version + " is not 10");
        }
        String serverVersion = in.nulString();
        long connectionId = in.int4();
        byte[] part1 = in.bytes(8);
        in.int1();
        long capabilities = in.int2();
        int characterSet = in.int1();
        int status = in.int2();
        capabilities |= (long) in.int2() << 16;
        int authDataLength = in.int1();
        in.skip(6);
        long extended = in.int4();
        if (!Capabilities.has(capabilities, Capabilities.CLIENT_MYSQL)) {
            capabilities |= extended << 32;
        }
        byte[] scramble = part1;
        if (Capabilities.has(capabilities, Capabilities.CLIENT_SECURE_CONNECTION)) {
            int length = Math.max(13, authDataLength - 8);
            byte[] part2 = in.bytes(length);
            int kept = part2[length - 1] == 0 ? length - 1 : length;
            scramble = Arrays.copyOf(part1, 8 + kept);
            System.arraycopy(part2, 0, scramble, 8, kept);
        }
        String plugin = null;
        if (Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH) && in.hasMore()) {
            // Some servers leave out the final NUL.
            byte[] rest = in.rest();
            int end = 0;
            while (end < rest.length && rest[end] != 0) {
                end++;
            }
            plugin = new String(rest, 0, end, java.nio.charset.StandardCharsets.UTF_8);
        }
        return new HandshakeV10(serverVersion, connectionId, scramble, capabilities, characterSet, status, plugin);
    }

    public byte[] encode() {
        PayloadWriter out = new PayloadWriter().int1(PROTOCOL_VERSION).nulString(serverVersion).int4(connectionId)
                .bytes(Arrays.copyOf(scramble, 8)).int1(0).int2((int) capabilities).int1(characterSet).int2(statusFlags)
                .int2((int) (capabilities >>> 16)).int1(scramble.length + 1).zeros(6);
        out.int4(Capabilities.has(capabilities, Capabilities.CLIENT_MYSQL) ? 0 : capabilities >>> 32);
        byte[] part2 = Arrays.copyOfRange(scramble, 8, Math.max(scramble.length, 20));
        out.bytes(part2).int1(0);
        if (authPlugin != null) {
            out.nulString(authPlugin);
        }
        return out.toByteArray();
    }
}
