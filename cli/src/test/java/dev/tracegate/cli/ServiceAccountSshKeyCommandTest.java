package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code tracegate service-accounts add-ssh-key} against a real gateway: the key is registered
 * under the fingerprint OpenSSH's ssh-keygen prints, listed with it, revoked like any key, and a
 * key registered once cannot be registered again. (Signing in with it through the SSH listener is
 * SshGatewayTest's.)
 */
class ServiceAccountSshKeyCommandTest {

    private static final String ADMIN_KEY = "tg_cli_sa_ssh_admin_0b9e";
    private static Path dir;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tracegate-cli-sa-ssh");
        Path keyFile = Files.writeString(dir.resolve("admin"), ADMIN_KEY, StandardCharsets.UTF_8);
        ListenerConfig loopback = new ListenerConfig("127.0.0.1", 0, false);
        gateway = Gateway.start(new GatewayConfig(dir.resolve("gateway").toString(), new ListenersConfig(loopback, loopback),
                null, null, new EvidenceConfig("tracegate.test/cli-sa-ssh", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("ada", SecretReference.of("file:" + keyFile), List.of("admins"),
                        "human", null))), List.of(), 0, null, null));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void registersListsAndRevokesAnSshKey() throws Exception {
        Path key = dir.resolve("deploy_key");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start();
        assertThat(keygen.waitFor()).isZero();
        Process print = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").start();
        String fingerprint = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];

        String registered = CliOutput.run("service-accounts", "add-ssh-key", "--server", server(), "--token", ADMIN_KEY,
                "--account", "deployer", "--group", "deployers", "--description", "CI deploys", key + ".pub");
        assertThat(registered).contains("registered key ").contains("(" + fingerprint + ") for deployer");
        String id = registered.split(" ")[2];
        assertThat(CliOutput.run("service-accounts", "list", "--server", server(), "--token", ADMIN_KEY))
                .containsPattern(id + " +deployer +service +\\[\"deployers\"\\] +active .* " + java.util.regex.Pattern.quote(fingerprint));

        assertThat(Main.run("service-accounts", "add-ssh-key", "--server", server(), "--token", ADMIN_KEY,
                "--account", "someone-else", key + ".pub")).as("a key is registered once").isNotZero();

        CliOutput.run("service-accounts", "revoke", "--server", server(), "--token", ADMIN_KEY, id);
        assertThat(CliOutput.run("service-accounts", "list", "--server", server(), "--token", ADMIN_KEY))
                .containsPattern(id + " .* revoked ");
    }

    private static String server() {
        return "http://127.0.0.1:" + gateway.apiPort();
    }
}
