package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.TlsConfig;
import dev.tracegate.gateway.tls.GatewayTls;
import dev.tracegate.wire.mysql.AuthMoreData;
import dev.tracegate.wire.mysql.AuthSwitchRequest;
import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.CommandType;
import dev.tracegate.wire.mysql.EofPacket;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.HandshakeResponse41;
import dev.tracegate.wire.mysql.HandshakeV10;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import dev.tracegate.wire.mysql.MysqlPacketWriter;
import dev.tracegate.wire.mysql.OkPacket;
import dev.tracegate.wire.mysql.PayloadWriter;
import dev.tracegate.wire.mysql.SslRequest;
import dev.tracegate.wire.mysql.TextRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;

/**
 * A test-only server for MySQL's {@code caching_sha2_password}, the server side of its three
 * log-ins, because no MySQL server can run here (Debian ships MariaDB, which has no server side
 * for the plugin): the fast path (the scramble checked against the server's cache of
 * SHA256(SHA256(password)), filled by the last full authentication), full authentication over TLS
 * (the client sends the password), and full authentication without TLS (the client asks for the
 * server's RSA public key and sends the NUL-terminated password XOR the scramble, RSA-OAEP
 * encrypted). {@code CachingSha2ServerTest} proves it against MySQL Connector/J, MySQL's own
 * client side of the plugin, before the gateway is pointed at it.
 *
 * <p>After the log-in it answers just enough for a driver to connect: a {@code SELECT} of
 * literals, {@code @@variables} and {@code CURRENT_USER()} with one row, anything else with OK.
 */
final class CachingSha2Server implements AutoCloseable {

    /** Where a SELECT's list ends and its tables begin. */
    private static final java.util.regex.Pattern FROM = java.util.regex.Pattern.compile("(?i)\\sFROM\\s");

    static final String PLUGIN = "caching_sha2_password";
    static final String VERSION = "8.4.3-tracegate-test";

    /** How a log-in was decided. */
    enum Path { FAST, FULL_OVER_TLS, FULL_WITH_RSA }

    record Login(String user, Path path, boolean accepted) {
    }

    private static final long CAPABILITIES = Capabilities.CLIENT_MYSQL | Capabilities.CLIENT_FOUND_ROWS
            | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_INTERACTIVE | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_SECURE_CONNECTION
            | Capabilities.CLIENT_MULTI_STATEMENTS | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS
            | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS
            | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_SSL;
    private static final int STATUS_AUTOCOMMIT = 0x0002;
    private static final int UTF8MB4 = 255;
    private static final byte REQUEST_PUBLIC_KEY = 2;
    private static final Pattern ALIAS = Pattern.compile("(?is)^(.*?)\\s+AS\\s+`?([A-Za-z0-9_]+)`?\\s*$");
    private static final Map<String, String> VARIABLES = Map.ofEntries(
            Map.entry("auto_increment_increment", "1"), Map.entry("character_set_client", "utf8mb4"),
            Map.entry("character_set_connection", "utf8mb4"), Map.entry("character_set_results", "utf8mb4"),
            Map.entry("character_set_server", "utf8mb4"), Map.entry("collation_server", "utf8mb4_0900_ai_ci"),
            Map.entry("collation_connection", "utf8mb4_0900_ai_ci"), Map.entry("init_connect", ""),
            Map.entry("interactive_timeout", "28800"), Map.entry("license", "GPL"), Map.entry("lower_case_table_names", "0"),
            Map.entry("max_allowed_packet", "67108864"), Map.entry("net_write_timeout", "60"),
            Map.entry("performance_schema", "0"), Map.entry("sql_mode", "STRICT_TRANS_TABLES"),
            Map.entry("system_time_zone", "UTC"), Map.entry("time_zone", "SYSTEM"),
            Map.entry("transaction_isolation", "REPEATABLE-READ"), Map.entry("tx_isolation", "REPEATABLE-READ"),
            Map.entry("wait_timeout", "28800"), Map.entry("version", VERSION), Map.entry("version_comment", "test server"),
            Map.entry("transaction_read_only", "0"), Map.entry("tx_read_only", "0"), Map.entry("autocommit", "1"));

    private final ServerSocket server;
    private final GatewayTls tls;
    private final KeyPair rsa;
    private final Map<String, byte[]> passwords;
    /** The cache the fast path reads: users whose last full authentication succeeded. */
    private final Set<String> cached = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    /** Every log-in attempt decided, in order. */
    final List<Login> logins = new CopyOnWriteArrayList<>();
    /** Every command after a log-in, in order: a query's text, or the command's name. */
    final List<String> commands = new CopyOnWriteArrayList<>();

