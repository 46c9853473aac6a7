package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.wire.mysql.HandshakeV10;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server version callers are told. Drivers choose their SQL by it (MySQL Connector/J asks
 * for {@code transaction_isolation} from an 8.0 server, {@code tx_isolation} from older ones and
 * MariaDB), and the gateway greets a caller before it knows which connection the caller wants; so
 * once, when the listener starts, it reads the greeting of the first MySQL connection's server
 * (no login) and announces that version. When the server cannot be reached then, a MySQL 8.0
 * version is announced.
 *
 * <p>MariaDB servers prefix their version with {@code 5.5.5-} so that old clients read it as
 * MySQL 5.5. MySQL Connector/J reads the authentication exchange of servers before 5.5.16 the old
 * way, which breaks the {@code caching_sha2_password} exchange the gateway asks callers for (a
 * MariaDB server never asks for it, so it never meets this); the gateway says {@code 5.5.16-}
 * instead: still a pre-8.0 server to Connector/J (which then uses {@code tx_isolation}, as MariaDB
 * 10 needs), and still MariaDB to MariaDB's clients.
 */
final class ServerVersionProbe {

    static final String FALLBACK = "8.0.40-tracegate";
    private static final Logger LOG = LoggerFactory.getLogger(ServerVersionProbe.class);
    private static final int TIMEOUT_MILLIS = 3_000;
    private static final int MAX_GREETING_BYTES = 4096;
    private static final String MARIADB_PREFIX = "5.5.5-";
    private static final String AUTH_EXCHANGE_PREFIX = "5.5.16-";

    private ServerVersionProbe() {
    }

    /** The version callers are told for a server's own. */
    static String announced(String serverVersion) {
        return serverVersion.startsWith(MARIADB_PREFIX)
                ? AUTH_EXCHANGE_PREFIX + serverVersion.substring(MARIADB_PREFIX.length()) : serverVersion;
    }

    static String announced(List<MysqlConnectionConfig> connections) {
        if (connections.isEmpty()) {
            return FALLBACK;
        }
        MysqlConnectionConfig first = connections.getFirst();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(first.host(), first.port()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            MysqlPacket greeting = new MysqlPacketReader(socket.getInputStream(), MAX_GREETING_BYTES).read();
            if (greeting == null) {
                throw new IOException("no greeting");
            }
            return announced(HandshakeV10.decode(greeting.payload()).serverVersion());
        } catch (IOException e) {
            LOG.warn("connection {}: could not read the server's version ({}); callers are told {}", first.name(),
                    e.getMessage(), FALLBACK);
            return FALLBACK;
        }
    }
}
