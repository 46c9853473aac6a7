package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.gateway.tls.UpstreamTlsClient;
import dev.tracegate.wire.mysql.AuthMoreData;
import dev.tracegate.wire.mysql.AuthSwitchRequest;
import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.HandshakeResponse41;
import dev.tracegate.wire.mysql.HandshakeV10;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlProtocolException;
import dev.tracegate.wire.mysql.OkPacket;
import dev.tracegate.wire.mysql.SslRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an upstream MySQL/MariaDB session with the password the gateway holds: TCP, TLS when the
 * connection asks for it ({@code require}, {@code verify-full}), then the login the server asks
 * for: {@code caching_sha2_password} (fast path; full authentication in clear over TLS, or RSA
 * encrypted with the server's key without it), {@code mysql_native_password}, MariaDB's
 * {@code client_ed25519}, and {@code mysql_clear_password} over TLS only. Any other plugin ends
 * the attempt.
 */
final class MysqlUpstreamConnector {

    private static final Logger LOG = LoggerFactory.getLogger(MysqlUpstreamConnector.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int LOGIN_TIMEOUT_MILLIS = 30_000;
    private static final int MAX_LOGIN_ROUNDS = 6;
    private static final long MAX_PACKET_SIZE = 1L << 30;
    static final String NATIVE_PASSWORD = "mysql_native_password";
    static final String ED25519 = "client_ed25519";

    /**
     * Capabilities the result relay depends on reading the same way on both sides: the server
     * must grant each one the caller was granted, or the session is refused.
     */
    private static final long RELAYED = Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS
            | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_MULTI_STATEMENTS | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_FOUND_ROWS | Capabilities.CLIENT_TRANSACTIONS;

    /**
     * @param callerCapabilities what the caller and the gateway agreed on
     * @param characterSet       the caller's character set, passed on
     */
    MysqlUpstream connect(MysqlConnectionConfig connection, long callerCapabilities, int characterSet,
                          int maxPacketBytes) throws UpstreamException {
        Socket socket = null;
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(connection.host(), connection.port()), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(LOGIN_TIMEOUT_MILLIS);
            PacketChannel channel = new PacketChannel(socket, maxPacketBytes, false);
            MysqlPacket first = channel.read();
            if (first == null) {
                throw new UpstreamException("connection " + connection.name() + ": the upstream closed before its greeting");
            }
            HandshakeV10 handshake = HandshakeV10.decode(first.payload());
            long capabilities = requested(connection, callerCapabilities, handshake);
            if (connection.tls() != UpstreamTlsMode.DISABLE) {
                channel.send(new SslRequest(capabilities, MAX_PACKET_SIZE, characterSet).encode());
                channel.flush();
                int next = channel.nextSequence();
                socket = UpstreamTlsClient.start(socket, connection.host(), connection.port(), connection.tls(),
                        connection.caCertificate());
                channel = new PacketChannel(socket, maxPacketBytes, false);
                channel.sequence(next);
            }
            byte[] password = connection.password().resolve().getBytes(StandardCharsets.UTF_8);
            String plugin = handshake.authPlugin() == null ? NATIVE_PASSWORD : handshake.authPlugin();
            channel.sendNow(new HandshakeResponse41(capabilities, MAX_PACKET_SIZE, characterSet, connection.username(),
                    firstAnswer(plugin, password, handshake.scramble(), channel.tls(), connection), connection.database(),
                    plugin, Map.of("_client_name", "tracegate")).encode());
            OkPacket ok = login(connection, channel, plugin, handshake.scramble(), password);
            socket.setSoTimeout(0);
            PacketChannel session = new PacketChannel(socket, maxPacketBytes, true);
            return new MysqlUpstream(session, capabilities, handshake.serverVersion(), ok.statusFlags(),
                    handshake.connectionId(), characterSet);
        } catch (UpstreamException e) {
            closeQuietly(socket);
            throw e;
        } catch (GeneralSecurityException e) {
            closeQuietly(socket);
            throw new UpstreamException("connection " + connection.name() + ": TLS or key setup failed: " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UpstreamException("connection " + connection.name() + " upstream unavailable: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private static long requested(MysqlConnectionConfig connection, long caller, HandshakeV10 handshake)
            throws UpstreamException {
        long server = handshake.capabilities() & 0xFFFFFFFFL;
        long missing = caller & RELAYED & ~server;
        if (missing != 0) {
            throw new UpstreamException("connection " + connection.name() + ": the upstream server lacks capabilities"
                    + " the client uses (flags 0x" + Long.toHexString(missing) + ")");
        }
        if (connection.tls() != UpstreamTlsMode.DISABLE && !Capabilities.has(server, Capabilities.CLIENT_SSL)) {
            throw new UpstreamException("connection " + connection.name() + " requires TLS but the upstream server does"
                    + " not offer it");
        }
        long requested = (caller & RELAYED) | Capabilities.CLIENT_MYSQL | Capabilities.CLIENT_LONG_FLAG
                | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CONNECT_WITH_DB
                | Capabilities.CLIENT_CONNECT_ATTRS | (caller & Capabilities.CLIENT_INTERACTIVE);
        if (connection.tls() != UpstreamTlsMode.DISABLE) {
            requested |= Capabilities.CLIENT_SSL;
        }
        // CLIENT_LOCAL_FILES only when the caller has it: the server may then ask for a file, which the
        // gateway relays to the caller only during a LOAD DATA LOCAL INFILE the policy allowed.
        requested |= caller & Capabilities.CLIENT_LOCAL_FILES;
        return requested & (server | Capabilities.CLIENT_MYSQL);
    }

    private static byte[] firstAnswer(String plugin, byte[] password, byte[] scramble, boolean tls,
                                      MysqlConnectionConfig connection) throws UpstreamException {
        return switch (plugin) {
            case NATIVE_PASSWORD -> PasswordScrambles.nativePassword(password, scramble);
            case CallerHandshake.CACHING_SHA2 -> PasswordScrambles.cachingSha2(password, scramble);
            case ED25519 -> Ed25519Password.sign(password, scramble);
            case CallerHandshake.CLEAR_PASSWORD -> {
                if (!tls) {
                    throw new UpstreamException("connection " + connection.name() + ": the upstream asks for the password"
                            + " in clear without TLS; set tls: require or verify-full");
                }
                yield Arrays.copyOf(password, password.length + 1);
            }
            default -> throw new UpstreamException("connection " + connection.name() + ": the upstream asks for"
                    + " authentication plugin " + printable(plugin) + ", which the gateway does not speak");
        };
    }

    private static OkPacket login(MysqlConnectionConfig connection, PacketChannel channel, String firstPlugin,
                                  byte[] firstScramble, byte[] password)
            throws IOException, UpstreamException, GeneralSecurityException {
        String plugin = firstPlugin;
        byte[] scramble = firstScramble;
        boolean keyRequested = false;
        for (int round = 0; round < MAX_LOGIN_ROUNDS; round++) {
            MysqlPacket packet = channel.read();
            if (packet == null) {
                throw new UpstreamException("connection " + connection.name() + ": the upstream closed during login");
            }
            switch (packet.header()) {
                case OkPacket.HEADER -> {
                    return OkPacket.decode(packet.payload());
                }
                case ErrPacket.HEADER -> {
                    ErrPacket error = ErrPacket.decode(packet.payload());
                    // The server's own words may name the upstream account; they go to the gateway log only.
                    LOG.warn("connection {} upstream refused the gateway's login: {} {}", connection.name(), error.code(),
                            error.message());
                    throw new UpstreamException("connection " + connection.name() + " upstream refused the gateway's"
                            + " login (error " + error.code() + "); see the gateway log");
                }
                case AuthSwitchRequest.HEADER -> {
                    AuthSwitchRequest request = AuthSwitchRequest.decode(packet.payload());
                    plugin = request.plugin();
                    scramble = request.scramble();
                    channel.sendNow(firstAnswer(plugin, password, scramble, channel.tls(), connection));
                }
                case AuthMoreData.HEADER -> {
                    byte[] data = AuthMoreData.decode(packet.payload()).data();
                    if (!CallerHandshake.CACHING_SHA2.equals(plugin)) {
                        throw new UpstreamException("connection " + connection.name() + ": unexpected data from the"
                                + " upstream's " + printable(plugin) + " plugin");
                    }
                    keyRequested = cachingSha2More(channel, data, password, scramble, keyRequested);
                }
                default -> throw new MysqlProtocolException("unexpected packet 0x" + Integer.toHexString(packet.header())
                        + " during the upstream login");
            }
        }
        throw new UpstreamException("connection " + connection.name() + ": the upstream login took too many rounds");
    }

    /** caching_sha2_password's second round; returns whether the server's RSA key has been asked for. */
    private static boolean cachingSha2More(PacketChannel channel, byte[] data, byte[] password, byte[] scramble,
                                           boolean keyRequested) throws IOException, GeneralSecurityException {
        if (data.length == 1 && data[0] == AuthMoreData.FAST_AUTH_SUCCESS) {
            return keyRequested;
        }
        if (data.length == 1 && data[0] == AuthMoreData.PERFORM_FULL_AUTHENTICATION) {
            if (channel.tls()) {
                channel.sendNow(Arrays.copyOf(password, password.length + 1));
                return false;
            }
            channel.sendNow(new byte[] {2});
            return true;
        }
        if (!keyRequested) {
            throw new MysqlProtocolException("the upstream sent key material the gateway did not ask for");
        }
        channel.sendNow(PasswordScrambles.rsaEncrypted(password, scramble, data));
        return false;
    }

    private static String printable(String plugin) {
        return plugin.replaceAll("[^A-Za-z0-9_.-]", "?");
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already failing; the original error is what matters.
            }
        }
    }
}
