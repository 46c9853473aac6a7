package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.AuthenticationCleartextPassword;
import dev.tracegate.wire.postgres.backend.AuthenticationMd5Password;
import dev.tracegate.wire.postgres.backend.AuthenticationOk;
import dev.tracegate.wire.postgres.backend.AuthenticationSasl;
import dev.tracegate.wire.postgres.backend.AuthenticationSaslContinue;
import dev.tracegate.wire.postgres.backend.AuthenticationSaslFinal;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The held upstream password reaches only a server that logs the gateway in the way the
 * connection's {@code upstreamAuth} requires. The happy paths and the downgrades a misconfigured
 * real server makes run against the real PostgreSQL ({@link TestTarget}, whose pg_hba asks each
 * role for a different method); the behaviours only an impostor produces run against a tiny
 * raw-socket server written in this test ({@link ImpostorServer}).
 */
class UpstreamAuthenticationTest {

    @TempDir
    static Path dir;
    private static SecretReference password;
    private static final List<ImpostorServer> impostors = new ArrayList<>();
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        Path file = dir.resolve("upstream-password");
        Files.writeString(file, TestTarget.PASSWORD, StandardCharsets.UTF_8);
        password = SecretReference.of("file:" + file);
        List<ConnectionConfig> extra = new ArrayList<>(List.of(
                TestGateway.connection("md5_role_as_scram", TestTarget.MD5_USER, password, UpstreamAuth.SCRAM),
                TestGateway.connection("clear_role_as_md5", TestTarget.CLEARTEXT_USER, password, UpstreamAuth.MD5),
                TestGateway.connection("trust_role_as_scram", TestTarget.TRUST_USER, password, UpstreamAuth.SCRAM),
                TestGateway.connection("scram_role_as_md5", TestTarget.SCRAM_USER, password, UpstreamAuth.MD5)));
        for (Impersonation behaviour : Impersonation.values()) {
            ImpostorServer impostor = new ImpostorServer(behaviour);
            impostors.add(impostor);
            extra.add(new PostgresConnectionConfig(behaviour.connection(), "127.0.0.1", impostor.port(),
                    "appdb", "app", password, UpstreamTlsMode.DISABLE, UpstreamAuth.SCRAM, null, null));
        }
        gateway = TestGateway.start(extra);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        for (ImpostorServer impostor : impostors) {
            impostor.close();
        }
    }

    @Test
    void scramIsTheDefaultAndLogsInWithTheServersProofChecked() throws SQLException {
        assertThat(((PostgresConnectionConfig) gateway.gateway().config().connection("app").orElseThrow()).upstreamAuth()).isEqualTo(UpstreamAuth.SCRAM);
        assertThat(upstreamUser("app")).isEqualTo(TestTarget.SCRAM_USER);
        // A weaker setting still takes the stronger method a server offers.
        assertThat(upstreamUser("scram_role_as_md5")).isEqualTo(TestTarget.SCRAM_USER);
    }

    @Test
    void md5AndCleartextWorkWhereTheConnectionAllowsThem() throws SQLException {
        assertThat(upstreamUser("app_md5")).isEqualTo(TestTarget.MD5_USER);
        assertThat(upstreamUser("app_clear")).isEqualTo(TestTarget.CLEARTEXT_USER);
    }

    @Test
    void aRealServerAskingForMd5IsRefusedWhenScramIsRequired() {
        assertRefused("md5_role_as_scram", "an MD5 password hash", "upstreamAuth is scram");
    }

    @Test
    void aRealServerAskingForTheCleartextPasswordIsRefusedWhenMd5IsRequired() {
        assertRefused("clear_role_as_md5", "the password in clear", "upstreamAuth is md5");
    }

    @Test
    void aRealServerThatTrustsTheGatewayIsRefusedWhenAPasswordIsHeld() {
        assertRefused("trust_role_as_scram", "without asking for the password");
    }

    @Test
    void anImpostorAskingForTheCleartextPasswordNeverReceivesIt() throws InterruptedException {
        assertRefused(Impersonation.ASKS_CLEARTEXT.connection(), "the password in clear");
        assertThat(impostor(Impersonation.ASKS_CLEARTEXT).answers()).isEmpty();
    }

    @Test
    void anImpostorAskingForMd5NeverReceivesAHash() throws InterruptedException {
        assertRefused(Impersonation.ASKS_MD5.connection(), "an MD5 password hash");
        assertThat(impostor(Impersonation.ASKS_MD5).answers()).isEmpty();
    }

    @Test
    void anAuthenticationOkBeforeScramCompletesIsRefused() {
        assertRefused(Impersonation.OK_BEFORE_SCRAM_ENDS.connection(), "AuthenticationOk before SCRAM completed");
    }

    @Test
    void aWrongServerSignatureIsRefused() {
        assertRefused(Impersonation.WRONG_SIGNATURE.connection(), "failed SCRAM server verification");
        // The second login reuses the keys derived for the impostor's salt: its forged proof must still fail.
        assertRefused(Impersonation.WRONG_SIGNATURE.connection(), "failed SCRAM server verification");
    }

    @Test
    void repeatedScramLoginsReuseTheDerivedKeysAndStillLogIn() throws SQLException {
        for (int i = 0; i < 3; i++) {
            assertThat(upstreamUser("app")).isEqualTo(TestTarget.SCRAM_USER);
        }
    }

    @Test
    void readyForQueryWithoutAnyAuthenticationIsRefused() {
        assertRefused(Impersonation.SKIPS_AUTHENTICATION.connection(), "ready for queries before authentication");
    }

    @Test
    void trustWithAPasswordAndScramWithoutOneAreConfigurationErrors() {
        assertThatThrownBy(() -> TestGateway.connection("x", TestTarget.TRUST_USER, password, UpstreamAuth.TRUST))
                .hasMessageContaining("upstreamAuth trust sends no password");
        assertThatThrownBy(() -> TestGateway.connection("x", TestTarget.SCRAM_USER, null, UpstreamAuth.SCRAM))
                .hasMessageContaining("upstreamAuth scram needs a password");
        assertThatThrownBy(() -> TestGateway.connection("x", TestTarget.SCRAM_USER, password, UpstreamAuth.SCRAM_PLUS))
                .hasMessageContaining("scram-plus binds the login to TLS");
    }

    @Test
    void upstreamAuthIsReadFromTheConfigurationFile() throws IOException {
        Path file = dir.resolve("upstream-auth.yaml");
        String connection = "connections: [{name: shop, host: db, port: 5432, username: app, password: 'env:X', tls: require, upstreamAuth: %s}]\n";
        Files.writeString(file, connection.formatted("scram-plus"));
        assertThat(((PostgresConnectionConfig) ConfigLoader.load(file).connection("shop").orElseThrow()).upstreamAuth()).isEqualTo(UpstreamAuth.SCRAM_PLUS);
        Files.writeString(file, connection.formatted("kerberos"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("unknown upstreamAuth 'kerberos'");
    }

    private static ImpostorServer impostor(Impersonation behaviour) {
        return impostors.stream().filter(i -> i.behaviour == behaviour).findFirst().orElseThrow();
    }

    private static String upstreamUser(String connection) throws SQLException {
        try (Connection c = gateway.connect(connection); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void assertRefused(String connection, String... reasons) {
        assertThatThrownBy(() -> gateway.connect(connection).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("08001");
                    assertThat(e.getMessage()).contains("connection " + connection).contains(reasons)
                            .doesNotContain(TestTarget.PASSWORD);
                });
    }

    /** What the impostor does after reading the gateway's start-up message. */
    enum Impersonation {
        ASKS_CLEARTEXT, ASKS_MD5, OK_BEFORE_SCRAM_ENDS, WRONG_SIGNATURE, SKIPS_AUTHENTICATION;

        String connection() {
            return "impostor_" + name().toLowerCase();
        }
    }

    /**
     * A fake upstream: a raw-socket server that speaks just enough of the protocol to act out one
     * {@link Impersonation}. A real PostgreSQL never behaves like this, which is why these cases
     * need it; it records every message the gateway answers with, so a test can show the password
     * never left.
     */
    private static final class ImpostorServer implements AutoCloseable {
        private final Impersonation behaviour;
        private final ServerSocket server;
        private final List<PgFrame> answers = new CopyOnWriteArrayList<>();
        private final Semaphore hungUp = new Semaphore(0);

        ImpostorServer(Impersonation behaviour) throws IOException {
            this.behaviour = behaviour;
            this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        /** Everything the gateway sent after the impostor's request, once the gateway has hung up. */
        List<PgFrame> answers() throws InterruptedException {
            assertThat(hungUp.tryAcquire(30, TimeUnit.SECONDS)).as("the gateway hung up").isTrue();
            return answers;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    PgFrameReader in = new PgFrameReader(new BufferedInputStream(socket.getInputStream()), 1 << 20);
                    PgFrameWriter out = new PgFrameWriter(socket.getOutputStream());
                    in.readStartupBody();
                    actOut(in, out);
                    // Keep everything the gateway sends until it hangs up.
                    for (PgFrame frame = in.read(); frame != null; frame = in.read()) {
                        answers.add(frame);
                    }
                } catch (IOException e) {
                    // The gateway hung up mid-message or the test is over; either way this connection is done.
                }
                hungUp.release();
            }
        }

        private void actOut(PgFrameReader in, PgFrameWriter out) throws IOException {
            switch (behaviour) {
                case ASKS_CLEARTEXT -> out.write(AuthenticationCleartextPassword.INSTANCE.encode());
                case ASKS_MD5 -> out.write(new AuthenticationMd5Password(new byte[] {1, 2, 3, 4}).encode());
                case OK_BEFORE_SCRAM_ENDS -> {
                    out.write(new AuthenticationSasl(List.of("SCRAM-SHA-256")).encode());
                    out.flush();
                    in.read();
                    out.write(AuthenticationOk.INSTANCE.encode());
                    out.write(ReadyForQuery.IDLE.encode());
                }
                case WRONG_SIGNATURE -> {
                    out.write(new AuthenticationSasl(List.of("SCRAM-SHA-256")).encode());
                    out.flush();
                    String clientFirst = saslData(in.read());
                    String clientNonce = clientFirst.substring(clientFirst.indexOf("r=") + 2);
                    String serverFirst = "r=" + clientNonce + "impostor,s="
                            + Base64.getEncoder().encodeToString("salt-of-the-impostor".getBytes(StandardCharsets.UTF_8))
                            + ",i=4096";
                    out.write(new AuthenticationSaslContinue(serverFirst.getBytes(StandardCharsets.UTF_8)).encode());
                    out.flush();
                    in.read();
                    String forged = "v=" + Base64.getEncoder().encodeToString(new byte[32]);
                    out.write(new AuthenticationSaslFinal(forged.getBytes(StandardCharsets.UTF_8)).encode());
                    out.write(AuthenticationOk.INSTANCE.encode());
                    out.write(ReadyForQuery.IDLE.encode());
                }
                case SKIPS_AUTHENTICATION -> out.write(ReadyForQuery.IDLE.encode());
            }
            out.flush();
        }

        /** The SCRAM text of a SASLInitialResponse: mechanism name, length word, then the data. */
        private static String saslData(PgFrame initial) {
            byte[] body = initial.body();
            int nameEnd = 0;
            while (body[nameEnd] != 0) {
                nameEnd++;
            }
            int start = nameEnd + 1 + 4;
            return new String(body, start, body.length - start, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
