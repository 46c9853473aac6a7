package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.tls.GatewayTls;
import dev.tracegate.wire.mysql.AuthMoreData;
import dev.tracegate.wire.mysql.AuthSwitchRequest;
import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.HandshakeResponse41;
import dev.tracegate.wire.mysql.HandshakeV10;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.SslRequest;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The caller's side of the MySQL handshake: the gateway's greeting, TLS when the caller asks for
 * it (required, except from loopback where the listener allows cleartext), and the password,
 * which is the caller's gateway token. It arrives in clear, never hashed, because the gateway must
 * verify it: through {@code mysql_clear_password}, or through {@code caching_sha2_password}'s full
 * authentication over TLS (the gateway answers the client's scramble with "perform full
 * authentication" and the client sends the password itself). Anything else is refused.
 */
final class CallerHandshake {

    static final String CLEAR_PASSWORD = "mysql_clear_password";
    static final String CACHING_SHA2 = "caching_sha2_password";

    /**
     * What the gateway offers callers. Left out on purpose: compression, query attributes
     * (they change COM_QUERY's layout), session tracking, optional result metadata and MariaDB's
     * extended capabilities. Local files are offered: the gateway relays the server's request for
     * one only during a LOAD DATA LOCAL INFILE the policy allowed, for the file it names.
     */
    static final long OFFERED = Capabilities.CLIENT_MYSQL | Capabilities.CLIENT_FOUND_ROWS | Capabilities.CLIENT_LONG_FLAG
            | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_INTERACTIVE
            | Capabilities.CLIENT_SSL | Capabilities.CLIENT_IGNORE_SIGPIPE | Capabilities.CLIENT_TRANSACTIONS
            | Capabilities.CLIENT_RESERVED | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_MULTI_STATEMENTS
            | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_CONNECT_ATTRS | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_LOCAL_FILES;

    /** utf8mb4_general_ci. */
    private static final int CHARACTER_SET = 45;
    private static final int STATUS_AUTOCOMMIT = 0x0002;
    /**
     * Largest packet before authentication: a token, even an OIDC one with many groups, is a few
     * kilobytes; the general limit is for authenticated work.
     */
    static final int MAX_LOGIN_PACKET_BYTES = 16 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GatewayTls tls;
    private final boolean allowCleartextOnLoopback;
    private final String serverVersion;
    /** The caller's packets as far as the handshake got: where a refusal reaches it. */
    private PacketChannel current;

    /** @param serverVersion the version callers are told ({@link ServerVersionProbe}) */
    CallerHandshake(GatewayTls tls, boolean allowCleartextOnLoopback, String serverVersion) {
        this.tls = tls;
        this.allowCleartextOnLoopback = allowCleartextOnLoopback;
        this.serverVersion = serverVersion;
    }

    /** The caller's packets as far as the handshake got, or null inside a TLS handshake. */
    PacketChannel current() {
        return current;
    }

    /** Runs the handshake up to the token; the caller is not yet told whether it is accepted. */
    CallerLogin run(Socket socket, long connectionId) throws IOException, SessionRefusedException {
        PacketChannel channel = new PacketChannel(socket, MAX_LOGIN_PACKET_BYTES, false);
        current = channel;
        byte[] scramble = scramble();
        channel.sequence(0);
        channel.sendNow(new HandshakeV10(serverVersion, connectionId, scramble, OFFERED, CHARACTER_SET,
                STATUS_AUTOCOMMIT, CACHING_SHA2).encode());
        MysqlPacket packet = required(channel);
        if (SslRequest.matches(packet.payload())) {
            int next = channel.nextSequence();
            current = null;
            // Unbuffered until the login ends: nothing the caller sends after it may be read ahead here.
            channel = new PacketChannel(tls.accept(socket, null), MAX_LOGIN_PACKET_BYTES, false);
            channel.sequence(next);
            current = channel;
            packet = required(channel);
        }
        HandshakeResponse41 response = HandshakeResponse41.decode(packet.payload());
        long capabilities = agreed(response.capabilities());
        if (!readableCharacterSet(response.characterSet())) {
            throw new SessionRefusedException(1115, "42000", "character set " + response.characterSet() + " is not one the"
                    + " gateway reads SQL in; connect with utf8mb4 (or utf8, latin1, ascii)");
        }
        Optional<String> refusal = SessionAdmission.transportRefusal(channel.tls(), socket.getInetAddress(),
                allowCleartextOnLoopback);
        if (refusal.isPresent()) {
            throw new SessionRefusedException(3159, "08004", refusal.get()
                    + ": connect with --ssl (mariadb), --ssl-mode=REQUIRED (mysql) or sslMode=REQUIRED (Connector/J)");
        }
        return switch (response.authPlugin() == null ? "" : response.authPlugin()) {
            case CLEAR_PASSWORD -> login(channel, response, capabilities, clearText(response.authResponse()), CLEAR_PASSWORD);
            case CACHING_SHA2 -> channel.tls()
                    ? login(channel, response, capabilities, fullAuthentication(channel), CACHING_SHA2)
                    : switchToClearText(channel, response, capabilities, scramble);
            default -> channel.tls()
                    ? switchToCachingSha2(channel, response, capabilities, scramble)
                    : switchToClearText(channel, response, capabilities, scramble);
        };
    }

    /**
     * Whether the gateway reads SQL in this collation's character set as the server does: UTF-8,
     * latin1, ASCII and binary, where no byte of a multi-byte character can be a quote or a
     * backslash. Everything else is refused (in big5, sjis, gbk, cp932 or gb18030 a character may
     * end in a backslash byte and hide a quote from the classifier).
     */
    static boolean readableCharacterSet(int collation) {
        return switch (collation) {
            case 5, 8, 15, 31, 47, 48, 49, 94 -> true; // latin1
            case 11, 65 -> true; // ascii
            case 63 -> true; // binary
            case 33, 76, 83 -> true; // utf8mb3
            case 45, 46 -> true; // utf8mb4
            default -> (collation >= 192 && collation <= 247) || collation >= 255; // utf8mb3/utf8mb4 UCA collations
        };
    }

    /**
     * What both sides use: clients ask for flags no server offered (libmariadb asks for session
     * tracking whatever the server says) and, by the protocol, use only those offered.
     */
    private static long agreed(long asked) {
        return asked & OFFERED;
    }

    private static CallerLogin login(PacketChannel channel, HandshakeResponse41 response, long capabilities, String token,
                                     String plugin) {
        return new CallerLogin(channel, response, capabilities, token, plugin);
    }

    /** caching_sha2_password over TLS: the client's scramble is ignored and the password asked for in full. */
    private static String fullAuthentication(PacketChannel channel) throws IOException, SessionRefusedException {
        channel.sendNow(new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION}).encode());
        return clearText(required(channel).payload());
    }

    private static CallerLogin switchToCachingSha2(PacketChannel channel, HandshakeResponse41 response, long capabilities,
                                                   byte[] scramble) throws IOException, SessionRefusedException {
        channel.sendNow(new AuthSwitchRequest(CACHING_SHA2, withNul(scramble)).encode());
        required(channel);
        return login(channel, response, capabilities, fullAuthentication(channel), CACHING_SHA2);
    }

    /** Without TLS (loopback, where allowed), only the clear-text plugin gives the token without an RSA exchange. */
    private static CallerLogin switchToClearText(PacketChannel channel, HandshakeResponse41 response, long capabilities,
                                                 byte[] scramble) throws IOException, SessionRefusedException {
        channel.sendNow(new AuthSwitchRequest(CLEAR_PASSWORD, withNul(scramble)).encode());
        return login(channel, response, capabilities, clearText(required(channel).payload()), CLEAR_PASSWORD);
    }

    private static MysqlPacket required(PacketChannel channel) throws IOException, SessionRefusedException {
        MysqlPacket packet;
        try {
            packet = channel.read();
        } catch (dev.tracegate.wire.mysql.MysqlProtocolException e) {
            throw new SessionRefusedException(ErrPacket.PACKET_TOO_LARGE, "08S01", "login packet refused: "
                    + e.getMessage() + " (at most " + MAX_LOGIN_PACKET_BYTES + " bytes before authentication)");
        }
        if (packet == null) {
            throw new EOFException("client left during the handshake");
        }
        return packet;
    }

    /** The password as the clear-text forms carry it: its bytes, with or without a final NUL. */
    private static String clearText(byte[] data) throws SessionRefusedException {
        int length = data.length > 0 && data[data.length - 1] == 0 ? data.length - 1 : data.length;
        if (length == 0) {
            throw new SessionRefusedException(ErrPacket.AUTHENTICATION_FAILED, "28000",
                    "a gateway token is required as the password");
        }
        if (length == 1 && (data[0] == 1 || data[0] == 2)) {
            throw new SessionRefusedException(ErrPacket.NOT_SUPPORTED_AUTH_MODE, "08004",
                    "the client asked for the server's RSA key; the gateway takes the password only over TLS");
        }
        return new String(data, 0, length, StandardCharsets.UTF_8);
    }

    private static byte[] withNul(byte[] scramble) {
        return Arrays.copyOf(scramble, scramble.length + 1);
    }

    /** 20 printable bytes: clients treat the scramble as a C string. */
    private static byte[] scramble() {
        byte[] scramble = new byte[20];
        for (int i = 0; i < scramble.length; i++) {
            scramble[i] = (byte) ('0' + RANDOM.nextInt(75));
        }
        return scramble;
    }
}
