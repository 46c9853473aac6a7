package dev.tracegate.gateway.ssh;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server (Debian's /usr/sbin/sshd) with its own configuration, host key and
 * authorized key on a free loopback port: the host the gateway logs in to with the held key.
 */
final class TestSshHost implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process sshd;

    private TestSshHost(Path dir, int port, Process sshd) {
        this.dir = dir;
        this.port = port;
        this.sshd = sshd;
    }

    static TestSshHost start(Path dir) throws IOException, InterruptedException {
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("held_key"));
        Files.copy(dir.resolve("held_key.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"), "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
                "PermitRootLogin prohibit-password", "Subsystem sftp internal-sftp", "LogLevel " + System.getProperty("tracegate.test.sshdLogLevel", "ERROR"), ""));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return new TestSshHost(dir, port, sshd);
            } catch (IOException notYet) {
                if (!sshd.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    static void keygen(Path file) throws IOException, InterruptedException {
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tracegate-test", "-f",
                file.toString()).redirectErrorStream(true).start();
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IOException("ssh-keygen failed: " + new String(keygen.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    int port() {
        return port;
    }

    /** The host key line to pin. */
    String hostKey() throws IOException {
        return Files.readString(dir.resolve("host_key.pub")).strip();
    }

    Path heldKey() {
        return dir.resolve("held_key");
    }

    static String user() {
        return System.getProperty("user.name");
    }

    List<String> log() throws IOException {
        return Files.readAllLines(dir.resolve("sshd.log"));
    }

    @Override
    public void close() throws InterruptedException {
        sshd.destroy();
        sshd.waitFor(10, TimeUnit.SECONDS);
    }
}
