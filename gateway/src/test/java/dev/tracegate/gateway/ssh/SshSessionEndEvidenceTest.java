package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.CommandEnds;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSH exec still running when its caller's session ends closes without an exit status: the
 * evidence says it was cut off (it may have run), before the session's end, rather than inventing
 * an exit status the host never sent.
 */
class SshSessionEndEvidenceTest {

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
                "defaults: {action: allow}\n");
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
    void anExecCutOffByItsCallersDepartureIsRecordedAsUnansweredBeforeTheSessionCloses() throws Exception {
        Process ssh = client.spawn(TestGateway.ALICE_TOKEN, "web", List.of("-o", "RemoteCommand=sleep 29.5"));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> command("sleep 29.5").isPresent());
        } finally {
            ssh.destroyForcibly(); // the caller vanishes while the host's command runs
        }
        JsonNode command = command("sleep 29.5").orElseThrow();
        JsonNode result = CommandEnds.unansweredBeforeItsSessionCloses(gateway.gateway().evidence(), command);
        assertThat(result.path("detail").path("tags").toString()).as("no exit status is invented").doesNotContain("exit 255");
    }

    @Test
    void everyCommandOfAnSftpSessionHasItsEndIncludingTheHostsRefusalAndTheEnvironmentAskedFor() throws Exception {
        Path made = dir.resolve("made-by-sftp");
        var sftp = client.sftp(TestGateway.ALICE_TOKEN, "web", "mkdir " + made + "\nrmdir " + made + "\nrm " + made
                + "-absent\n", "-o", "SetEnv=LC_PAPER=a4");
        assertThat(sftp.err()).as("the host refuses the removal of a file that is not there").contains("absent");
        JsonNode mkdir = command("write " + made).orElseThrow();
        String session = mkdir.path("session").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !ofSession("session.close", session).isEmpty());

        List<JsonNode> commands = ofSession("command", session);
        assertThat(commands).extracting(c -> c.path("detail").path("text").asText())
                .contains("env LC_PAPER=a4", "write " + made, "delete " + made);
        for (JsonNode command : commands) {
            List<JsonNode> ends = new ArrayList<>(ofSession("command.result", session));
            ends.addAll(ofSession("command.blocked", session));
            assertThat(ends).as("the end of " + command.path("detail").path("text").asText())
                    .filteredOn(end -> end.path("detail").path("seq").equals(command.path("detail").path("seq")))
                    .hasSize(1);
        }
        assertThat(resultOf(session, "write " + made).path("detail").path("status").asText()).isEqualTo("ok");
        assertThat(resultOf(session, "delete " + made).path("detail").path("status").asText()).isEqualTo("ok");
        assertThat(resultOf(session, "env LC_PAPER=a4").path("detail").path("tags").toString())
                .contains("not passed on to the host");
        JsonNode refused = resultOf(session, "delete " + made + "-absent");
        assertThat(refused.path("detail").path("status").asText()).isEqualTo("error");
        assertThat(refused.path("detail").path("tags").toString()).contains("sftp status 2 (no such file)");
    }

    private static JsonNode resultOf(String session, String text) throws Exception {
        JsonNode command = ofSession("command", session).stream()
                .filter(c -> c.path("detail").path("text").asText().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no command " + text));
        return ofSession("command.result", session).stream()
                .filter(r -> r.path("detail").path("seq").equals(command.path("detail").path("seq"))).findFirst()
                .orElseThrow(() -> new AssertionError("no result of " + text));
    }

    private static Optional<JsonNode> command(String text) throws Exception {
        return TestGateway.eventsOfType(gateway.gateway().evidence(), "command").stream()
                .filter(event -> event.path("detail").path("text").asText().contains(text)).findFirst();
    }

    private static List<JsonNode> ofSession(String type, String session) throws Exception {
        return CommandEnds.ofSession(gateway.gateway().evidence(), type, session);
    }
}
