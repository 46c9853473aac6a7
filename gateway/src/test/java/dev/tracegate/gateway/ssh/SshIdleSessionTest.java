package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.idleSessionSeconds} on the SSH listener: a session whose client sends nothing for
 * that long is ended and recorded as idle, while a client that keeps its session alive
 * ({@code ServerAliveInterval}) runs a command that is silent for longer than the limit.
 */
class SshIdleSessionTest {

    private static final int IDLE_SECONDS = 2;

    @TempDir
    static Path dir;
    private static TestSshHost host;
    private static TestGateway gateway;
    private static OpenSshClient client;

    @BeforeAll
    static void start() throws Exception {
        host = TestSshHost.start(Files.createDirectories(dir.resolve("host")));
        SecretReference key = SecretReference.of("file:" + host.heldKey());
        gateway = TestGateway.start(List.of(
                new SshConnectionConfig("web", "127.0.0.1", host.port(), TestSshHost.user(), key, null, host.hostKey())),
                "defaults: {action: allow}\n", new CallerLimits(0, 0, 0, 0, 0, 0, 0, IDLE_SECONDS));
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
    void aSessionWhoseClientSendsNothingIsEndedAsIdle() throws Exception {
        long before = gateway.gateway().evidence().size();
        Process quiet = client.spawn(TestGateway.ALICE_TOKEN, "web", List.of("-N", "-o", "ServerAliveInterval=0"));
        try {
            assertThat(quiet.waitFor(60, TimeUnit.SECONDS)).as("the gateway ended the idle session").isTrue();
        } finally {
            quiet.destroyForcibly();
        }
        gateway.awaitSessionClosed(before, "idle session timeout");
    }

    @Test
    void aSilentCommandRunsPastTheLimitWhileTheClientKeepsItsSessionAlive() throws Exception {
        OpenSshClient.Run run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "-o", "ServerAliveInterval=1",
                "sleep " + (IDLE_SECONDS * 3) + "; echo still-here");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("still-here\n");
    }
}
