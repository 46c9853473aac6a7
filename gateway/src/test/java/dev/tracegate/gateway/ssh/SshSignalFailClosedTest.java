package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.config.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-ahead, fail closed, for SSH signals: a {@code signal} request the evidence log cannot
 * confirm is not passed on to the host (what runs there runs on), as a PostgreSQL cancel is not
 * (SessionCancelsTest). Over a real PostgreSQL evidence store that goes away, a real OpenSSH host
 * and MINA's SSH client; the host's sshd, run without privilege separation, logs each signal
 * request it reads ({@code session_signal_req}), which is how the test sees what reached it.
 */
class SshSignalFailClosedTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - {name: shells, connections: [web], operations: [shell, exec], classes: [unknown], action: allow}
            """;

    @TempDir
    Path dir;

    @Test
    void aSignalTheLogCannotRecordDoesNotReachTheHost() throws Exception {
        EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start();
        try (TestSshHost host = TestSshHost.start(Files.createDirectories(dir.resolve("host")));
             Gateway gateway = Gateway.start(config(host, storeDb));
             SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = signedIn(mina, gateway.sshPort());
                 ByteArrayOutputStream output = new ByteArrayOutputStream();
                 ChannelExec channel = session.createExecChannel("echo started; exec sleep 120")) {
                channel.setOut(output);
                channel.open().verify(Duration.ofSeconds(20));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> output.toString().contains("started"));
                signal(session, channel, "INT");
                Awaitility.await("the recorded signal reached the host").atMost(Duration.ofSeconds(20))
                        .until(() -> signalsSeen(host) == 1);

                storeDb.close();
                storeDb = null;
                signal(session, channel, "TERM");

                Awaitility.await("the unrecorded signal never reaches the host").during(Duration.ofSeconds(35))
                        .atMost(Duration.ofSeconds(45)).until(() -> signalsSeen(host) == 1);
            }
        } finally {
            if (storeDb != null) {
                storeDb.close();
            }
        }
    }

    private static void signal(ClientSession session, ChannelExec channel, String name) throws IOException {
        Buffer signal = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST);
        signal.putUInt(channel.getRecipient());
        signal.putString("signal");
        signal.putBoolean(false);
        signal.putString(name);
        channel.writePacket(signal);
    }

    private static long signalsSeen(TestSshHost host) throws IOException {
        return host.log().stream().filter(entry -> entry.contains("session_signal_req")).count();
    }

    private static ClientSession signedIn(SshClient mina, int port) throws IOException {
        ClientSession session = mina.connect("web", "127.0.0.1", port).verify(Duration.ofSeconds(20)).getSession();
        session.setUserInteraction(new UserInteraction() {
            @Override
            public String[] interactive(ClientSession s, String name, String instruction, String lang, String[] prompt,
                                        boolean[] echo) {
                return new String[] {TestGateway.ALICE_TOKEN};
            }

            @Override
            public String getUpdatedPassword(ClientSession s, String prompt, String lang) {
                return null;
            }
        });
        session.auth().verify(Duration.ofSeconds(20));
        return session;
    }

    private GatewayConfig config(TestSshHost host, EmbeddedPostgres storeDb) throws IOException {
        Path token = Files.writeString(dir.resolve("alice"), TestGateway.ALICE_TOKEN);
        Path storePassword = Files.writeString(dir.resolve("store-password"), "unused-with-trust");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        StoreConfig store = new StoreConfig("postgresql", null, "jdbc:postgresql://127.0.0.1:" + storeDb.getPort()
                + "/postgres", "postgres", SecretReference.of("file:" + storePassword));
        ListenerConfig any = new ListenerConfig("127.0.0.1", 0, false);
        SshConnectionConfig web = new SshConnectionConfig("web", "127.0.0.1", host.port(), TestSshHost.user(),
                SecretReference.of("file:" + host.heldKey()), null, host.hostKey());
        return new GatewayConfig(dir.resolve("gateway").toString(), new ListenersConfig(any, any, any, any, any), null, store,
                new EvidenceConfig("tracegate.test/ssh-signal-fail-closed", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("alice", SecretReference.of("file:" + token), List.of(), "human",
                        null))),
                List.of(web), 0, policy.toString(), null);
    }
}