    /** @param accounts user name to password */
    CachingSha2Server(Map<String, String> accounts) throws IOException, GeneralSecurityException {
        passwords = new ConcurrentHashMap<>();
        accounts.forEach((user, password) -> passwords.put(user, password.getBytes(StandardCharsets.UTF_8)));
        tls = GatewayTls.load(new TlsConfig(null, null), Files.createTempDirectory("tracegate-sha2-server"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::serve);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Empties the cache, as a server restart or FLUSH PRIVILEGES does: the next log-in of each user is a full one. */
    void forgetCache() {
        cached.clear();
    }

    /** The log-ins decided from index {@code from} of {@link #logins} on. */
    List<Login> loginsSince(int from) {
        return List.copyOf(logins.subList(from, logins.size()));
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> session(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket accepted) {
        try (Socket socket = accepted) {
            new Session(socket).run();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The client left or sent what this server does not understand: only that session ends.
        }
    }

    /** One connection: greeting, optional TLS, the log-in, then commands. */
    private final class Session {
        private Socket socket;
        private MysqlPacketReader in;
        private MysqlPacketWriter out;
        private OutputStream raw;
        private int sequence;
        private long capabilities;
        private final byte[] scramble = new byte[20];

        Session(Socket socket) throws IOException {
            use(socket);
            for (int i = 0; i < scramble.length; i++) {
                scramble[i] = (byte) (random.nextInt(1, 127)); // no NUL: clients read the scramble up to one
            }
        }

        private void use(Socket next) throws IOException {
            socket = next;
            InputStream input = socket.getInputStream();
            raw = socket.getOutputStream();
            in = new MysqlPacketReader(input, 1 << 24);
            out = new MysqlPacketWriter(raw);
        }

        void run() throws IOException, GeneralSecurityException {
            send(new HandshakeV10(VERSION, 7, scramble, CAPABILITIES, UTF8MB4, STATUS_AUTOCOMMIT, PLUGIN).encode());
            MysqlPacket packet = read();
            if (SslRequest.matches(packet.payload())) {
                use(tls.accept(socket, null));
                packet = read();
            }
            HandshakeResponse41 response = HandshakeResponse41.decode(packet.payload());
            capabilities = response.capabilities() & CAPABILITIES;
            byte[] answer = response.authResponse();
            if (!PLUGIN.equals(response.authPlugin())) {
                send(new AuthSwitchRequest(PLUGIN, Arrays.copyOf(scramble, scramble.length + 1)).encode());
                answer = read().payload();
            }
            if (!logIn(response.username(), answer)) {
                return;
            }
            send(new OkPacket(0, 0, STATUS_AUTOCOMMIT, 0, null).encode());
            commands(response.username());
        }

        /** The plugin's server side; true when the user is in, false once an error was sent. */
        private boolean logIn(String user, byte[] answer) throws IOException, GeneralSecurityException {
            byte[] password = passwords.get(user);
            // As MySQL: a cache entry and a matching scramble is the fast path; a miss or a mismatch asks for the password.
            if (password != null && cached.contains(user) && fastPathMatches(answer, sha256(sha256(password)))) {
                send(new AuthMoreData(new byte[] {AuthMoreData.FAST_AUTH_SUCCESS}).encode());
                return decided(user, Path.FAST, true);
            }
            send(new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION}).encode());
            byte[] next = read().payload();
            if (socket instanceof javax.net.ssl.SSLSocket) {
                return decided(user, Path.FULL_OVER_TLS, password != null && MessageDigest.isEqual(next, nulTerminated(password)));
            }
            if (next.length != 1 || next[0] != REQUEST_PUBLIC_KEY) {
                // A client that would send the password in clear over plain TCP: MySQL refuses it too.
                return decided(user, Path.FULL_WITH_RSA, false);
            }
            send(new AuthMoreData(publicKeyPem().getBytes(StandardCharsets.US_ASCII)).encode());
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(Cipher.DECRYPT_MODE, rsa.getPrivate());
            byte[] plain;
            try {
                plain = cipher.doFinal(read().payload());
            } catch (GeneralSecurityException e) {
                return decided(user, Path.FULL_WITH_RSA, false);
            }
            for (int i = 0; i < plain.length; i++) {
                plain[i] ^= scramble[i % scramble.length];
            }
            return decided(user, Path.FULL_WITH_RSA, password != null && MessageDigest.isEqual(plain, nulTerminated(password)));
        }

        /**
         * The server's check, from what its cache holds (SHA256(SHA256(password)), never the
         * password): the answer XOR SHA256(stage2 + scramble) must be a stage1 whose SHA256 is stage2.
         */
        private boolean fastPathMatches(byte[] answer, byte[] stage2) throws GeneralSecurityException {
            byte[] mask = sha256(concat(stage2, scramble));
            if (answer.length != mask.length) {
                return false;
            }
            byte[] stage1 = new byte[mask.length];
            for (int i = 0; i < mask.length; i++) {
                stage1[i] = (byte) (answer[i] ^ mask[i]);
            }
            return MessageDigest.isEqual(sha256(stage1), stage2);
        }

        private boolean decided(String user, Path path, boolean accepted) throws IOException {
            logins.add(new Login(user, path, accepted));
            if (!accepted) {
                send(new ErrPacket(ErrPacket.AUTHENTICATION_FAILED, "28000", "Access denied for user '" + user
                        + "'@'localhost' (using password: YES)").encode());
                return false;
            }
            if (path != Path.FAST) {
                cached.add(user);
            }
            return true;
        }

        private void commands(String user) throws IOException {
            while (true) {
                MysqlPacket packet = in.read();
                if (packet == null) {
                    return;
                }
                sequence = packet.sequence() + 1;
                CommandType type = CommandType.of(packet.payload());
                commands.add(type == CommandType.QUERY ? ComQuery.decode(packet.payload()).sql() : String.valueOf(type));
                if (type == CommandType.QUIT) {
                    return;
                } else if (type == CommandType.QUERY) {
                    query(ComQuery.decode(packet.payload()).sql(), user);
                } else if (type == CommandType.PING || type == CommandType.INIT_DB || type == CommandType.RESET_CONNECTION) {
                    send(new OkPacket(0, 0, STATUS_AUTOCOMMIT, 0, null).encode());
                } else {
                    send(new ErrPacket(ErrPacket.UNKNOWN_COMMAND, "08S01", "not supported by the test server").encode());
                }
            }
        }

        /**
         * A SELECT of literals, variables and CURRENT_USER() gets one row; a SELECT from a table (the
         * gateway's catalog reads of information_schema) gets its columns and no row, and the gateway's
         * version of the server's code zeros, as a server holding no routines, triggers or views answers;
         * anything else an OK.
         */
        private void query(String sql, String user) throws IOException {
            String text = sql.replaceAll("(?s)^\\s*/\\*.*?\\*/", "").strip();
            if (!text.regionMatches(true, 0, "SELECT ", 0, 7)) {
                send(new OkPacket(0, 0, STATUS_AUTOCOMMIT, 0, null).encode());
                return;
            }
            // The gateway's version of the server's code (counts and checksums of routines, triggers and views,
            // its FROMs inside brackets): a server holding none answers zeros.
            boolean version = text.regionMatches(true, 0, "SELECT CONCAT_WS(", 0, 17);
            Matcher from = FROM.matcher(text);
            boolean fromTable = !version && from.find();
            String selected = version ? "'0:0/0:0/0:0' AS version" : fromTable ? text.substring(7, from.start()) : text.substring(7);
            List<String> names = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (String item : selected.split(",")) {
                Matcher alias = ALIAS.matcher(item.strip());
                String expression = alias.matches() ? alias.group(1).strip() : item.strip();
                names.add(alias.matches() ? alias.group(2) : expression);
                String value = value(expression, user);
                values.add(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
            }
            sequence = out.write(sequence, new PayloadWriter().lenencInt(names.size()).toByteArray());
            for (String name : names) {
                sequence = out.write(sequence, new ColumnDefinition41("def", "", "", "", name, "", UTF8MB4, 1024, 0xFD, 0, 0)
                        .encode());
            }
            boolean deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
            if (!deprecateEof) {
                sequence = out.write(sequence, new EofPacket(0, STATUS_AUTOCOMMIT).encode());
            }
            if (!fromTable) {
                sequence = out.write(sequence, new TextRow(values.toArray(byte[][]::new)).encode());
            }
            send(deprecateEof ? new OkPacket(0, 0, STATUS_AUTOCOMMIT, 0, null).encodeAsEof()
                    : new EofPacket(0, STATUS_AUTOCOMMIT).encode());
        }

        private static String value(String expression, String user) {
            if (expression.startsWith("@@")) {
                String name = expression.substring(expression.lastIndexOf('.') + 1).replace("@@", "").toLowerCase();
                return VARIABLES.get(name);
            }
            if (expression.equalsIgnoreCase("CURRENT_USER()") || expression.equalsIgnoreCase("USER()")) {
                return user + "@localhost";
            }
            if (expression.length() >= 2 && expression.startsWith("'") && expression.endsWith("'")) {
                return expression.substring(1, expression.length() - 1);
            }
            return expression.matches("-?\\d+") ? expression : null;
        }

        private MysqlPacket read() throws IOException {
            MysqlPacket packet = in.read();
            if (packet == null) {
                throw new IOException("the client left during the log-in");
            }
            sequence = packet.sequence() + 1;
            return packet;
        }

        private void send(byte[] payload) throws IOException {
            sequence = out.write(sequence, payload);
            raw.flush();
        }
    }

    private String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static byte[] sha256(byte[] input) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(input);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] nulTerminated(byte[] password) {
        return Arrays.copyOf(password, password.length + 1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
