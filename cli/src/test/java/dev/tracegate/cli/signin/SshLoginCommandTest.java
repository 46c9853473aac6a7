package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracegate ssh login} against a real gateway with an SSH listener: a fresh owner-only key,
 * a certificate OpenSSH's own ssh-keygen reads as the caller's, short-lived, and the config lines.
 */
class SshLoginCommandTest {

    private static final String KEY = "tg_cli_ssh_login_Key_5e02";
    private static Gateway gateway;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        Path dataDir = Files.createTempDirectory("tracegate-cli-ssh");
        Path keyFile = Files.writeString(dataDir.resolve("key"), KEY, StandardCharsets.UTF_8);
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                dataDir.resolve("host").toString()).start();
        assertThat(keygen.waitFor()).isZero();
        gateway = Gateway.start(new GatewayConfig(dataDir.resolve("gateway").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false), null,
                        new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/cli-ssh", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("agent", SecretReference.of("file:" + keyFile), List.of(), "agent",
                        null))),
                List.of(new SshConnectionConfig("web", "127.0.0.1", 22, "deploy", null, SecretReference.of("env:UNUSED"),
                        Files.readString(dataDir.resolve("host.pub")).strip())), 0, null, null));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void writesAFreshKeyAndAShortLivedCertificateAndPrintsTheConfig() throws Exception {
        CommandRun run = run(KEY, "--minutes", "30");
        assertThat(run.exitStatus()).as(run.err()).isZero();
        Path key = home.resolve("ssh/id_ecdsa");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(run.out()).contains("Port " + gateway.sshPort()).contains("CertificateFile " + key + "-cert.pub")
                .contains("IdentityFile " + key).contains("ssh <connection>@tracegate");
        Process inspect = new ProcessBuilder("ssh-keygen", "-L", "-f", key + "-cert.pub").redirectErrorStream(true).start();
        String certificate = new String(inspect.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(inspect.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(certificate).contains("user certificate").contains("agent").contains("Valid: from");
        String firstKey = Files.readString(Path.of(key + ".pub"));

        CommandRun again = run(KEY, "--minutes", "30");
        assertThat(again.exitStatus()).isZero();
        assertThat(Files.readString(Path.of(key + ".pub"))).as("each login gets its own key").isNotEqualTo(firstKey);
    }

    @Test
    void aRefusedTokenGetsNoCertificate() {
        CommandRun run = run("tg_wrong", "--minutes", "30");
        assertThat(run.exitStatus()).isNotZero();
        assertThat(run.err()).contains("issued no certificate");
        assertThat(home.resolve("ssh/id_ecdsa-cert.pub")).doesNotExist();
    }

    @Test
    void aLifetimeOverTheMaximumIsRefused() {
        CommandRun run = run(KEY, "--minutes", "100000");
        assertThat(run.exitStatus()).isNotZero();
        assertThat(run.err()).contains("minutes must be a whole number from 1 to 480");
    }

    private CommandRun run(String bearer, String... args) {
        SshLoginCommand command = new SshLoginCommand(new CredentialStore(home.resolve("credentials.json")),
                Map.of("TRACEGATE_SERVER", "http://127.0.0.1:" + gateway.apiPort(), "TRACEGATE_TOKEN", bearer),
                Clock.systemUTC());
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = home.resolve("ssh").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CommandRun.finish(command, all);
    }
}
