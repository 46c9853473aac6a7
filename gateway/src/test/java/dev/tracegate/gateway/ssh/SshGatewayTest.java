package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.ConsoleBrowser;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.identity.Identity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.buffer.Buffer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real OpenSSH clients (ssh, sftp) through the gateway to a real OpenSSH server started by the
 * test, which only the gateway's held key opens.
 */
class SshGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                pii: {detect: [email, card, secret]}
            rules:
              - {name: mask-agents, connections: [web], kinds: [agent], mask: pii}
              - {name: shells, connections: [web], operations: [shell], classes: [unknown], action: allow}
              - {name: no-recursive-deletes, connections: [web], classes: [bulk_write], action: block,
                 reason: recursive deletes are not allowed}
              - {name: no-unlink, connections: [web, web-ops], operations: [exec], command: '^unlink\\s', action: block,
                 reason: unlink is not allowed}
              - {name: ops-run-anything, connections: [web-ops], operations: [exec], classes: [unknown, dangerous_admin],
                 action: allow}
              - {name: hold-marker, connections: [web], operations: [exec], command: "held-marker", action: approve,
                 approvers: [admins]}
              - {name: no-writes-to-etc, connections: [web], operations: [write, delete, rename], files: ["/etc/**"],
                 action: block}
              - {name: protected-files, connections: [web], operations: [write, delete, rename], files: ["/**/protected/**"],
                 action: block}
              - {name: modes-kept, connections: [web], operations: [write], classes: [privilege], files: ["/**/modes-kept/**"],
                 action: block, reason: permissions and owners there are not changed}
              - {name: agent-listing, connections: [web], operations: [exec], command: "ssh-add -l", classes: [unknown],
                 action: allow}
              - {name: reverse-tunnels, connections: [web], operations: [port-forwarding], classes: [dangerous_admin],
                 command: '^port-forwarding remote localhost:[0-9]+$', groups: [admins], action: allow}
              - {name: tcp-probe, connections: [web], operations: [exec], command: "/dev/tcp/localhost/", classes: [dangerous_admin, unknown],
                 action: allow}
              - {name: agents-for-admins, connections: [web], operations: [agent-forwarding], classes: [dangerous_admin],
                 groups: [admins], action: allow}
              - {name: sealed-reads, connections: [web], operations: [read], files: ["/**/sealed/**"], action: block,
                 reason: sealed files are not read}
              - {name: no-loader-variables, connections: [web], operations: [env], command: '^env (LD_[A-Z_]*|BASH_ENV)=',
                 action: block, reason: loader and start-up variables are not allowed}
              - {name: tunnels-to-loopback, connections: [web], operations: [port-forwarding], classes: [dangerous_admin],
                 command: '^port-forwarding 127[.]0[.]0[.]1:[0-9]+$', action: allow}
              - {name: hold-shells, connections: [web-held], operations: [shell], classes: [unknown], action: approve,
                 approvers: [admins]}
              - {name: hold-uploads, connections: [web-held], operations: [write], action: approve, approvers: [admins]}
              - {name: hold-tunnels, connections: [web-held], operations: [port-forwarding], classes: [dangerous_admin],
                 action: approve, approvers: [admins]}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static TestSshHost host;
    private static TestGateway gateway;
    private static OpenSshClient client;

    @BeforeAll
    static void start() throws Exception {
        host = TestSshHost.start(Files.createDirectories(dir.resolve("host")));
        Path other = Files.createDirectories(dir.resolve("other"));
        TestSshHost.keygen(other.resolve("impostor"));
        SecretReference key = SecretReference.of("file:" + host.heldKey());
        gateway = TestGateway.start(List.of(
                new SshConnectionConfig("web", "127.0.0.1", host.port(), TestSshHost.user(), key, null, host.hostKey()),
                new SshConnectionConfig("web-held", "127.0.0.1", host.port(), TestSshHost.user(), key, null, host.hostKey()),
                new SshConnectionConfig("web-ops", "127.0.0.1", host.port(), TestSshHost.user(), key, null, host.hostKey()),
                new SshConnectionConfig("web-impostor", "127.0.0.1", host.port(), TestSshHost.user(), key, null,
                        Files.readString(other.resolve("impostor.pub")).strip())), POLICY);
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
    void execRunsOnTheHostWithTheHeldKeyAndIsRecorded() throws Exception {
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo", "hello-from-the-host");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("hello-from-the-host\n");
        JsonNode command = command("echo hello-from-the-host");
        assertThat(command.path("detail").path("message").asText()).isEqualTo("exec");
        assertThat(command.path("actor").toString()).contains("alice");
        assertThat(terminal(command.path("session").asText())).contains("hello-from-the-host");
    }

    private static final String EMAIL = "ada.lovelace@example.com";
    private static final String CARD = "4111 1111 1111 1111";

    @Test
    void terminalOutputIsMaskedForAMaskedCallerClearForAnotherAndNeverClearInTheRecording() throws Exception {
        Path file = Files.writeString(dir.resolve("customers.txt"),
                "ada: " + EMAIL + " card " + CARD + "\nbob: bob@example.org password=Tr0ub4dor3x\n");
        var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", "cat " + file);
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out()).isEqualTo("ada: [EMAIL] card [CARD]\nbob: [EMAIL] password=[SECRET]\n");
        JsonNode maskedRun = command("cat " + file);
        assertThat(terminal(maskedRun.path("session").asText())).contains("[EMAIL]").doesNotContain(EMAIL, CARD,
                "bob@example.org", "Tr0ub4dor");
        assertThat(gateway.events("masking.applied", 0)).anyMatch(e -> e.path("session").equals(maskedRun.path("session"))
                && e.path("detail").toString().contains("mask-agents") && e.path("detail").toString().contains("CARD"));

        var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "cat " + file);
        assertThat(clear.out()).isEqualTo(Files.readString(file));
        JsonNode clearRun = command("cat " + file);
        assertThat(clearRun.path("session")).isNotEqualTo(maskedRun.path("session"));
        // The evidence keeps the output of callers who see clear text through the record profile.
        assertThat(terminal(clearRun.path("session").asText())).doesNotContain(EMAIL, CARD, "Tr0ub4dor");
    }

    @Test
    void aKubernetesSecretPrintedAsJsonIsMaskedForAMaskedCaller() throws Exception {
        // What kubectl get secret -o json prints: the values' names say nothing, and kind comes after them.
        String url = "cG9zdGdyZXM6Ly9zaG9wOlRyMHViNGRvckBkYjo1NDMyL3Nob3A=";
        String user = "c2hvcA==";
        Path file = Files.writeString(dir.resolve("shop-db-secret.json"), "{\n    \"apiVersion\": \"v1\",\n"
                + "    \"data\": {\n        \"DB_URL\": \"" + url + "\",\n        \"username\": \"" + user + "\"\n    },\n"
                + "    \"kind\": \"Secret\",\n    \"metadata\": {\n        \"name\": \"shop-db\"\n    },\n"
                + "    \"type\": \"Opaque\"\n}\n");
        var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", "cat " + file);
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out()).contains("\"DB_URL\": \"[SECRET]\"", "\"kind\": \"Secret\"").doesNotContain(url, user);
        var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "cat " + file);
        assertThat(clear.out()).isEqualTo(Files.readString(file));
        assertThat(terminal(command("cat " + file).path("session").asText())).doesNotContain(url, user);
    }

    @Test
    void aKubernetesSecretPrintedInPiecesIsMaskedThoughItsKindComesAfterItsData() throws Exception {
        // kubectl sorts the keys, so a Secret's data is printed before "kind: Secret"; when the
        // kind came in a later packet, the data lines had already left in clear.
        String url = "cG9zdGdyZXM6Ly9zaG9wOlRyMHViNGRvckBkYjo1NDMyL3Nob3A=";
        String key = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcw";
        String script = "printf 'apiVersion: v1\\ndata:\\n  DB_URL: " + url + "\\n'; sleep 1;"
                + " printf 'kind: Secret\\nmetadata:\\n  name: shop-db\\ntype: Opaque\\n';"
                + " printf '{\\n    \"apiVersion\": \"v1\",\\n    \"data\": {\\n        \"tls.key\": \"" + key + "\"\\n'; sleep 1;"
                + " printf '    },\\n    \"kind\": \"Secret\"\\n}\\n';"
                + " printf 'apiVersion: v1\\nitems:\\n- apiVersion: v1\\n  data:\\n    url: " + url + "\\n'; sleep 1;"
                + " printf '  kind: Secret\\nkind: List\\n'";
        var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out()).contains("DB_URL: [SECRET]", "\"tls.key\": \"[SECRET]\"", "url: [SECRET]", "name: shop-db")
                .doesNotContain(url, key);
        var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", script);
        assertThat(clear.out()).contains(url, key);
        assertThat(terminal(command(script).path("session").asText())).doesNotContain(url, key);

        // Another kind's data is passed on once the kind says what it is (Base64 of a harmless setting:
        // one that decodes to a credential is masked whatever the kind).
        String setting = "bG9nIGxldmVsIGRlYnVnLCByZWdpb24gZXUtd2VzdC0x";
        String configMap = "printf 'apiVersion: v1\\ndata:\\n  LOG: " + setting + "\\n'; sleep 1; printf 'kind: ConfigMap\\n'";
        assertThat(client.ssh(TestGateway.AGENT_TOKEN, "web", "", configMap).out()).contains("LOG: " + setting);
    }

    @Test
    void aValueSplitAcrossPacketsPausesAndStreamsIsStillMasked() throws Exception {
        String script = "printf 'card 4111 1111 '; sleep 1; printf '1111 1111\\n';"
                + " printf 'mail ada.lovelace@exa'; sleep 1; printf 'mple.com\\n';"
                + " printf 'bold 4111 \\033[1m1111\\033[0m 1111 1111\\n'; printf '\\303'; sleep 0.3; printf '\\274 done\\n';"
                + " printf 'err ada.lovelace@example.com\\n' >&2";
        var run = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("card [CARD]\nmail [EMAIL]\nbold [CARD]\n\u00fc done\n");
        assertThat(run.err()).isEqualTo("err [EMAIL]\n");
        assertThat(terminal(command(script).path("session").asText())).doesNotContain("4111", "ada.lovelace", "mple.com");

        // Through a PTY the host's terminal merges stdout and stderr in the order written: a value
        // split between them is one value. (Without a PTY, sshd sends the two streams in its own
        // order, and the caller's terminal shows them in that order.)
        String merged = "printf 'again 4111 1111 '; sleep 0.3; printf '1111 1111\\n' >&2";
        var pty = client.ssh(TestGateway.AGENT_TOKEN, "web", "", "-tt", merged);
        assertThat(pty.out()).contains("again [CARD]").doesNotContain("4111", "1111 1111");
    }

    @Test
    void aValueInsideAControlSequenceIsMaskedOnTheScreenInTheRawOutputAndInTheRecording() throws Exception {
        String script = "printf 'a\\033[4111111111111111mb\\n';" // CSI parameters: dropped whole
                + " printf '\\033]0;card 4111 1111 1111 1111\\007t\\n';" // window title, BEL
                + " printf '\\033]8;;https://crm.example/ada.lovelace@example.com\\033\\\\link\\033]8;;\\033\\\\\\n';" // hyperlink, ST
                + " printf '\\302\\2350;ada.lovelace@example.com\\302\\234\\n';" // 8-bit OSC and ST
                + " printf '\\033_ada.lovelace@example.com\\033\\\\\\n';" // APC
                + " printf '\\033[ada.lovelace@example.com\\n';" // from a CSI's final letter into the text
                + " printf 'card\\r4111 1111 1111 1111\\n';" // written over a word after a CR
                + " printf '\\033]2;ada.love'; sleep 0.3; printf 'lace@example.com\\007\\n';" // split across packets
                + " printf '\\033]0;card 4111 1111 1111 1111'"; // left open when the output ends
        var run = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("4111", "ada.lovelace", "lovelace@")
                .startsWith("ab\n\u001b]0;card [CARD]\u0007t\n\u001b]8;;https://crm.example/")
                .contains("\u009d0;[EMAIL]\u009c\n\u001b_[EMAIL]\u001b\\\n", "\n[CARD]\n\u001b]2;[EMAIL]\u0007\n")
                .endsWith("\u001b]0;card [CARD]");
        assertThat(terminal(command(script).path("session").asText())).doesNotContain("4111", "ada.lovelace", "lovelace@");
    }

    /**
     * Overprinting: a digit written over another after a backspace or a cursor move back shows the
     * card on the terminal (nroff's bold, {@code 4\b4}, is what man pages print), while the screen
     * reading dropped the backspace and read 41X11..., no card: it reached a masked caller in clear.
     */
    @Test
    void aValueOverprintedWithBackspacesOrCursorMovesIsMasked() throws Exception {
        String script = "printf 'card 41X\\b11 1111 1111 1111\\n'; printf 'bold 4\\b41\\b11\\b11\\b1 1\\b11\\b11\\b11\\b1"
                + " 1\\b11\\b11\\b11\\b1 1\\b11\\b11\\b11\\b1\\n'; printf 'back 41X\\033[D11 1111 1111 1111\\n'";
        var run = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("card [CARD]\nbold [CARD]\nback [CARD]\n");
        assertThat(terminal(command(script).path("session").asText())).doesNotContain("1111 1111 1111").contains("[CARD]");
    }

    @Test
    void aWrongTokenIsRefusedAndRecorded() throws Exception {
        var run = client.ssh("tg_not_a_token", "web", "", "echo", "never");
        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.out()).doesNotContain("never");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("auth.failure", 0).stream()
                .anyMatch(e -> e.path("resource").toString().contains("ssh") || e.toString().contains("\"ssh\"")));
    }

    @Test
    void aBlockedExecDoesNotRun() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.writeString(victim.resolve("keep.txt"), "keep");
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "rm -rf " + victim);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("blocked by policy rule no-recursive-deletes: recursive deletes are not allowed");
        assertThat(victim.resolve("keep.txt")).exists();
        JsonNode command = command("rm -rf " + victim);
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e ->
                e.path("session").equals(command.path("session")) && e.path("detail").path("rule").asText()
                        .equals("no-recursive-deletes"));
    }

    /**
     * A rule that blocks a command by its pattern ({@code ^unlink\s}) holds for every spelling the
     * host's shell reads as that command. Until 2026-12-07 the pattern was matched against the line
     * as sent only, and each of these deleted the file.
     */
    @Test
    void aBlockedCommandRunsInNoSpellingTheShellReadsAsIt() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("unlink-victim")).resolve("keep.txt");
        Files.writeString(victim, "keep");
        for (String line : List.of("'un'link " + victim, "un\\link " + victim, "\"unlink\" " + victim,
                "/usr/bin/unlink " + victim, "true; unlink " + victim, "nice -n 5 unlink " + victim,
                "env -i unlink " + victim, "sh -c 'unlink " + victim + "'", "timeout 5 unlink " + victim)) {
            assertUnlinkRefused("web", line, victim);
        }
        var other = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo unlink " + victim);
        assertThat(other.exit()).as(other.err()).isZero();
        assertThat(victim).exists();
    }

    /**
     * Where unknown commands are allowed ({@code web-ops}), a program blocked by name stays blocked
     * when a wrapper outside the classifier's table runs it, or an expansion names it. Until
     * 2026-12-07 each of these lines ran {@code unlink} there: the wrapper's inner command was not
     * read for the rule's pattern, and a program named by an expansion matched no pattern.
     */
    @Test
    void aBlockedProgramIsNotRunThroughAWrapperOrAnExpansionWhereUnknownIsAllowed() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("unlink-victim-ops")).resolve("keep.txt");
        Files.writeString(victim, "keep");
        Path lock = dir.resolve("ops-lock");
        for (String line : List.of("X=unlink; $X " + victim, "${X:-unlink} " + victim, "A=un; \"${A}link\" " + victim,
                "setsid -w unlink " + victim, "taskset 1 unlink " + victim, "chrt -o 0 unlink " + victim,
                "flock " + lock + " unlink " + victim, "flock " + lock + " -c 'unlink " + victim + "'",
                "echo x | split -n 1 --filter='unlink " + victim + "' -", "sh -c \"$0 " + victim + "\" unlink",
                "true; unlink " + victim + "; scp -t " + dir.resolve("no-such-directory/x"))) {
            assertUnlinkRefused("web-ops", line, victim);
        }
        var allowed = client.ssh(TestGateway.ALICE_TOKEN, "web-ops", "", "taskset 1 cat " + victim);
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("keep");
    }

    /** The line is refused by the no-unlink rule and the file it would remove is still there. */
    private static void assertUnlinkRefused(String connection, String line, Path victim) throws Exception {
        var run = client.ssh(TestGateway.ALICE_TOKEN, connection, "", line);
        assertThat(run.exit()).as(line).isEqualTo(1);
        assertThat(run.err()).as(line).contains("blocked by policy rule no-unlink: unlink is not allowed");
        assertThat(victim).as(line).exists();
    }

    /**
     * wget without {@code -O} (and {@code curl -O}) saves a download under its URL's last name:
     * {@code wget http://.../.bashrc} run in a directory writes that directory's {@code .bashrc}, a
     * start-up file whose writes are high risk. Until 2026-12-07 such a line was a plain write and ran.
     */
    @Test
    void aDownloadSavedUnderItsUrlsNameIsJudgedByThatName() throws Exception {
        com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = "echo planted\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        try {
            Path into = Files.createDirectories(dir.resolve("downloads-" + System.nanoTime()));
            String base = "http://127.0.0.1:" + web.getAddress().getPort();
            for (String line : List.of("cd " + into + " && wget -q " + base + "/.bashrc",
                    "cd " + into + " && curl -sO " + base + "/.bashrc")) {
                var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
                assertThat(run.exit()).as(line).isEqualTo(1);
                assertThat(run.err()).as(line).contains("high risk");
                assertThat(into.resolve(".bashrc")).as(line).doesNotExist();
            }
            var plain = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "cd " + into + " && wget -q " + base + "/notes.txt");
            assertThat(plain.exit()).as(plain.err()).isZero();
            assertThat(into.resolve("notes.txt")).hasContent("echo planted\n");
        } finally {
            web.stop(0);
        }
    }

    /**
     * ssh's {@code SetEnv} and {@code SendEnv} send {@code env} requests before the command. The
     * gateway never passed them on, but did not record them either, and no rule could refuse a
     * session for one: the evidence did not say that a client asked for {@code LD_PRELOAD}. Each is
     * now an {@code env} request of its own, decided and recorded (through the record profile)
     * before the exec or sftp it came with, which a refused variable refuses too.
     */
    @Test
    void environmentRequestsAreRecordedAndARuleCanRefuseTheChannelTheyCameWith() throws Exception {
        Path marker = dir.resolve("preloaded-marker");
        var refused = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "-o", "SetEnv=LD_PRELOAD=/tmp/evil.so", "touch " + marker);
        assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
        assertThat(refused.err()).contains("blocked by policy rule no-loader-variables: loader and start-up variables are not allowed");
        assertThat(marker).doesNotExist();
        JsonNode variable = command("env LD_PRELOAD=/tmp/evil.so");
        assertThat(variable.path("detail").path("message").asText()).isEqualTo("env");
        JsonNode touch = command("touch " + marker);
        assertThat(touch.path("session")).isEqualTo(variable.path("session"));
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(touch.path("session"))
                && e.path("detail").path("rule").asText().equals("no-loader-variables"));
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(touch.path("session"))
                && e.path("detail").toString().contains("refused with the environment it asked for"));

        var allowed = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "-o", "SetEnv=LC_NOTE=" + EMAIL + " LC_PAPER=a4",
                "echo \"note [$LC_NOTE]\"");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).isEqualTo("note []\n"); // not passed on to the host
        JsonNode echo = command("echo \"note [$LC_NOTE]\"");
        List<String> asked = gateway.events("command", 0).stream().filter(e -> e.path("session").equals(echo.path("session"))
                && e.path("detail").path("message").asText().equals("env")).map(e -> e.path("detail").path("text").asText()).toList();
        assertThat(asked).hasSize(2).anyMatch(text -> text.startsWith("env LC_NOTE=")).contains("env LC_PAPER=a4");
        assertThat(asked.toString()).doesNotContain(EMAIL);

        Path upload = Files.writeString(dir.resolve("env-upload.txt"), "x");
        var sftp = client.sftp(TestGateway.ALICE_TOKEN, "web", "put " + upload + " " + dir.resolve("env-uploaded.txt") + "\n",
                "-o", "SetEnv=BASH_ENV=/tmp/evil.sh");
        assertThat(sftp.err()).contains("no-loader-variables");
        assertThat(dir.resolve("env-uploaded.txt")).doesNotExist();
    }

    /**
     * A subsystem other than sftp ({@code ssh -s host netconf}) is refused, as it was, and now
     * recorded: the request as asked, its refusal and why, and the environment variable the client
     * asked for with it. It was refused without a trace.
     */
    @Test
    void aSubsystemOtherThanSftpIsRefusedAndRecordedAsAsked() throws Exception {
        var refused = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "-o", "SetEnv=LC_NOTE=for-netconf", "-s", "netconf");
        assertThat(refused.exit()).as(refused.out()).isNotZero();
        assertThat(refused.err()).contains("subsystem request failed");
        JsonNode asked = command("subsystem netconf");
        assertThat(asked.path("detail").path("message").asText()).isEqualTo("subsystem");
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(asked.path("session"))
                && e.path("detail").toString().contains("the gateway relays no subsystem but sftp"));
        JsonNode variable = command("env LC_NOTE=for-netconf");
        assertThat(variable.path("session")).isEqualTo(asked.path("session"));
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(variable.path("session"))
                && e.path("detail").toString().contains("refused with the subsystem it was asked for"));
    }

    /**
     * An archive unpacked on the host writes the names inside it, which its command line does not
     * show: a start-up file, or a {@code .git/config} whose {@code core.fsmonitor} the next {@code git
     * status} there runs. Read as writes, each of these ran and wrote {@code .bashrc} and
     * {@code .git/config} into the directory; a decompressor wrote {@code .bashrc} from
     * {@code .bashrc.gz}. Each is now unknown, refused by {@code highRisk}, and recorded.
     */
    @Test
    void anArchiveUnpackedOnTheHostIsJudgedByWhatItCouldWrite() throws Exception {
        Path source = Files.createDirectories(dir.resolve("archive-source/.git"));
        String startup = "touch " + dir.resolve("ran-at-start-up") + "\n";
        Files.writeString(source.resolve("config"), "[core]\n\tfsmonitor = " + startup);
        Files.writeString(source.getParent().resolve(".bashrc"), startup);
        Path tar = dir.resolve("payload.tar");
        Process packing = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", source.getParent().toString(), ".bashrc", ".git")
                .redirectErrorStream(true).start();
        assertThat(packing.waitFor()).as(new String(packing.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Path zip = dir.resolve("payload.zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of(".bashrc", ".git/config")) {
                out.putNextEntry(new ZipEntry(name));
                out.write(startup.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        for (String template : List.of("tar -xf " + tar + " -C %s", "unzip -q " + zip + " -d %s", "gunzip %s/.bashrc.gz")) {
            Path into = Files.createDirectories(dir.resolve("unpacked-" + System.nanoTime()));
            try (var gz = new GZIPOutputStream(Files.newOutputStream(into.resolve(".bashrc.gz")))) {
                gz.write(startup.getBytes(StandardCharsets.UTF_8));
            }
            String line = template.formatted(into);
            var refused = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
            assertThat(refused.exit()).as(line + ": " + refused.err()).isEqualTo(1);
            assertThat(refused.err()).as(line).contains("high risk");
            assertThat(into.resolve(".bashrc")).as(line).doesNotExist();
            assertThat(into.resolve(".git")).as(line).doesNotExist();
            JsonNode command = command(line);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                    .anyMatch(e -> e.path("session").equals(command.path("session"))));
        }
    }

    /**
     * Names the line does not show, written where a start-up file runs them: {@code git pull} into a
     * working tree that may be the home directory (a dotfiles repository, or one the caller made there
     * with {@code git init}) checks out the {@code .bashrc} its commits hold; {@code git log --output}
     * writes a commit message, a command, into one by an option's value; {@code gunzip -N} writes the
     * name stored inside the file. Each was a WRITE and ran.
     */
    @Test
    void gitAndGunzipWritingAStartUpFileByNamesTheLineDoesNotShowDoNotRun() throws Exception {
        Path marker = dir.resolve("ran-at-start-up-" + System.nanoTime());
        Path source = Files.createDirectories(dir.resolve("dotfiles-" + System.nanoTime()));
        Files.writeString(source.resolve(".bashrc"), "touch " + marker + "\n");
        git(source, "init", "-q");
        git(source, "add", ".bashrc");
        git(source, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "touch " + marker);
        Path packed = Files.createDirectories(dir.resolve("gz-" + System.nanoTime()));
        Files.writeString(packed.resolve(".bashrc"), "touch " + marker + "\n");
        Process gzip = new ProcessBuilder("gzip", packed.resolve(".bashrc").toString()).redirectErrorStream(true).start();
        assertThat(gzip.waitFor()).isZero();
        Path into = Files.createDirectories(dir.resolve("into-" + System.nanoTime()));
        Files.move(packed.resolve(".bashrc.gz"), into.resolve("payload.gz"));
        Path home = Path.of("/home/tracegate-test-" + System.nanoTime()); // a home directory, spelled as its path
        try {
            git(Files.createDirectories(home), "init", "-q");
            for (String line : List.of("git -C " + home + " pull -q " + source + " HEAD",
                    "cd " + home + " && git pull -q " + source + " HEAD",
                    "git -C " + source + " log -1 --format=%B --output=" + into.resolve(".bashrc"),
                    "gunzip -N " + into.resolve("payload.gz"))) {
                var refused = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
                assertThat(refused.exit()).as(line + ": " + refused.err()).isEqualTo(1);
                assertThat(refused.err()).as(line).contains("high risk");
                assertThat(home.resolve(".bashrc")).as(line).doesNotExist();
                assertThat(into.resolve(".bashrc")).as(line).doesNotExist();
                JsonNode command = command(line);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                        .anyMatch(e -> e.path("session").equals(command.path("session"))));
            }
            var elsewhere = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "git -C " + into + " init -q && git -C " + into
                    + " pull -q " + source + " HEAD");
            assertThat(elsewhere.exit()).as(elsewhere.err()).isZero();
            assertThat(into.resolve(".bashrc")).exists();
        } finally {
            try (var tree = Files.walk(home)) {
                tree.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertThat(marker).doesNotExist();
    }

    /**
     * A recursive delete behind an option's value: read as the program, {@code ls} made the line a
     * read, and the host deleted the directory (GNU time's {@code --format}, xargs's clustered {@code -0I}).
     */
    @Test
    void aDeleteBehindAnOptionsValueDoesNotRun() throws Exception {
        assertBlockedAndNotRun("/usr/bin/time --format ls rm -rf %s");
        assertBlockedAndNotRun("echo x | xargs -0I ls rm -rf %s");
    }

    /**
     * A recursive delete behind a builtin that sets a variable or a name: {@code PS4} is expanded,
     * command substitution included, by {@code set -x}; {@code hash -p} makes {@code ls} run {@code rm}.
     */
    @Test
    void aDeleteBehindABuiltinThatSetsAVariableDoesNotRun() throws Exception {
        assertBlockedAndNotRun("printf -v PS4 '$(rm -rf %s)'; set -x; true");
        assertBlockedAndNotRun("hash -p /bin/rm ls; ls -rf %s");
    }

    /**
     * {@code set -k} (bash's {@code -o keyword}, also set through {@code shopt -o}) makes a
     * {@code NAME=VALUE} word anywhere in a later command its environment: read as zgrep's argument,
     * {@code GREP='rm -rf'} made the line a session command and a read, and zgrep ran the delete.
     */
    @Test
    void aDeleteBehindSetKeywordDoesNotRun() throws Exception {
        assertBlockedAndNotRun("set -k; zgrep %s GREP='rm -rf'");
        assertBlockedAndNotRun("shopt -so keyword; zgrep %s GREP='rm -rf'");
    }

    /**
     * sysctl's {@code -p} clustered ({@code -qp}) loads kernel parameters from a file, hostname's
     * {@code -FFILE} sets the host's name: read only as {@code -p} and {@code -F FILE}, both were reads
     * and ran on the host (refused there only for want of root).
     */
    @Test
    void kernelParametersOrAHostNameFromAFileAreBlocked() throws Exception {
        for (String line : List.of("sysctl -qp /nonexistent/sysctl.conf", "hostname -F/nonexistent/hostname")) {
            var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
            assertThat(run.exit()).as(line + ": " + run.err()).isEqualTo(1);
            assertThat(run.err()).as(line).contains("blocked").doesNotContain("nonexistent");
        }
    }

    /**
     * A start-up file written past an option's value ({@code uniq -f 1 SRC OUT} writes OUT) or by an
     * option of a program on the read list ({@code ss -D FILE}): read as a write of SRC and as a read,
     * both lines ran and wrote the {@code .bashrc} (uniq with the caller's line in it, which the
     * account's next login would run).
     */
    @Test
    void aStartUpFileWrittenPastAnOptionsValueOrByAReadingProgramsOptionIsNotWritten() throws Exception {
        Path source = Files.writeString(dir.resolve("lines-" + System.nanoTime()), "x touch pwned\n");
        Path home = Files.createDirectories(dir.resolve("home-" + System.nanoTime()));
        for (String line : List.of("uniq -f 1 " + source + " " + home.resolve(".bashrc"),
                "ss -tnD " + home.resolve(".bashrc"))) {
            var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
            assertThat(run.exit()).as(line + ": " + run.err()).isEqualTo(1);
            assertThat(run.err()).as(line).contains("blocked");
            assertThat(home.resolve(".bashrc")).as(line).doesNotExist();
        }
    }

    /**
     * env's {@code -S} (split a string into a command line) attached to its option, in a cluster or
     * as {@code --split-string=}: read as an option without a value, the line was {@code env} alone, a
     * read, and the host deleted the directory.
     */
    @Test
    void aDeleteInsideEnvsSplitStringDoesNotRun() throws Exception {
        assertBlockedAndNotRun("env -S'rm -rf %s'");
        assertBlockedAndNotRun("env -iS'rm -rf %s'");
        assertBlockedAndNotRun("env --split-string='rm -rf %s'");
    }

    /**
     * With a PTY ({@code ssh -t}) less reads keystrokes, and {@code !command} runs a command: read
     * as {@code less} by its name, the request was a read, and the pager ran the delete typed into it.
     * In a terminal a pager, {@code top} and what pages its output are shells; without one they print.
     */
    @Test
    void aPagerInATerminalIsAShellAndWhatIsTypedIntoItDoesNotRun() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim-" + System.nanoTime()));
        Files.writeString(victim.resolve("keep.txt"), "keep");
        Path page = Files.writeString(dir.resolve("page.txt"), "a page of text\n");
        String line = "less " + page;
        var run = client.sshInTerminal(TestGateway.ALICE_TOKEN, "web", "!rm -rf " + victim + "\n\nq", line);
        assertThat(victim.resolve("keep.txt")).exists();
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        JsonNode command = command(line);
        assertThat(command.path("detail").path("class").asText()).isEqualToIgnoringCase("unknown");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .anyMatch(e -> e.path("session").equals(command.path("session"))));

        var printed = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "git --no-pager --version; less " + page);
        assertThat(printed.exit()).as(printed.err()).isZero();
        assertThat(printed.out()).contains("git version", "a page of text");
    }

    /**
     * git runs what its configuration names ({@code core.fsmonitor} at every {@code git status}):
     * set through {@code git config} or written into the repository's {@code .git/config}, the
     * delete ran at the next {@code git status}, each part of the line a WRITE. A program git is told
     * to run ({@code rebase -x}) was a WRITE too.
     */
    @Test
    void gitConfigurationOrOptionsThatNameAProgramDoNotRun() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo-" + System.nanoTime()));
        Files.writeString(repo.resolve("a.txt"), "a\n");
        git(repo, "init", "-q");
        git(repo, "add", "a.txt");
        git(repo, "config", "user.name", "t");
        git(repo, "config", "user.email", "t@example.org");
        git(repo, "commit", "-qm", "first");
        assertBlockedAndNotRun("git -C " + repo + " config core.fsmonitor 'rm -rf %s'; git -C " + repo + " status");
        assertBlockedAndNotRun("printf '[core]\\n\\tfsmonitor = rm -rf %s\\n' >> " + repo + "/.git/config; git -C " + repo
                + " status");
        assertBlockedAndNotRun("git -C " + repo + " rebase -x 'rm -rf %s' --root");
        var status = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "git -C " + repo + " status --short");
        assertThat(status.exit()).as(status.err()).isZero();
    }

    /**
     * Variables a known program runs as a command: zgrep evals {@code $GREP} on what it reads, rsync
     * runs {@code RSYNC_CONNECT_PROG} through a shell for an {@code rsync://} source. Read as a
     * {@code zgrep} (a read) and an {@code rsync} (a write), both deleted the directory where
     * recursive deletes are blocked.
     */
    @Test
    void aVariableThatAKnownProgramRunsAsACommandIsUnknown() throws Exception {
        assertBlockedAndNotRun("GREP='rm -rf' zgrep %s");
        assertBlockedAndNotRun("RSYNC_CONNECT_PROG='rm -rf %s' rsync rsync://localhost/x " + dir.resolve("rsync-copy"));
    }

    /**
     * bash evaluates a subscript in a name a builtin sets or tests as arithmetic, command substitution
     * included, however the word is quoted, and {@code jobs -x} runs the command after it: read as
     * session commands and a {@code test} (a read), each deleted the directory where recursive deletes
     * are blocked.
     */
    @Test
    void aSubscriptInAVariablesNameAndJobsXRunNoCommand() throws Exception {
        assertBlockedAndNotRun("echo x | read 'a[$(rm -rf %s)]'");
        assertBlockedAndNotRun("test -v 'a[$(rm -rf %s)]'");
        assertBlockedAndNotRun("jobs -x rm -rf %s");
    }

    /**
     * A shell's start-up file runs at the next login or exec ({@code ~/.bashrc}, {@code ~/.profile}):
     * writing one was a WRITE, by a redirection or an sftp upload; it is a command the gateway never
     * sees, and is refused as unknown.
     */
    @Test
    void writingAFileThatRunsCommandsLaterIsRefused() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home-" + System.nanoTime()));
        String line = "echo 'rm -rf ~/data' >> " + home.resolve(".bashrc");
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(home.resolve(".bashrc")).doesNotExist();
        JsonNode command = command(line);
        assertThat(command.path("detail").path("class").asText()).isEqualToIgnoringCase("unknown");

        Path local = Files.writeString(dir.resolve("profile.txt"), "rm -rf ~/data\n");
        var upload = client.sftp(TestGateway.ALICE_TOKEN, "web", "put " + local + " " + home.resolve(".profile") + "\n");
        assertThat(upload.err()).contains("Permission denied");
        assertThat(home.resolve(".profile")).doesNotExist();
    }

    /**
     * A directory that is a link on the host leads a write elsewhere than the line reads: with
     * {@code cfg} a link to a repository's {@code .git}, {@code cd DIR/cfg && echo ... >> config} and
     * {@code echo ... > DIR/cfg/hooks/post-checkout} write git's configuration and hooks, which name
     * programs git runs later. Until 2026-12-07 each was judged as written, a write of {@code DIR/cfg/...},
     * and ran where such writes were refused. The host now says where each write lands, and the refusal
     * names the link; a write through a harmless link still runs.
     */
    @Test
    void aWriteThroughALinkedDirectoryIsJudgedWhereItLands() throws Exception {
        Path base = Files.createDirectories(dir.resolve("exec-links-" + System.nanoTime()));
        Path gitDir = Files.createDirectories(base.resolve("repo/.git/hooks"));
        Files.writeString(gitDir.resolve("../config"), "[core]\n");
        Files.createSymbolicLink(base.resolve("cfg"), base.resolve("repo/.git"));
        Files.createSymbolicLink(base.resolve("hooks"), gitDir);
        Path plain = Files.createDirectories(base.resolve("plain"));
        Files.createSymbolicLink(base.resolve("notes"), plain);
        for (String line : List.of("cd " + base.resolve("cfg") + " && echo '[core] fsmonitor = touch pwned' >> config",
                "echo 'touch pwned' > " + base.resolve("cfg/hooks/post-checkout"),
                "cd " + base + " && cp /dev/null cfg/hooks/new-dir/pre-commit",
                // The kernel follows hooks before the .. after it: this is repo/.git/config, not DIR/config.
                "echo '[core] fsmonitor = touch pwned' >> " + base + "/hooks/../config")) {
            var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
            assertThat(run.exit()).as(line + ": " + run.err()).isEqualTo(1);
            assertThat(run.err()).as(line).contains("on the host once its links are followed");
            JsonNode command = command(line);
            assertThat(command.path("detail").path("class").asText()).as(line).isEqualToIgnoringCase("unknown");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                    .anyMatch(e -> e.path("session").equals(command.path("session"))));
        }
        assertThat(base.resolve("repo/.git/config")).hasContent("[core]\n");
        assertThat(gitDir.resolve("post-checkout")).doesNotExist();
        var fine = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "cd " + base.resolve("notes") + " && echo kept > today.txt");
        assertThat(fine.exit()).as(fine.err()).isZero();
        assertThat(plain.resolve("today.txt")).hasContent("kept\n");
    }

    /**
     * git writes the symbolic links its commits hold: {@code git clone SRC DIR/copy && echo ... >>
     * DIR/copy/lnk/config}, {@code lnk} a link in the repository to another repository's {@code .git},
     * wrote that repository's configuration. {@code DIR/copy} does not exist when the gateway asks the
     * host, so the write cannot be placed: the line is unknown.
     */
    @Test
    void aWriteIntoADirectoryGitMakesInTheSameLineIsUnknown() throws Exception {
        Path base = Files.createDirectories(dir.resolve("git-links-" + System.nanoTime()));
        Path victim = Files.createDirectories(base.resolve("victim/.git"));
        Files.writeString(victim.resolve("config"), "[core]\n");
        Path source = Files.createDirectories(base.resolve("source"));
        git(source, "init", "-q");
        Files.createSymbolicLink(source.resolve("lnk"), victim);
        git(source, "add", "lnk");
        git(source, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "a link");
        String line = "git clone -q " + source + " " + base.resolve("copy") + " && echo '[core] fsmonitor = touch pwned' >> "
                + base.resolve("copy/lnk/config");
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("does not exist yet on the host");
        assertThat(victim.resolve("config")).hasContent("[core]\n");
        assertThat(base.resolve("copy")).doesNotExist();
        var clone = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "git clone -q " + source + " " + base.resolve("plain"));
        assertThat(clone.exit()).as(clone.err()).isZero();
        assertThat(base.resolve("plain/lnk")).isSymbolicLink();
    }

    private static void git(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    /**
     * GNU programs take any unambiguous prefix of a long option: {@code rm --r} is {@code --recursive},
     * tar's {@code --checkpoint-a} is {@code --checkpoint-action}. Read only by their whole names,
     * the first was a WRITE and the second a tar archive, and the host deleted the directory.
     */
    @Test
    void aDeleteBehindAnAbbreviatedLongOptionDoesNotRun() throws Exception {
        assertBlockedAndNotRun("rm --r %s");
        assertBlockedAndNotRun("tar -cf /dev/null /etc/hostname --checkpoint=1 --checkpoint-a='exec=rm -rf %s'");
        assertBlockedAndNotRun("/usr/bin/time --form ls rm -rf %s");
    }

    /** The line (with {@code %s} for a fresh directory) is refused, recorded as refused, and the directory stays. */
    private static void assertBlockedAndNotRun(String template) throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim-" + System.nanoTime()));
        Files.writeString(victim.resolve("keep.txt"), "keep");
        String line = template.formatted(victim);
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", line);
        assertThat(victim.resolve("keep.txt")).as(line).exists();
        assertThat(run.exit()).as(line + ": " + run.err()).isEqualTo(1);
        JsonNode command = command(line);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .anyMatch(e -> e.path("session").equals(command.path("session"))));
    }

    @Test
    void aHeldExecRunsOnceApproved() throws Exception {
        CompletableFuture<OpenSshClient.Run> run = CompletableFuture.supplyAsync(() -> {
            try {
                return client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo held-marker approved");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("echo held-marker approved\n")).findFirst()
                        .orElse(null), p -> p != null);
        // Its standard input reaches the command unseen by approvers, who are told so.
        assertThat(pending.request().command()).isEqualTo("echo held-marker approved\n-- with whatever the client sends"
                + " on its standard input, which approvers are not shown: approving this approves that input too");
        assertThat(pending.request().protocol()).isEqualTo("ssh");
        assertThat(run).isNotDone();
        gateway.gateway().approvals().approve(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "fine", null);
        OpenSshClient.Run done = run.get(60, TimeUnit.SECONDS);
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).isEqualTo("held-marker approved\n");
        assertThat(done.err()).contains("held for approval " + pending.id());
    }

    /**
     * A held shell, an sftp upload and a tunnel each let data reach the host after approval that
     * approvers are not shown (what is typed, the file's contents, the connection's bytes): they are
     * told so, as of an exec's standard input. Until 2026-12-07 they read "shell", "write PATH" or
     * "port-forwarding HOST:PORT" alone.
     */
    @Test
    void heldShellsUploadsAndTunnelsTellApproversWhatFollowsUnseen() throws Exception {
        var shell = async(() -> client.ssh(TestGateway.ALICE_TOKEN, "web-held", "echo typed-unseen-$((6*7))\nexit\n", "-tt"));
        assertThat(approved("shell")).isEqualTo("shell\n-- then whatever the caller types in the shell runs, which"
                + " approvers are not shown and no rule decides: approving this approves every command typed in it until"
                + " it closes");
        assertThat(shell.get(60, TimeUnit.SECONDS).out()).contains("typed-unseen-42");

        Path local = Files.writeString(dir.resolve("held-upload.txt"), "what approvers never saw\n");
        Path remote = Files.createDirectories(dir.resolve("held-uploads")).resolve("up.txt");
        var upload = async(() -> client.sftp(TestGateway.ALICE_TOKEN, "web-held", "put " + local + " " + remote + "\n"));
        assertThat(approved("write " + remote)).startsWith("write " + remote).endsWith("\n-- then the client sends the"
                + " file's contents, which approvers are not shown: approving this approves whatever it writes to the file");
        assertThat(upload.get(60, TimeUnit.SECONDS).exit()).isZero();
        assertThat(remote).hasContent("what approvers never saw");
        // A directory made carries nothing more than its name.
        var mkdir = async(() -> client.sftp(TestGateway.ALICE_TOKEN, "web-held", "mkdir " + remote.resolveSibling("made")
                + "\n"));
        assertThat(approved("write " + remote.resolveSibling("made"))).doesNotContain("\n");
        assertThat(mkdir.get(60, TimeUnit.SECONDS).exit()).isZero();

        try (EchoServer echo = new EchoServer()) {
            var tunnel = async(() -> client.ssh(TestGateway.ALICE_TOKEN, "web-held", "through a held tunnel\n", "-W",
                    "127.0.0.1:" + echo.port()));
            assertThat(approved("port-forwarding 127.0.0.1:" + echo.port())).endsWith("\n-- then the connection carries"
                    + " whatever the caller and the target send each other, which approvers are not shown: approving this"
                    + " approves that traffic");
            assertThat(tunnel.get(60, TimeUnit.SECONDS).out()).isEqualTo("echo: through a held tunnel\n");
        }
    }

    /** What approvers are shown of the first pending request whose text starts with {@code start}, which is then approved. */
    private static String approved(String start) throws Exception {
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith(start)).findFirst().orElse(null), p -> p != null);
        gateway.gateway().approvals().approve(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "fine", null);
        return pending.request().command();
    }

    private interface SshRun {
        OpenSshClient.Run run() throws Exception;
    }

    private static CompletableFuture<OpenSshClient.Run> async(SshRun run) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void anInteractiveShellThroughAPtyIsReplayedFromTheEvidence() throws Exception {
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "echo shell-marker-$((7*6))\nexit\n", "-tt");
        assertThat(run.out()).contains("shell-marker-42");
        JsonNode shell = command("shell");
        String cast = terminal(shell.path("session").asText());
        List<String> lines = cast.lines().toList();
        JsonNode header = JSON.readTree(lines.getFirst());
        assertThat(header.path("version").asInt()).isEqualTo(2);
        assertThat(lines.stream().skip(1).map(this::event))
                .anyMatch(e -> e.get(1).asText().equals("i") && e.get(2).asText().contains("echo shell-marker"))
                .anyMatch(e -> e.get(1).asText().equals("o") && e.get(2).asText().contains("shell-marker-42"));
    }

    @Test
    void sftpUploadAndDownloadAreHashedInTheEvidence() throws Exception {
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        Path local = Files.write(dir.resolve("upload.bin"), content);
        Path remote = Files.createDirectories(dir.resolve("remote")).resolve("up.bin");
        Path back = dir.resolve("download.bin");
        var run = client.sftp(TestGateway.ALICE_TOKEN, "web", "put " + local + " " + remote + "\nget " + remote + " " + back
                + "\n");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(remote)).isEqualTo(content);
        assertThat(Files.readAllBytes(back)).isEqualTo(content);
        String sha = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        List<JsonNode> results = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> gateway.events("command.result", 0), all -> all.stream().filter(e -> e.toString().contains(sha)).count() >= 2);
        assertThat(results.stream().map(e -> e.path("detail").path("tags").toString()))
                .contains("[\"write " + remote + "\",\"bytes 300000\",\"" + sha + "\"]",
                        "[\"read " + remote + "\",\"bytes 300000\",\"" + sha + "\"]");
    }

    @Test
    void aMaskedCallerCannotTakeFilesOrTunnelsPastTheTerminalsMasking() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("masked-download"));
        Path file = Files.writeString(folder.resolve("customers.txt"), "ada: " + EMAIL + " card " + CARD + "\n");
        Files.writeString(folder.resolve(EMAIL + ".pdf"), "x");
        Path back = dir.resolve("masked-back.txt");
        var download = client.sftp(TestGateway.AGENT_TOKEN, "web", "get " + file + " " + back + "\n");
        assertThat(back).doesNotExist();
        assertThat(download.err()).contains("Permission denied");
        var listing = client.sftp(TestGateway.AGENT_TOKEN, "web", "ls " + folder + "\n");
        assertThat(listing.out() + listing.err()).doesNotContain(EMAIL);
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("detail").path("rule").asText()
                .equals("mask-agents") && e.path("detail").path("reason").asText().contains("cannot mask"));

        // The same download for a caller who sees clear text, and the same file through the masked terminal.
        var clear = client.sftp(TestGateway.ALICE_TOKEN, "web", "get " + file + " " + back + "\n");
        assertThat(clear.exit()).as(clear.err()).isZero();
        assertThat(Files.readString(back)).contains(EMAIL);
        assertThat(client.ssh(TestGateway.AGENT_TOKEN, "web", "", "cat " + file).out()).isEqualTo("ada: [EMAIL] card [CARD]\n");

        // A tunnel that a rule allows everyone carries any protocol: not for a masked caller.
        try (EchoServer echo = new EchoServer()) {
            var tunnel = client.ssh(TestGateway.AGENT_TOKEN, "web", EMAIL + "\n", "-W", "127.0.0.1:" + echo.port());
            assertThat(tunnel.exit()).isEqualTo(255);
            assertThat(tunnel.out()).isEmpty();
            assertThat(echo.received()).isEmpty();
        }
    }

    @Test
    void scpCopiesBothWaysAreHashedInTheEvidenceAndWritesUnderEtcAreRefusedInBothProtocols() throws Exception {
        byte[] content = new byte[120_000];
        new Random(11).nextBytes(content);
        Path local = Files.write(dir.resolve("scp-up.bin"), content);
        Path remote = Files.createDirectories(dir.resolve("scp-remote")).resolve("up.bin");
        Path back = dir.resolve("scp-down.bin");
        var up = client.scp(TestGateway.ALICE_TOKEN, false, local.toString(), "web@127.0.0.1:" + remote);
        assertThat(up.exit()).as(up.err()).isZero();
        var down = client.scp(TestGateway.ALICE_TOKEN, false, "web@127.0.0.1:" + remote, back.toString());
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(content);
        String sha = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        List<JsonNode> results = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> gateway.events("command.result", 0), all -> all.stream().filter(e -> e.toString().contains(sha)).count() >= 2);
        assertThat(results.stream().map(e -> e.path("detail").path("tags").toString()))
                .contains("[\"write " + remote + "\",\"bytes 120000\",\"" + sha + "\"]",
                        "[\"read " + remote + "\",\"bytes 120000\",\"" + sha + "\"]");

        // The legacy protocol is an exec of scp -t on the host: it must not walk around the file rules.
        Path evil = Files.writeString(dir.resolve("scp-evil.txt"), "evil");
        for (boolean legacy : new boolean[] {false, true}) {
            String target = "/etc/tracegate-scp-evil-" + (legacy ? "legacy" : "sftp") + ".txt";
            var refused = client.scp(TestGateway.ALICE_TOKEN, legacy, evil.toString(), "web@127.0.0.1:" + target);
            assertThat(refused.exit()).as("scp %s to /etc", legacy ? "-O" : "").isNotZero();
            assertThat(Path.of(target)).doesNotExist();
        }
        // A legacy upload names its files inside the protocol, so every path that could be below its
        // target is checked: with this policy's "/**/protected/**" that is any target.
        var legacyUp = client.scp(TestGateway.ALICE_TOKEN, true, local.toString(), "web@127.0.0.1:" + dir.resolve("scp-remote"));
        assertThat(legacyUp.exit()).isNotZero();
        assertThat(legacyUp.err()).contains("blocked by policy rule protected-files");
        Path legacyBack = dir.resolve("scp-down-legacy.bin");
        var legacyDown = client.scp(TestGateway.ALICE_TOKEN, true, "web@127.0.0.1:" + remote, legacyBack.toString());
        assertThat(legacyDown.exit()).as(legacyDown.err()).isZero();
        assertThat(Files.readAllBytes(legacyBack)).isEqualTo(content);
        assertThat(gateway.events("command", 0)).anyMatch(e -> e.toString().contains("scp -f") && e.toString().contains(
                remote.toString()));
    }

    /**
     * sftp's {@code files} rules were matched on the path as sent: through a link ({@code alias ->
     * .../protected}, made by an allowed {@code ln -s} or already on the host) a write landed in the
     * protected directory. The host now says where a path is once its links are followed, and a
     * rule that matches either place decides; a link to an unprotected place still works.
     */
    @Test
    void aWriteThroughASymlinkIntoAProtectedDirectoryIsRefused() throws Exception {
        Path base = Files.createDirectories(dir.resolve("links-" + System.nanoTime()));
        Path protectedDir = Files.createDirectories(base.resolve("protected"));
        Path open = Files.createDirectories(base.resolve("open"));
        Files.createSymbolicLink(base.resolve("alias"), protectedDir);
        Files.createSymbolicLink(base.resolve("harmless"), open);
        Path local = Files.writeString(dir.resolve("through-link.txt"), "x");
        var run = client.sftp(TestGateway.ALICE_TOKEN, "web", "put " + local + " " + base.resolve("alias/evil.txt") + "\n"
                + "put " + local + " " + base.resolve("harmless/fine.txt") + "\n");
        assertThat(protectedDir.resolve("evil.txt")).as(run.err()).doesNotExist();
        assertThat(run.err()).contains("Permission denied");
        assertThat(open.resolve("fine.txt")).as(run.err()).exists();
        JsonNode command = command("write " + base.resolve("alias/evil.txt") + " " + protectedDir.resolve("evil.txt"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .anyMatch(e -> e.path("session").equals(command.path("session"))
                        && e.path("detail").path("rule").asText().equals("protected-files")));
    }

    /**
     * A hard link or a rename takes a file's content to another name: {@code ln DIR/sealed/secret.txt
     * DIR/copy.txt} (sftp's {@code hardlink@openssh.com}) or {@code rename} out of a directory a rule
     * keeps from being read, then {@code get DIR/copy.txt}, read the sealed content until 2026-12-07,
     * the link and rename being judged only as writes. Each now reads its source as well.
     */
    @Test
    void aSealedFileCannotBeReadThroughAHardLinkOrARenameOutOfItsDirectory() throws Exception {
        Path base = Files.createDirectories(dir.resolve("sftp-moves-" + System.nanoTime()));
        Path sealed = Files.createDirectories(base.resolve("sealed"));
        Files.writeString(sealed.resolve("secret.txt"), "sealed content");
        Path back = dir.resolve("moved-out-" + System.nanoTime() + ".txt");
        for (String move : List.of("ln", "rename")) {
            var run = client.sftp(TestGateway.ALICE_TOKEN, "web", move + " " + sealed.resolve("secret.txt") + " "
                    + base.resolve("copy.txt") + "\nget " + base.resolve("copy.txt") + " " + back + "\n");
            assertThat(back).as("%s: %s", move, run.err()).doesNotExist();
            assertThat(sealed.resolve("secret.txt")).as(move).hasContent("sealed content");
            assertThat(base.resolve("copy.txt")).as(move).doesNotExist();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .filter(e -> e.path("detail").path("rule").asText().equals("sealed-reads")).count() >= 2);
        // Moving a file no rule protects still works.
        Files.writeString(base.resolve("plain.txt"), "plain");
        var fine = client.sftp(TestGateway.ALICE_TOKEN, "web", "rename " + base.resolve("plain.txt") + " "
                + base.resolve("renamed.txt") + "\n");
        assertThat(base.resolve("renamed.txt")).as(fine.err()).hasContent("plain");
    }

    /**
     * An sftp {@code OPEN} with both the read and the write flag was decided as a write only, and its
     * handle then read the file: a client opening {@code DIR/sealed/secret.txt} so read it where
     * reads of {@code sealed} were refused (until 2026-12-07). It is decided as a read as well.
     */
    @Test
    void aFileOpenedToReadAndWriteIsDecidedAsARead() throws Exception {
        Path sealed = Files.createDirectories(dir.resolve("read-write-" + System.nanoTime()).resolve("sealed"));
        Path secret = Files.writeString(sealed.resolve("secret.txt"), "sealed content");
        try (SshClient mina = startedClient()) {
            try (ClientSession session = signedIn(mina); var sftp = startedSftp(session)) {
                OutputStream toGateway = sftp.getInvertedIn();
                InputStream fromGateway = sftp.getInvertedOut();
                SftpFrames.write(toGateway, SftpRequestTest.packet(SftpRelay.OPEN, 5, SftpRequestTest.string(secret.toString()),
                        SftpRequestTest.uint32(0x01 | 0x02), SftpRequestTest.uint32(0)));
                byte[] answer = SftpFrames.read(fromGateway);
                assertThat(answer[0]).as("a refusal, not a handle that reads").isEqualTo((byte) SftpRelay.STATUS);
                assertThat(new String(answer, StandardCharsets.UTF_8)).contains("sealed files are not read");
            }
        }
        assertThat(secret).hasContent("sealed content");
    }

    /**
     * Legacy scp's paths were matched as its command line names them: {@code scp -O
     * host:DIR/alias/secret.txt}, {@code alias} a link to {@code DIR/sealed}, downloaded a file a
     * rule keeps from being read (sftp was already refused). Its paths are now placed by the host
     * as sftp's are, and a rule matching where the file is decides.
     */
    @Test
    void aLegacyScpDownloadThroughASymlinkIsJudgedWhereTheFileIs() throws Exception {
        Path base = Files.createDirectories(dir.resolve("scp-links-" + System.nanoTime()));
        Path sealed = Files.createDirectories(base.resolve("sealed"));
        Files.writeString(sealed.resolve("secret.txt"), "sealed content");
        Files.createSymbolicLink(base.resolve("alias"), sealed);
        for (boolean legacy : new boolean[] {true, false}) {
            Path back = dir.resolve("through-link-" + legacy + ".txt");
            var run = client.scp(TestGateway.ALICE_TOKEN, legacy, "web@127.0.0.1:" + base.resolve("alias/secret.txt"),
                    back.toString());
            assertThat(back).as("scp %s: %s", legacy ? "-O" : "", run.err()).doesNotExist();
            assertThat(run.exit()).isNotZero();
        }
        String alias = base.resolve("alias/secret.txt").toString();
        JsonNode command = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command", 0).stream()
                .filter(e -> e.path("detail").path("text").asText().matches("scp .*-f .*" + java.util.regex.Pattern.quote(alias)))
                .findFirst().orElse(null), e -> e != null);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .anyMatch(e -> e.path("session").equals(command.path("session"))
                        && e.path("detail").path("rule").asText().equals("sealed-reads")));
        // A link to a place no rule protects still works.
        Path open = Files.createDirectories(base.resolve("open"));
        Files.writeString(open.resolve("plain.txt"), "plain");
        Files.createSymbolicLink(base.resolve("harmless"), open);
        Path plain = dir.resolve("through-harmless-link.txt");
        var fine = client.scp(TestGateway.ALICE_TOKEN, true, "web@127.0.0.1:" + base.resolve("harmless/plain.txt"), plain.toString());
        assertThat(fine.exit()).as(fine.err()).isZero();
        assertThat(plain).hasContent("plain");
    }

    @Test
    void sftpWritesUnderEtcAreRefused() throws Exception {
        Path local = Files.writeString(dir.resolve("evil.txt"), "evil");
        var run = client.sftp(TestGateway.ALICE_TOKEN, "web", "put " + local + " /etc/tracegate-evil.txt\n");
        assertThat(run.err()).contains("Permission denied");
        assertThat(Path.of("/etc/tracegate-evil.txt")).doesNotExist();
        assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("detail").path("rule").asText()
                .equals("no-writes-to-etc"));
    }

    @Test
    void rawSftpRequestsTheGatewayCannotReadAreRefusedAndALyingLengthEndsOnlyItsChannel() throws Exception {
        try (SshClient mina = startedClient()) {
            try (ClientSession session = signedIn(mina); var sftp = startedSftp(session)) {
                OutputStream toGateway = sftp.getInvertedIn();
                InputStream fromGateway = sftp.getInvertedOut();

                // An overlong '/' in a path: the host would act on bytes the policy could only guess at.
                Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
                java.io.ByteArrayOutputStream unreadable = new java.io.ByteArrayOutputStream();
                unreadable.writeBytes((victim.getParent() + "/").getBytes(StandardCharsets.UTF_8));
                unreadable.writeBytes(new byte[] {(byte) 0xc0, (byte) 0xaf});
                unreadable.writeBytes(victim.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                SftpFrames.write(toGateway, SftpRequestTest.packet(SftpRelay.REMOVE, 7, SftpRequestTest.bytes(unreadable.toByteArray())));
                byte[] status = SftpFrames.read(fromGateway);
                assertThat(status[0]).isEqualTo((byte) SftpRelay.STATUS);
                assertThat(new String(status, StandardCharsets.UTF_8)).contains("not UTF-8");
                assertThat(status[8]).as("SSH_FX_OP_UNSUPPORTED").isEqualTo((byte) 8);

                // WRITE whose data claims 2 GB of a 3-byte packet: the channel ends with the reason, nothing is hashed past the packet.
                SftpFrames.write(toGateway, SftpRequestTest.packet(SftpRelay.WRITE, 8, SftpRequestTest.string("h"), new byte[8],
                        SftpRequestTest.uint32(Integer.MAX_VALUE), "abc".getBytes(StandardCharsets.US_ASCII)));
                assertThat(SftpFrames.read(fromGateway)).as("the sftp channel ends").isNull();
                sftp.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED), Duration.ofSeconds(20));
                assertThat(new String(sftp.getInvertedErr().readAllBytes(), StandardCharsets.UTF_8))
                        .contains("sftp ended: the SFTP packet's data declares 2147483647 bytes, but only 3 follow");
                assertThat(victim).hasContent("keep me");
            }
        }
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo", "still-serving");
        assertThat(run.out()).isEqualTo("still-serving\n");
    }

    @Test
    void everySftpWayOfChangingAProtectedFileIsRefused() throws Exception {
        Path protectedDir = Files.createDirectories(dir.resolve("protected"));
        Path file = Files.writeString(protectedDir.resolve("keep.txt"), "keep");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path other = Files.writeString(dir.resolve("elsewhere.txt"), "elsewhere");
        var run = client.sftp(TestGateway.ALICE_TOKEN, "web", String.join("\n",
                "chmod 600 " + file, "rm " + file, "rename " + file + " " + dir.resolve("moved.txt"),
                "rename " + other + " " + protectedDir.resolve("planted.txt"),
                "put " + other + " " + protectedDir.resolve("../protected/./keep.txt"),
                "cd " + dir, "put " + other + " protected/relative.txt", "mkdir " + protectedDir.resolve("sub"), ""));
        assertThat(run.err()).contains("Permission denied");
        assertThat(Files.readString(file)).isEqualTo("keep");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
        assertThat(other).exists();
        assertThat(protectedDir.resolve("planted.txt")).doesNotExist();
        assertThat(protectedDir.resolve("relative.txt")).doesNotExist();
        assertThat(protectedDir.resolve("sub")).doesNotExist();
        assertThat(dir.resolve("moved.txt")).doesNotExist();
        assertThat(gateway.events("command.blocked", 0).stream().filter(e -> e.path("detail").path("rule").asText()
                .equals("protected-files")).count()).as("each attempt refused by the rule").isGreaterThanOrEqualTo(7);
    }

    /**
     * sftp's {@code chmod} (SETSTAT with permissions) is judged as {@code chmod} on a command line is,
     * {@code privilege}: it was a {@code write}, so a rule holding or blocking {@code privilege} let sftp
     * make a key readable to all or set a setuid bit, while an upload there stays a write.
     */
    @Test
    void anSftpChmodIsAPrivilegeChangeAsChmodIs() throws Exception {
        Path kept = Files.createDirectories(dir.resolve("modes-kept-" + System.nanoTime()).resolve("modes-kept"));
        Path key = Files.writeString(kept.resolve("key"), "secret");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path other = Files.writeString(dir.resolve("upload-" + System.nanoTime() + ".txt"), "upload");
        var run = client.sftp(TestGateway.ALICE_TOKEN, "web", String.join("\n", "chmod 644 " + key,
                "put " + other + " " + kept.resolve("uploaded.txt"), ""));
        assertThat(run.err()).contains("Permission denied");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(kept.resolve("uploaded.txt")).as("an upload there is a write, not refused").hasContent("upload");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .anyMatch(e -> e.path("detail").path("rule").asText().equals("modes-kept")));
    }

    @Test
    void aHostWhoseKeyIsNotThePinnedOneIsRefused() throws Exception {
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web-impostor", "", "echo", "should-not-run");
        assertThat(run.exit()).isNotZero();
        assertThat(run.out()).doesNotContain("should-not-run");
        assertThat(run.err()).contains("tracegate: the host could not be reached");
    }

    @Test
    void aGarbageBannerOrAHugePacketEndsOnlyItsOwnSession() throws Exception {
        try (Socket garbage = new Socket("127.0.0.1", gateway.gateway().sshPort())) {
            garbage.setSoTimeout(20_000);
            OutputStream out = garbage.getOutputStream();
            out.write("GET / HTTP/1.1\r\n".repeat(2_000).getBytes(StandardCharsets.US_ASCII));
            assertThat(drain(garbage.getInputStream())).as("the gateway closed the connection").isTrue();
        }
        try (Socket huge = new Socket("127.0.0.1", gateway.gateway().sshPort())) {
            huge.setSoTimeout(20_000);
            OutputStream out = huge.getOutputStream();
            out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 0x04});
            // Like OpenSSH, the gateway reads on for a while after a bad length before it disconnects
            // (no timing oracle on where the length check failed): give it what it reads.
            try {
                for (int i = 0; i < 64; i++) {
                    out.write(new byte[8192]);
                }
                out.flush();
            } catch (java.net.SocketException closedEarlier) {
                // it already disconnected
            }
            assertThat(drain(huge.getInputStream())).as("the gateway closed the connection").isTrue();
        }
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo", "still-serving");
        assertThat(run.out()).isEqualTo("still-serving\n");
    }

    @Test
    void connectionsOverTheLimitPerAddressAreToldWhyAndClosedBeforeTheyCanLogInAndOthersGoOn() throws Exception {
        List<Socket> loggingIn = new ArrayList<>();
        try {
            for (int i = 0; i < ListenersConfig.SSH_DEFAULT_LIMITS.maxUnauthenticatedPerSource(); i++) {
                Socket socket = new Socket("127.0.0.1", gateway.gateway().sshPort());
                socket.setSoTimeout(20_000);
                assertThat(socket.getInputStream().read()).as("the gateway greets a connection within the limit").isEqualTo('S');
                loggingIn.add(socket);
            }
            try (Socket over = new Socket("127.0.0.1", gateway.gateway().sshPort())) {
                over.setSoTimeout(20_000);
                // Closed at once (a connection within the limit would be held for the authentication timeout).
                assertThat(drain(over.getInputStream())).as("the gateway closed the connection over the limit").isTrue();
            }
            // OpenSSH over the limit reads SSH_MSG_DISCONNECT, reason 12 (too many connections), and the limit.
            var refused = client.sshAtInfoLevel("web", "echo", "never-runs");
            assertThat(refused.exit()).isEqualTo(255);
            assertThat(refused.out()).doesNotContain("never-runs");
            assertThat(refused.err()).contains(":12: too many connections: "
                    + ListenersConfig.SSH_DEFAULT_LIMITS.maxUnauthenticatedPerSource() + " connections from 127.0.0.1 are already logging in");
            assertThat(stillOpen(loggingIn.getFirst())).as("connections within the limit are still open").isTrue();
        } finally {
            for (Socket socket : loggingIn) {
                socket.close();
            }
        }
        for (int attempt = 0; ; attempt++) {
            var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo", "served-after-the-flood");
            if (run.out().equals("served-after-the-flood\n") || attempt == 20) {
                assertThat(run.out()).as("places are freed when the connections go").isEqualTo("served-after-the-flood\n");
                break;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aFloodOfChannelOpensIsCutAtTheLimitAndOtherSessionsGoOn() throws Exception {
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession flood = signedIn(mina)) {
                int opened = 0;
                try {
                    for (int i = 0; i < 50; i++) {
                        // bare session channels: opened, never asked to run anything
                        var channel = new org.apache.sshd.client.channel.ChannelSession();
                        flood.getService(org.apache.sshd.common.session.ConnectionService.class).registerChannel(channel);
                        channel.open().verify(Duration.ofSeconds(10));
                        opened++;
                    }
                } catch (java.io.IOException | IllegalStateException cut) {
                    // the gateway ends a session that asks for more channels than its limit
                }
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(flood::isClosed);
                // MINA checks the limit before counting the channel being opened: one more gets through.
                assertThat(opened).isBetween(SshGatewayListener.MAX_CHANNELS_PER_SESSION,
                        SshGatewayListener.MAX_CHANNELS_PER_SESSION + 1);
            }
        }
        var run = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "echo", "still-serving");
        assertThat(run.out()).isEqualTo("still-serving\n");
    }

    @Test
    void aCertificateFromTheGatewaysCaSignsIn() throws Exception {
        Path key = Files.createDirectories(dir.resolve("cert-ok")).resolve("id");
        TestSshHost.keygen(key);
        HttpResponse<String> issued = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/ssh/certificates?minutes=5"))
                .header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                        .put("public_key", Files.readString(Path.of(key + ".pub"))).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(issued.body());
        assertThat(body.path("ssh_port").asInt()).isEqualTo(gateway.gateway().sshPort());
        Files.writeString(Path.of(key + "-cert.pub"), body.path("certificate").asText() + "\n");
        var run = client.sshWithCertificate(key, "web", "echo", "signed-in-by-certificate");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("signed-in-by-certificate\n");
        JsonNode command = command("echo signed-in-by-certificate");
        assertThat(command.path("actor").path("name").asText()).isEqualTo("alice");
        // The principal is what an OpenSSH server trusting the CA logs in as: never the name a user chose.
        OpenSshCertificate parsed = (OpenSshCertificate) AuthorizedKeyEntry.parseAuthorizedKeyEntry(
                body.path("certificate").asText()).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        assertThat(parsed.getPrincipals()).containsExactly("tracegate:tracegate:apikey:alice");
        assertThat(body.path("principal").asText()).isEqualTo("tracegate:tracegate:apikey:alice");
    }

    /**
     * A certificate the console signed (its page asks {@code POST /api/ssh/certificates} with the
     * session cookie) ends when that console session signs out. Before, it signed in for the rest of
     * its own lifetime after its user had signed out.
     */
    @Test
    void aCertificateSignedThroughAConsoleSessionEndsWhenTheSessionSignsOut() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, TestGateway.ALICE_TOKEN);
        Path key = consoleCertificate(browser, "cert-console");
        var before = client.sshWithCertificate(key, "web", "echo", "certificate-of-a-console-session");
        assertThat(before.exit()).as(before.err()).isZero();

        browser.signOut();
        var after = client.sshWithCertificate(key, "web", "echo", "certificate-after-sign-out-must-not-run");
        assertThat(after.exit()).isEqualTo(255);
        assertThat(after.out()).doesNotContain("certificate-after-sign-out-must-not-run");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("auth.failure", 0).stream()
                .anyMatch(e -> e.toString().contains("the console session has signed out or ended")));
    }

    /**
     * A session already signed in with a certificate the console signed ends, with the command it
     * runs, when that console session signs out, and says why on the disconnect and in its
     * {@code session.close}. Before, only new sign-ins with the certificate were refused: the open
     * session ran on for the certificate's lifetime.
     */
    @Test
    void aSessionSignedInWithAConsoleCertificateEndsWhenTheConsoleSessionSignsOut() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair pair = generator.generateKeyPair();
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, TestGateway.ALICE_TOKEN);
        HttpResponse<String> issued = browser.post("/api/ssh/certificates?minutes=60", JSON.createObjectNode()
                .put("public_key", PublicKeyEntry.toString(pair.getPublic())).toString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        PublicKey certificate = AuthorizedKeyEntry.parseAuthorizedKeyEntry(JSON.readTree(issued.body()).path("certificate").asText())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        String signedOut = "the console session has signed out or ended";
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = mina.connect("web", "127.0.0.1", gateway.gateway().sshPort())
                    .verify(Duration.ofSeconds(20)).getSession();
                 var output = new java.io.ByteArrayOutputStream()) {
                session.addPublicKeyIdentity(new java.security.KeyPair(certificate, pair.getPrivate()));
                session.auth().verify(Duration.ofSeconds(20));
                var channel = session.createExecChannel("echo console-started; sleep 40; echo outlived-its-console-session");
                channel.setOut(output);
                channel.open().verify(Duration.ofSeconds(20));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> output.toString().contains("console-started"));

                browser.signOut();

                Awaitility.await("the session and its running command end with the console session").atMost(Duration.ofSeconds(10))
                        .until(() -> !session.isOpen());
                assertThat(output.toString()).doesNotContain("outlived-its-console-session");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("session.close", 0).stream()
                .anyMatch(e -> e.path("actor").path("sub").asText().equals("apikey:alice")
                        && e.path("detail").path("reason").asText().contains(signedOut)));
    }

    /** What OpenSSH prints when its session ends that way: the reason, on the terminal it runs in. */
    @Test
    void openSshPrintsWhyItsConsoleCertificateSessionEnded() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, TestGateway.ALICE_TOKEN);
        Path key = consoleCertificate(browser, "cert-console-running");
        int opened = gateway.events("session.open", 0).size();
        CompletableFuture<OpenSshClient.Run> running = CompletableFuture.supplyAsync(() -> {
            try {
                return client.sshWithCertificate(key, "web", "sleep 40; echo outlived-the-console-session");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, command -> Thread.ofVirtual().start(command));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gateway.events("session.open", 0).size() > opened);

        browser.signOut();

        OpenSshClient.Run run = running.get(20, TimeUnit.SECONDS);
        assertThat(run.exit()).isNotZero();
        assertThat(run.out()).doesNotContain("outlived-the-console-session");
        assertThat(run.err()).contains("the console session has signed out or ended");
    }

    /** A new key in {@code name} with the certificate the console session signs for it beside it ({@code id-cert.pub}). */
    private static Path consoleCertificate(ConsoleBrowser browser, String name) throws Exception {
        Path key = Files.createDirectories(dir.resolve(name)).resolve("id");
        TestSshHost.keygen(key);
        HttpResponse<String> issued = browser.post("/api/ssh/certificates?minutes=60", JSON.createObjectNode()
                .put("public_key", Files.readString(Path.of(key + ".pub"))).toString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        Files.writeString(Path.of(key + "-cert.pub"), JSON.readTree(issued.body()).path("certificate").asText() + "\n");
        return key;
    }

    @Test
    void aCertificateDerivedFromAServiceAccountKeyEndsWhenTheKeyIsRevoked() throws Exception {
        String api = "http://127.0.0.1:" + gateway.gateway().apiPort();
        JsonNode created = analystServiceAccount("cert-holder");
        String secret = created.path("secret").asText();
        String keyId = created.path("key").path("id").asText();
        Path key = Files.createDirectories(dir.resolve("cert-from-key")).resolve("id");
        TestSshHost.keygen(key);
        HttpResponse<String> issued = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api
                + "/api/ssh/certificates?minutes=60")).header("Authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                        .put("public_key", Files.readString(Path.of(key + ".pub"))).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        Files.writeString(Path.of(key + "-cert.pub"), JSON.readTree(issued.body()).path("certificate").asText() + "\n");
        var before = client.sshWithCertificate(key, "web", "echo", "certificate-of-an-active-key");
        assertThat(before.exit()).as(before.err()).isZero();

        revokeKey(keyId);
        var after = client.sshWithCertificate(key, "web", "echo", "certificate-of-a-revoked-key-must-not-run");
        assertThat(after.exit()).isEqualTo(255);
        assertThat(after.out()).doesNotContain("certificate-of-a-revoked-key-must-not-run");
        assertThat(after.err()).contains("Permission denied");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("auth.failure", 0).stream()
                .anyMatch(e -> e.toString().contains("SSH certificate refused: service account key revoked")));
    }

    @Test
    void aSessionOpenWhenItsKeyIsRevokedRunsNothingMoreAndEnds() throws Exception {
        JsonNode created = analystServiceAccount("ssh-revoked");
        String secret = created.path("secret").asText();
        String keyId = created.path("key").path("id").asText();
        String revokedReason = "the credential this session signed in with was revoked";
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = signedIn(mina, secret)) {
                assertThat(session.executeRemoteCommand("echo before")).isEqualTo("before\n");

                revokeKey(keyId);

                // The session ends at the revocation (KeyWatch), or at the latest at this request, refused.
                assertThatThrownBy(() -> session.executeRemoteCommand("echo after-revocation-must-not-run"))
                        .isInstanceOfAny(java.io.IOException.class, IllegalStateException.class);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !session.isOpen());
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("session.close", 0).stream()
                .anyMatch(e -> e.path("actor").path("sub").asText().equals("sa:ssh-revoked")
                        && e.path("detail").path("reason").asText().contains(revokedReason)));
        long recorded = gateway.events("command", 0).stream().filter(e -> e.toString().contains("after-revocation-must-not-run")).count();
        assertThat(gateway.events("command.blocked", 0)).filteredOn(e -> e.path("actor").path("sub").asText()
                .equals("sa:ssh-revoked")).as("a request recorded after the revocation is refused").hasSize((int) recorded)
                .allSatisfy(e -> {
                    assertThat(e.path("detail").path("outcome").asText()).isEqualTo("revoked");
                    assertThat(e.path("detail").path("reason").asText()).contains(revokedReason);
                });
    }

    @Test
    void aCommandAlreadyRunningWhenItsKeyIsRevokedIsEndedWithItsSession() throws Exception {
        JsonNode created = analystServiceAccount("ssh-revoked-running");
        String secret = created.path("secret").asText();
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = signedIn(mina, secret);
                 var output = new java.io.ByteArrayOutputStream();
                 var channel = session.createExecChannel("echo started; sleep 40; echo outlived-its-key")) {
                channel.setOut(output);
                channel.open().verify(Duration.ofSeconds(20));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> output.toString().contains("started"));

                revokeKey(created.path("key").path("id").asText());

                Awaitility.await("the running command ends with the session").atMost(Duration.ofSeconds(10))
                        .until(() -> !session.isOpen());
                assertThat(output.toString()).doesNotContain("outlived-its-key");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("session.close", 0).stream()
                .anyMatch(e -> e.path("actor").path("sub").asText().equals("sa:ssh-revoked-running") && e.path("detail")
                        .path("reason").asText().contains("the credential this session signed in with was revoked")));
    }

    /**
     * An SSH {@code signal} request (RFC 4254 section 6.9) stops or changes what the host runs, as a
     * PostgreSQL cancel does: it is a command of the session, recorded before it is passed on, with its
     * end. (The test host's sshd, run without privilege separation, reads the request and does not
     * deliver the signal.)
     */
    @Test
    void aSignalIsRecordedBeforeItIsPassedOnToTheHost() throws Exception {
        String line = "echo started; exec sleep 28.5";
        requestWhileRunning(line, "signal", request -> request.putString("TERM"));
        JsonNode exec = command(line);
        JsonNode signalled = command("signal TERM");
        assertThat(signalled.path("session").asText()).isEqualTo(exec.path("session").asText());
        assertThat(signalled.path("detail").path("message").asText()).isEqualTo("signal");
        assertThat(signalled.path("index").asLong()).isGreaterThan(exec.path("index").asLong());
        JsonNode end = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.result", 0)
                .stream().filter(e -> e.path("session").equals(signalled.path("session"))
                        && e.path("detail").path("seq").equals(signalled.path("detail").path("seq"))).findFirst().orElse(null),
                e -> e != null);
        assertThat(end.path("detail").path("status").asText()).isEqualTo("ok");
    }

    /**
     * An SSH {@code break} request (RFC 4335) interrupts what the host runs as a Ctrl-C would: MINA's
     * server channel takes it as {@code INT}, so it is a signal of the session like any other,
     * recorded as {@code signal INT} before it is passed on to the host.
     */
    @Test
    void aBreakIsRecordedAsTheInterruptItIsBeforeItReachesTheHost() throws Exception {
        String line = "echo started; exec sleep 27.5";
        requestWhileRunning(line, "break", request -> request.putUInt(500));
        JsonNode exec = command(line);
        JsonNode interrupted = command("signal INT");
        assertThat(interrupted.path("session").asText()).isEqualTo(exec.path("session").asText());
        assertThat(interrupted.path("index").asLong()).isGreaterThan(exec.path("index").asLong());
    }

    /**
     * Runs {@code line} over MINA's client and, once it has started, sends its channel the request
     * {@code name} (no reply wanted) with the fields {@code fields} writes; returns once one more
     * signal request has reached the host's sshd.
     */
    private static void requestWhileRunning(String line, String name, java.util.function.Consumer<Buffer> fields)
            throws Exception {
        long before = signalRequestsAtHost();
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = signedIn(mina);
                 var output = new java.io.ByteArrayOutputStream();
                 var channel = session.createExecChannel(line)) {
                channel.setOut(output);
                channel.open().verify(Duration.ofSeconds(20));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> output.toString().contains("started"));
                Buffer request = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST);
                request.putUInt(channel.getRecipient());
                request.putString(name);
                request.putBoolean(false);
                fields.accept(request);
                channel.writePacket(request);
                Awaitility.await("the request reached the host").atMost(Duration.ofSeconds(20))
                        .until(() -> signalRequestsAtHost() > before);
            }
        }
    }

    private static long signalRequestsAtHost() throws java.io.IOException {
        return host.log().stream().filter(entry -> entry.contains("session_signal_req")).count();
    }

    /**
     * A certificate's groups are its sign-in's: an SSH connection signed in with a certificate that
     * ends (as one issued for a provider's token does, with the token) runs nothing more after its
     * end and is disconnected, with the reason recorded. Before, the connection ran new commands
     * for as long as it stayed open.
     */
    @Test
    void aConnectionSignedInWithACertificateEndsWithIt() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair pair = generator.generateKeyPair();
        // A person of a provider: the certificate carries the groups of that provider's token.
        Identity ada = new Identity("https://idp.example.com", "00u-ada", "Ada", null, List.of("analysts"), "human");
        Instant end = Instant.now().plusSeconds(6).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var certificate = SshCertificateAuthority.open(gateway.dataDir()).certificate(ada, null, pair.getPublic(),
                Instant.now().minusSeconds(60), end);
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = mina.connect("web", "127.0.0.1", gateway.gateway().sshPort())
                    .verify(Duration.ofSeconds(20)).getSession()) {
                session.addPublicKeyIdentity(new java.security.KeyPair(certificate, pair.getPrivate()));
                session.auth().verify(Duration.ofSeconds(20));
                assertThat(session.executeRemoteCommand("echo before-the-end")).isEqualTo("before-the-end\n");

                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(end));
                assertThatThrownBy(() -> session.executeRemoteCommand("echo after-the-end-must-not-run"))
                        .isInstanceOf(java.io.IOException.class);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !session.isOpen());
            }
        }
        assertThat(gateway.events("command.blocked", 0)).filteredOn(e -> e.toString().contains("after-the-end-must-not-run")
                || e.path("detail").path("outcome").asText().equals("sign_in_ended")).anySatisfy(e -> {
                    assertThat(e.path("detail").path("outcome").asText()).isEqualTo("sign_in_ended");
                    assertThat(e.path("detail").path("reason").asText()).contains("the sign-in this session stands for ended at " + end);
                });
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Path key = Files.createDirectories(dir.resolve("cert-expired")).resolve("id");
        TestSshHost.keygen(key);
        PublicKey publicKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(Path.of(key + ".pub")).strip())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        Identity alice = new Identity("tracegate", "apikey:alice", "alice", null, List.of("analysts"), "human");
        var certificate = SshCertificateAuthority.open(gateway.dataDir()).certificate(alice, null, publicKey,
                Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(Duration.ofHours(1)));
        Files.writeString(Path.of(key + "-cert.pub"), PublicKeyEntry.toString(certificate) + "\n");
        var run = client.sshWithCertificate(key, "web", "echo", "expired-must-not-run");
        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.out()).doesNotContain("expired-must-not-run");
        assertThat(run.err()).contains("Permission denied");
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() throws Exception {
        Path other = Files.createDirectories(dir.resolve("cert-other-ca"));
        TestSshHost.keygen(other.resolve("ca"));
        TestSshHost.keygen(other.resolve("id"));
        Process sign = new ProcessBuilder("ssh-keygen", "-q", "-s", other.resolve("ca").toString(), "-I", "alice",
                "-n", "alice", "-V", "+1h", other.resolve("id.pub").toString()).redirectErrorStream(true).start();
        assertThat(sign.waitFor()).isZero();
        var run = client.sshWithCertificate(other.resolve("id"), "web", "echo", "foreign-ca-must-not-run");
        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.out()).doesNotContain("foreign-ca-must-not-run");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("auth.failure", 0).stream()
                .anyMatch(e -> e.toString().contains("the gateway's CA did not sign")));
    }

    @Test
    void aServiceAccountSignsInWithItsRegisteredKeyUntilTheKeyIsRevoked() throws Exception {
        Path key = Files.createDirectories(dir.resolve("sa-key")).resolve("id");
        TestSshHost.keygen(key);
        String publicKey = Files.readString(Path.of(key + ".pub"));
        String fingerprint = fingerprint(key);
        var unregistered = client.sshWithKey(key, List.of(), "web", "echo", "unregistered-must-not-run");
        assertThat(unregistered.exit()).isEqualTo(255);
        assertThat(unregistered.err()).contains("Permission denied");

        HttpResponse<String> registered = registerSshKey(TestGateway.ADMIN_TOKEN, "deployer", publicKey);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode stored = JSON.readTree(registered.body()).path("key");
        assertThat(stored.path("sshKey").asText()).isEqualTo(fingerprint);
        assertThat(gateway.events("admin.action", 0)).anyMatch(e -> e.path("detail").path("fingerprint").asText()
                .equals(fingerprint));

        var run = client.sshWithKey(key, List.of(), "web", "echo", "signed-in-with-a-service-account-key");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("signed-in-with-a-service-account-key\n");
        JsonNode command = command("echo signed-in-with-a-service-account-key");
        assertThat(command.path("actor").path("sub").asText()).isEqualTo("sa:deployer");
        JsonNode opened = gateway.events("session.open", 0).stream()
                .filter(e -> e.path("session").equals(command.path("session"))).findFirst().orElseThrow();
        assertThat(opened.path("detail").path("how").asText()).isEqualTo("publickey");
        assertThat(opened.path("detail").path("key_fingerprint").asText()).isEqualTo(fingerprint);
        assertThat(opened.path("detail").path("key_id").asText()).isEqualTo(stored.path("id").asText());

        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/service-accounts/keys/" + stored.path("id").asText()))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        var afterRevocation = client.sshWithKey(key, List.of(), "web", "echo", "revoked-must-not-run");
        assertThat(afterRevocation.exit()).isEqualTo(255);
        assertThat(afterRevocation.out()).doesNotContain("revoked-must-not-run");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("auth.failure", 0).stream()
                .anyMatch(e -> e.toString().contains("service account key revoked (SSH key " + fingerprint + ")")));
        // Revoked stays revoked: the same key cannot be registered again.
        assertThat(registerSshKey(TestGateway.ADMIN_TOKEN, "deployer", publicKey).statusCode()).isEqualTo(409);
    }

    @Test
    void onlyAdminsRegisterKeysAndOnlyPlainStrongKeysAreAccepted() throws Exception {
        Path key = Files.createDirectories(dir.resolve("sa-refused")).resolve("id");
        TestSshHost.keygen(key);
        String publicKey = Files.readString(Path.of(key + ".pub"));
        assertThat(registerSshKey(TestGateway.ALICE_TOKEN, "alice-own", publicKey).statusCode()).isEqualTo(403);
        assertThat(client.sshWithKey(key, List.of(), "web", "echo", "x").exit()).isEqualTo(255);

        Process rsa = new ProcessBuilder("ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f",
                key.resolveSibling("weak").toString()).redirectErrorStream(true).start();
        assertThat(rsa.waitFor()).isZero();
        HttpResponse<String> weak = registerSshKey(TestGateway.ADMIN_TOKEN, "weak",
                Files.readString(key.resolveSibling("weak.pub")));
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("at least 2048 bits");
        HttpResponse<String> garbage = registerSshKey(TestGateway.ADMIN_TOKEN, "garbage", "ssh-ed25519 bm90IGEga2V5 me");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("not an OpenSSH public key");

        Identity alice = new Identity("tracegate", "apikey:alice", "alice", null, List.of("analysts"), "human");
        PublicKey plain = AuthorizedKeyEntry.parseAuthorizedKeyEntry(publicKey.strip())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        String certificate = PublicKeyEntry.toString(SshCertificateAuthority.open(gateway.dataDir()).certificate(alice, null,
                plain, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofMinutes(5))));
        HttpResponse<String> asCertificate = registerSshKey(TestGateway.ADMIN_TOKEN, "cert", certificate);
        assertThat(asCertificate.statusCode()).isEqualTo(400);
        assertThat(asCertificate.body()).contains("certificate");
    }

    /** {@code ssh-keygen -l}'s SHA-256 fingerprint of a key. */
    private static String fingerprint(Path key) throws Exception {
        Process print = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").redirectErrorStream(true).start();
        String line = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(print.waitFor()).isZero();
        return line.split(" ")[1];
    }

    private static HttpResponse<String> registerSshKey(String token, String account, String publicKey) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/service-accounts/ssh-keys"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("account", account)
                        .put("public_key", publicKey).put("description", "deploys").toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void localForwardingThatARuleAllowsOpensFromTheHostAndIsRecorded() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            // ssh -W: stdin and stdout through one direct-tcpip channel.
            var through = client.ssh(TestGateway.ALICE_TOKEN, "web", "hello through the tunnel\n", "-W",
                    "127.0.0.1:" + echo.port());
            assertThat(through.out()).as(through.err()).isEqualTo("echo: hello through the tunnel\n");
            JsonNode command = command("port-forwarding 127.0.0.1:" + echo.port());
            assertThat(command.path("detail").path("message").asText()).isEqualTo("forward");
            List<JsonNode> results = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events(
                    "command.result", 0).stream().filter(e -> e.path("session").equals(command.path("session"))).toList(),
                    all -> !all.isEmpty());
            assertThat(results.getFirst().path("detail").path("tags").toString())
                    .contains("bytes to host 25").contains("bytes from host 31");

            // ssh -N -L: a local port on the caller's machine.
            int local;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                local = free.getLocalPort();
            }
            Process tunnel = client.spawn(TestGateway.ALICE_TOKEN, "web", List.of("-N", "-o", "ExitOnForwardFailure=yes",
                    "-L", local + ":127.0.0.1:" + echo.port()));
            try {
                String answer = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> exchange(local, "via -L"), a -> a != null);
                assertThat(answer).isEqualTo("echo: via -L");
            } finally {
                tunnel.destroy();
                tunnel.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void forwardingNoRuleAllowsIsRefusedAndRecorded() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            var refused = client.ssh(TestGateway.ALICE_TOKEN, "web", "must not arrive\n", "-W", "localhost:" + echo.port());
            assertThat(refused.exit()).isEqualTo(255);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.err()).contains("forwarding failed");
            assertThat(echo.received()).isEmpty();
            JsonNode command = command("port-forwarding localhost:" + echo.port());
            assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(command.path("session")));
            // Remote forwarding no rule allows for this caller is refused too.
            Process remote = client.spawn(TestGateway.ALICE_TOKEN, "web", List.of("-N", "-o", "ExitOnForwardFailure=yes",
                    "-R", "0:127.0.0.1:" + echo.port()));
            assertThat(remote.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(remote.exitValue()).isEqualTo(255);
            assertThat(gateway.events("command", 0)).anyMatch(e -> e.path("detail").path("text").asText()
                    .startsWith("port-forwarding remote "));
        }
    }

    @Test
    void aForwardingTargetThatIsNotAHostNameIsRefusedWhateverTheRulesSay() throws Exception {
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = signedIn(mina)) {
                // Reads as an allowed loopback target to the rule's pattern up to the line break.
                var channel = session.createDirectTcpipChannel(new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1", 1),
                        new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1:22\nevil.example", 22));
                // MINA sends the reason code ("administratively prohibited") with a generic message.
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> channel.open().verify(Duration.ofSeconds(20)))
                        .hasMessageContaining("SshChannelOpenException");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.blocked", 0).stream()
                .anyMatch(e -> e.path("detail").path("reason").asText().equals("not a host name and port")));
    }

    @Test
    void agentForwardingNoRuleAllowsIsRefusedAndRecordedAndTheCommandRunsWithoutIt() throws Exception {
        try (TestAgent agent = TestAgent.start(Files.createDirectories(dir.resolve("agent-refused")))) {
            var run = client.sshForwardingAgent(TestGateway.ALICE_TOKEN, agent.socket(), "web",
                    "echo agent=${SSH_AUTH_SOCK:-none}; ssh-add -l; echo listed=$?");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("agent=none\n").contains("listed=2").doesNotContain(agent.fingerprint());
            JsonNode command = command("agent-forwarding");
            assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(command.path("session"))
                    && e.path("detail").path("class").asText().equals("dangerous_admin"));
        }
    }

    @Test
    void agentForwardingARuleAllowsReachesTheCallersAgentFromTheHost() throws Exception {
        try (TestAgent agent = TestAgent.start(Files.createDirectories(dir.resolve("agent-allowed")))) {
            var run = client.sshForwardingAgent(TestGateway.ADMIN_TOKEN, agent.socket(), "web", "ssh-add -l");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains(agent.fingerprint());
            JsonNode command = command("agent-forwarding");
            assertThat(command.path("actor").toString()).contains("admin");
            assertThat(command.path("detail").path("rule").asText()).isEqualTo("agents-for-admins");
            assertThat(gateway.events("command.blocked", 0)).noneMatch(e -> e.path("session").equals(command.path("session")));
        }
    }

    @Test
    void remoteForwardingARuleAllowsListensOnTheHostAndReachesTheCaller() throws Exception {
        try (EchoServer callerSide = EchoServer.answeringOnce()) {
            int hostPort = freePort();
            // The host writes a line and reads until end of stream: cat ends only if the caller side's
            // close comes back through the relay as an EOF.
            String probe = "bash -c 'exec 3<>/dev/tcp/localhost/" + hostPort + "; echo ping >&3; cat <&3'";
            String spec = "localhost:" + hostPort + ":127.0.0.1:" + callerSide.port();

            var refused = client.ssh(TestGateway.ALICE_TOKEN, "web", "", "-o", "ExitOnForwardFailure=yes", "-R", spec, probe);
            assertThat(refused.exit()).isEqualTo(255);
            assertThat(refused.err()).contains("remote port forwarding failed");
            assertThat(callerSide.received()).isEmpty();
            JsonNode refusedRequest = command("port-forwarding remote localhost:" + hostPort);
            assertThat(gateway.events("command.blocked", 0)).anyMatch(e -> e.path("session").equals(refusedRequest.path("session")));

            var run = client.ssh(TestGateway.ADMIN_TOKEN, "web", "", "-o", "ExitOnForwardFailure=yes", "-R", spec, probe);
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("echo: ping\n");
            assertThat(callerSide.received()).containsExactly("ping");
            JsonNode request = command("port-forwarding remote localhost:" + hostPort);
            assertThat(request.path("detail").path("rule").asText()).isEqualTo("reverse-tunnels");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command.result", 0).stream()
                    .anyMatch(e -> e.path("session").equals(request.path("session"))
                            && e.path("detail").path("tags").toString().contains("listening on the host at localhost:" + hostPort)));
            // The caller's session ended, and the host's listener with it.
            awaitHostPortClosed(hostPort);
        }
    }

    @Test
    void cancellingARemoteForwardStopsTheHostListening() throws Exception {
        try (EchoServer callerSide = EchoServer.answeringOnce()) {
            int hostPort = freePort();
            String spec = "localhost:" + hostPort + ":127.0.0.1:" + callerSide.port();
            String control = Files.createTempDirectory(Path.of("/tmp"), "ssh-ctl").resolve("c").toString();
            // -v: the master's own account of why it ended (a disconnect's reason is below LogLevel=ERROR),
            // for the failure message below; seen once in CI, never here, cause not yet known.
            Process master = client.spawn(TestGateway.ADMIN_TOKEN, "web", List.of("-v", "-M", "-S", control, "-N",
                    "-o", "ExitOnForwardFailure=yes", "-R", spec));
            try {
                String probe = "bash -c 'exec 3<>/dev/tcp/localhost/" + hostPort + "; echo pong >&3; cat <&3'";
                String answer = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
                        () -> client.ssh(TestGateway.ADMIN_TOKEN, "web", "", probe).out(), "echo: pong\n"::equals);
                assertThat(answer).isEqualTo("echo: pong\n");

                // Awaited, not asserted once: seen "closed" once under CI load right after the answer above,
                // cause not found (it passes when re-run); a forward really lost would never read "open" again.
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> hostPort(hostPort), run -> run.out().equals("open\n"));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(whyTheHostStoppedListening(master, hostPort), e);
                }

                var cancel = client.ssh(TestGateway.ADMIN_TOKEN, "web", "", "-S", control, "-O", "cancel", "-R", spec);
                assertThat(cancel.exit()).as(cancel.err()).isZero();
                awaitHostPortClosed(hostPort);
                assertThat(master.isAlive()).isTrue();
            } finally {
                master.destroy();
                master.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void bytesStillArrivingForAForwardedConnectionThatEndedEndOnlyThatConnection() throws Exception {
        // A target on the host's side that hangs up at once, and a local client that goes on writing: the
        // gateway ends the relay while the caller's bytes are still on their way, and must drop them
        // rather than fail the caller's whole session (its other channels, its other forwards).
        try (java.net.ServerSocket hangsUp = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             EchoServer echo = new EchoServer()) {
            Thread.ofVirtual().start(() -> {
                while (!hangsUp.isClosed()) {
                    try {
                        hangsUp.accept().close();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            int flooded = freePort();
            int working = freePort();
            Process master = client.spawn(TestGateway.ALICE_TOKEN, "web", List.of("-N", "-o", "ExitOnForwardFailure=yes",
                    "-L", flooded + ":127.0.0.1:" + hangsUp.getLocalPort(), "-L", working + ":127.0.0.1:" + echo.port()));
            try {
                String before = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> exchange(working, "before"), a -> a != null);
                assertThat(before).isEqualTo("echo: before");
                for (int attempt = 0; attempt < 3; attempt++) {
                    writeUntilRefused(flooded, Duration.ofSeconds(8));
                }
                assertThat(master.isAlive()).as("the caller's session outlived the flooded connections").isTrue();
                assertThat(exchange(working, "after")).isEqualTo("echo: after");
            } finally {
                master.destroy();
                master.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void inputStillArrivingForACommandOrSftpThatEndedEndsOnlyThatChannel() throws Exception {
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
            try (ClientSession session = signedIn(mina)) {
                for (int attempt = 0; attempt < 6; attempt++) {
                    // A command that reads one byte and exits, and an sftp channel fed garbage that ends it.
                    try (var exec = session.createExecChannel("head -c 1")) {
                        exec.open().verify(Duration.ofSeconds(20));
                        writeUntilClosed(exec, exec.getInvertedIn());
                    }
                    try (var sftp = session.createSubsystemChannel("sftp")) {
                        sftp.open().verify(Duration.ofSeconds(20));
                        writeUntilClosed(sftp, sftp.getInvertedIn());
                    }
                }
                assertThat(session.isOpen()).as("the session outlived its ended channels").isTrue();
                assertThat(session.executeRemoteCommand("echo alive")).isEqualTo("alive\n");
            }
        }
    }

    /** Writes {@code 0xff} bytes until the channel closes under the writer, for at most 8 seconds. */
    private static void writeUntilClosed(org.apache.sshd.client.channel.ClientChannel channel, OutputStream in) {
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 0xff);
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        try {
            while (!channel.isClosing() && System.nanoTime() < end) {
                in.write(chunk);
                in.flush();
            }
        } catch (java.io.IOException closed) {
            // the channel ended under the writer: what the test waits for
        }
    }

    /** Writes to {@code port} until the connection is closed under the writer or {@code limit} passes. */
    private static void writeUntilRefused(int port, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        byte[] chunk = new byte[16 * 1024];
        try (Socket socket = new Socket("127.0.0.1", port)) {
            while (System.nanoTime() < end) {
                socket.getOutputStream().write(chunk);
            }
        } catch (java.io.IOException closed) {
            // the tunnel closed the connection: what the test waits for
        }
    }

    /** What MINA warned about in this run (a session it ended on an exception says so here), from the test log. */
    private static List<String> sshWarnings() throws java.io.IOException {
        Path log = Path.of(System.getProperty("user.dir"), "target", "gateway-test.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(line -> line.contains("exceptionCaught")).toList()
                : List.of();
    }

    /** Waits until nothing on the host accepts connections on {@code port}. */
    /**
     * What the master, the host, MINA and the gateway's evidence say about a remote forward the
     * host no longer listens on: the master's last lines (it runs with -v), how its evidence session
     * ended, and the port's probes.
     */
    private static String whyTheHostStoppedListening(Process master, int hostPort) throws Exception {
        List<String> printed = client.printed(master).lines().toList();
        JsonNode request = command("port-forwarding remote localhost:" + hostPort);
        List<JsonNode> masterSession = new java.util.ArrayList<>();
        for (String type : List.of("session.open", "command", "command.result", "session.close")) {
            gateway.events(type, 0).stream().filter(e -> e.path("session").equals(request.path("session")))
                    .forEach(masterSession::add);
        }
        List<JsonNode> probes = gateway.events("command", 0).stream()
                .filter(e -> e.path("detail").path("text").asText().contains("/dev/tcp/localhost/" + hostPort)).toList();
        return "the host stopped listening; master alive " + master.isAlive()
                + (master.isAlive() ? "" : " (exit " + master.exitValue() + ")")
                + ", its last lines " + printed.subList(Math.max(0, printed.size() - 25), printed.size())
                + ", its session's events " + masterSession + ", the port's probes " + probes.size() + ", last "
                + probes.stream().reduce((a, b) -> b).orElse(null) + ", host log " + host.log()
                + ", the SSH library's warnings " + sshWarnings();
    }

    private static void awaitHostPortClosed(int port) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> hostPort(port), run -> run.out().equals("closed\n"));
    }

    /**
     * Whether something on the host accepts connections on {@code port} ("open" or "closed"), asked
     * through a new session. A list, not an {@code if}: a compound command is not read, so it may
     * run any program and the no-unlink rule would refuse it.
     */
    private static OpenSshClient.Run hostPort(int port) throws Exception {
        return client.ssh(TestGateway.ADMIN_TOKEN, "web", "",
                "bash -c 'true </dev/tcp/localhost/" + port + " && echo open || echo closed' 2>/dev/null");
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** A caller's ssh-agent holding one key of its own. */
    private record TestAgent(Process process, Path socket, String fingerprint) implements AutoCloseable {

        static TestAgent start(Path dir) throws Exception {
            Path socket = dir.resolve("agent.sock");
            Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile()).start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
            Path key = dir.resolve("agent_key");
            TestSshHost.keygen(key);
            ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            assertThat(add.start().waitFor(30, TimeUnit.SECONDS)).isTrue();
            Process print = new ProcessBuilder("ssh-keygen", "-lf", key + ".pub").start();
            String fingerprint = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];
            return new TestAgent(agent, socket, fingerprint);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void proxyJumpAndProxyCommandReachTheGatewayThroughABastion() throws Exception {
        // The test's sshd is the bastion: it forwards to the gateway's port (ssh -W), as a bastion in front of it would.
        Path config = Files.writeString(dir.resolve("ssh_config_jump"), String.join("\n",
                "Host bastion", "  HostName 127.0.0.1", "  Port " + host.port(), "  User " + TestSshHost.user(),
                "  IdentityFile " + host.heldKey(), "  IdentitiesOnly yes", "  PreferredAuthentications publickey",
                "Host tracegate tracegate-pc", "  HostName 127.0.0.1", "  Port " + gateway.gateway().sshPort(),
                "  PreferredAuthentications keyboard-interactive",
                "Host tracegate", "  ProxyJump bastion",
                "Host tracegate-pc", "  ProxyCommand ssh -F " + dir.resolve("ssh_config_jump") + " -W %h:%p bastion",
                "Host *", "  StrictHostKeyChecking no", "  UserKnownHostsFile /dev/null", "  LogLevel ERROR", ""));
        var jumped = client.sshWithConfig(TestGateway.ALICE_TOKEN, config, "web@tracegate", "echo", "through-proxyjump");
        assertThat(jumped.exit()).as(jumped.err()).isZero();
        assertThat(jumped.out()).isEqualTo("through-proxyjump\n");
        var proxied = client.sshWithConfig(TestGateway.ALICE_TOKEN, config, "web@tracegate-pc", "echo", "through-proxycommand");
        assertThat(proxied.exit()).as(proxied.err()).isZero();
        assertThat(proxied.out()).isEqualTo("through-proxycommand\n");
        assertThat(command("echo through-proxyjump").path("actor").path("name").asText()).isEqualTo("alice");
    }

    /** One line to the echo server through a forwarded local port, and its answer. */
    private static String exchange(int port, String line) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }

    /** A TCP server on a free loopback port that answers each line with {@code echo: line}. */
    private static final class EchoServer implements AutoCloseable {
        private final java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final boolean once;

        EchoServer() throws java.io.IOException {
            this(false);
        }

        /** One that answers the first line of each connection, then closes it (a half-close the other side must see). */
        static EchoServer answeringOnce() throws java.io.IOException {
            return new EchoServer(true);
        }

        private EchoServer(boolean once) throws java.io.IOException {
            this.once = once;
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        Thread.ofVirtual().start(() -> answer(connection));
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
        }

        private void answer(Socket connection) {
            try (connection; var reader = new java.io.BufferedReader(new java.io.InputStreamReader(connection.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    received.add(line);
                    connection.getOutputStream().write(("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8));
                    if (once) {
                        return;
                    }
                }
            } catch (java.io.IOException e) {
                // the client went away
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> received() {
            return received;
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    /** A service-account key in group {@code analysts}, created through the API: its answer, with the secret. */
    private static JsonNode analystServiceAccount(String account) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.gateway().apiPort() + "/api/service-accounts")).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                        .put("account", account).set("groups", JSON.createArrayNode().add("analysts")).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    /** Revokes a service-account key through the API. */
    private static void revokeKey(String keyId) throws Exception {
        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.gateway().apiPort() + "/api/service-accounts/keys/" + keyId))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    }

    /** A started MINA client that accepts any host key (the gateway's is generated for the test). */
    private static SshClient startedClient() {
        SshClient mina = SshClient.setUpDefaultClient();
        mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        mina.start();
        return mina;
    }

    /** An sftp channel of {@code session} whose INIT the host has answered with its VERSION. */
    private static org.apache.sshd.client.channel.ChannelSubsystem startedSftp(ClientSession session) throws java.io.IOException {
        var sftp = session.createSubsystemChannel("sftp");
        sftp.open().verify(Duration.ofSeconds(15));
        SftpFrames.write(sftp.getInvertedIn(), SftpRequestTest.packet(SftpRelay.INIT, 3));
        assertThat(SftpFrames.read(sftp.getInvertedOut())[0]).as("the host's VERSION").isEqualTo((byte) SftpRelay.VERSION);
        return sftp;
    }

    /** A MINA client session to {@code web}, signed in as alice by keyboard-interactive. */
    private static ClientSession signedIn(SshClient mina) throws java.io.IOException {
        return signedIn(mina, TestGateway.ALICE_TOKEN);
    }

    /** A MINA client session to {@code web}, signed in with {@code token} by keyboard-interactive. */
    private static ClientSession signedIn(SshClient mina, String token) throws java.io.IOException {
        ClientSession session = mina.connect("web", "127.0.0.1", gateway.gateway().sshPort()).verify(Duration.ofSeconds(20))
                .getSession();
        session.setUserInteraction(new UserInteraction() {
            @Override
            public String[] interactive(ClientSession s, String name, String instruction, String lang, String[] prompt,
                                        boolean[] echo) {
                return new String[] {token};
            }

            @Override
            public String getUpdatedPassword(ClientSession s, String prompt, String lang) {
                return null;
            }
        });
        session.auth().verify(Duration.ofSeconds(20));
        return session;
    }

    /** Reads until the peer closes; true when it did. */
    /** Whether the gateway keeps the connection open (its greeting read, nothing more comes for a second). */
    private static boolean stillOpen(Socket socket) throws java.io.IOException {
        socket.setSoTimeout(1_000);
        byte[] buffer = new byte[8192];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // the rest of the greeting and the key exchange init
            }
            return false;
        } catch (java.net.SocketTimeoutException open) {
            return true;
        }
    }

    private static boolean drain(InputStream in) {
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // the gateway's banner and key exchange init; then it must close
            }
            return true;
        } catch (java.io.IOException e) {
            return e instanceof java.net.SocketException;
        }
    }

    private JsonNode event(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(line, e);
        }
    }

    /** The newest command event with this text. */
    private static JsonNode command(String text) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events("command", 0).stream()
                .filter(e -> e.path("detail").path("text").asText().equals(text)).reduce((a, b) -> b).orElse(null),
                e -> e != null);
    }

    /** A session's terminal recording: its sealed chunks' blobs, in order, once the last is sealed. */
    private static String terminal(String session) {
        List<JsonNode> chunks = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.events(
                "recording.sealed", 0).stream().filter(e -> e.path("session").asText().equals(session)).toList(),
                all -> all.stream().anyMatch(e -> e.path("detail").path("last").asBoolean()));
        StringBuilder cast = new StringBuilder();
        for (JsonNode chunk : chunks) {
            byte[] blob = gateway.gateway().evidence().blobs().get(chunk.path("detail").path("data").path("blob").asText())
                    .orElseThrow();
            cast.append(new String(blob, StandardCharsets.UTF_8));
        }
        return cast.toString();
    }
}
