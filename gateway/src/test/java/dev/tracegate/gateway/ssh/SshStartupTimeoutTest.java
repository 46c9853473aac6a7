package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code listeners.ssh.limits.startupTimeoutSeconds}: a client that connects and stalls (silent,
 * after its banner, or after the key exchange without ever signing in) is disconnected once the
 * time is up, while a caller who signed in keeps their session.
 */
class SshStartupTimeoutTest {

    private static final int TIMEOUT_SECONDS = 2;

    @TempDir
    static Path dir;
    private static TestSshHost host;
    private static TestGateway gateway;
    private static OpenSshClient client;

    @BeforeAll
    static void start() throws Exception {
        host = TestSshHost.start(Files.createDirectories(dir.resolve("host")));
        SecretReference key = SecretReference.of("file:" + host.heldKey());
        gateway = TestGateway.startWithSshLimits(List.of(
                new SshConnectionConfig("web", "127.0.0.1", host.port(), TestSshHost.user(), key, null, host.hostKey())),
                "defaults: {action: allow}\n", new ConnectionLimits(TIMEOUT_SECONDS, 0, 0, 0));
        client = new OpenSshClient(Files.createDirectories(dir.resolve("client")), gateway.gateway().sshPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void stalledConnectionsAreClosedAtTheTimeoutAndASignedInSessionGoesOn() throws Exception {
        // Signed in first, and still running when the stalled connections' time is up.
        CompletableFuture<OpenSshClient.Run> working = CompletableFuture.supplyAsync(() -> {
            try {
                return client.ssh(TestGateway.ALICE_TOKEN, "web", "", "sleep " + (TIMEOUT_SECONDS * 3) + "; echo still-here");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.events("command", 0).stream()
                .anyMatch(e -> e.path("detail").path("text").asText().endsWith("echo still-here")));

        try (Socket silent = connect(); Socket afterBanner = connect(); SshClient mina = SshClient.setUpDefaultClient()) {
            afterBanner.getOutputStream().write("SSH-2.0-stalling_1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            afterBanner.getOutputStream().flush();
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            // Key exchange done, then never a sign-in attempt.
            ClientSession neverSignsIn = mina.connect("web", "127.0.0.1", gateway.gateway().sshPort())
                    .verify(Duration.ofSeconds(20)).getSession();
            neverSignsIn.waitFor(List.of(ClientSession.ClientSessionEvent.WAIT_AUTH), Duration.ofSeconds(20));

            assertThat(closedByGateway(silent)).as("a connection that sends nothing").isTrue();
            assertThat(closedByGateway(afterBanner)).as("a connection that stops after its banner").isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(neverSignsIn::isClosed);
        }

        OpenSshClient.Run run = working.get(60, TimeUnit.SECONDS);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("still-here\n");
        OpenSshClient.Run after = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo", "after");
        assertThat(after.out()).isEqualTo("after\n");
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.gateway().sshPort());
        socket.setSoTimeout(60_000); // far beyond the timeout: a read that times out means the gateway kept it open
        return socket;
    }

    /** Reads (the gateway's banner and key exchange offer) until the gateway closes the connection. */
    private static boolean closedByGateway(Socket socket) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(buffer) >= 0) {
                // what the gateway sends before it gives up on the client
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
