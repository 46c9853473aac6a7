package dev.tracegate.wire.mysql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's answer to the handshake: its capabilities, the user, the first authentication
 * response of its plugin, the database (with {@code CLIENT_CONNECT_WITH_DB}) and its connection
 * attributes.
 *
 * @param capabilities low 32 bits MySQL's, high 32 bits MariaDB's extended capabilities
 * @param database     {@code null} when the client names none
 * @param authPlugin   {@code null} when the client names none
 */
public record HandshakeResponse41(long capabilities, long maxPacketSize, int characterSet, String username,
                                  byte[] authResponse, String database, String authPlugin,
                                  Map<String, String> attributes) {

    /** Capabilities, max packet size, character set and 23 reserved bytes: the part an SSLRequest also has. */
    static final int FIXED_BYTES = 32;

    public HandshakeResponse41 {
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static HandshakeResponse41 decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        SslRequest fixed = SslRequest.readFixed(in);
        long capabilities = fixed.capabilities();
        if (!Capabilities.has(capabilities, Capabilities.CLIENT_PROTOCOL_41)) {
            throw new MysqlProtocolException("the client does not speak protocol 4.1");
        }
        long maxPacket = fixed.maxPacketSize();
        int characterSet = fixed.characterSet();
        String username = in.nulString();
        byte[] auth;
        if (Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            auth = in.lenencBytes();
            if (auth == null) {
                throw new MysqlProtocolException("the authentication response is NULL");
            }
        } else if (Capabilities.has(capabilities, Capabilities.CLIENT_SECURE_CONNECTION)) {
            auth = in.bytes(in.int1());
        } else {
            auth = in.nulBytes();
        }
        String database = Capabilities.has(capabilities, Capabilities.CLIENT_CONNECT_WITH_DB) && in.hasMore()
                ? in.nulString() : null;
        String plugin = Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH) && in.hasMore()
                ? in.nulString() : null;
        Map<String, String> attributes = new LinkedHashMap<>();
        if (Capabilities.has(capabilities, Capabilities.CLIENT_CONNECT_ATTRS) && in.hasMore()) {
            long length = in.lenencInt();
            if (length < 0 || length > in.remaining()) {
                throw new MysqlProtocolException("connection attributes overrun the packet");
            }
            PayloadReader attrs = new PayloadReader(in.bytes((int) length));
            while (attrs.hasMore()) {
                attributes.put(attrs.lenencString(), attrs.lenencString());
            }
        }
        return new HandshakeResponse41(capabilities, maxPacket, characterSet, username, auth, database, plugin, attributes);
    }

    public byte[] encode() {
        PayloadWriter out = new PayloadWriter().int4(capabilities).int4(maxPacketSize).int1(characterSet).zeros(19)
                .int4(Capabilities.has(capabilities, Capabilities.CLIENT_MYSQL) ? 0 : capabilities >>> 32)
                .nulString(username);
        if (Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            out.lenencBytes(authResponse);
        } else {
            out.int1(authResponse.length).bytes(authResponse);
        }
        if (Capabilities.has(capabilities, Capabilities.CLIENT_CONNECT_WITH_DB)) {
            out.nulString(database == null ? "" : database);
        }
        if (Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH)) {
            out.nulString(authPlugin == null ? "" : authPlugin);
        }
        if (Capabilities.has(capabilities, Capabilities.CLIENT_CONNECT_ATTRS)) {
            PayloadWriter attrs = new PayloadWriter();
            attributes.forEach((k, v) -> attrs.lenencString(k).lenencString(v));
            out.lenencBytes(attrs.toByteArray());
        }
        return out.toByteArray();
    }
}
