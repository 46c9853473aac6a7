package dev.tracegate.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The demo's SSH target: Debian's OpenSSH server (/usr/sbin/sshd) with its own configuration and
 * host key on a port of the demo's, which only the gateway's held key opens (no passwords). The
 * console's browser tests use it as their SSH host too.
 */
public final class DemoSshHost implements AutoCloseable {

    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final int port;
    private final Process sshd;

    private DemoSshHost(Path dir, int port, Process sshd) {
        this.dir = dir;
        this.port = port;
        this.sshd = sshd;
    }

    /** Starts sshd; null (with a word on {@code progress}) when it is not installed or does not start. */
    public static DemoSshHost startIfInstalled(Path dir, int port, PrintStream progress) throws IOException {
        if (!Files.isExecutable(SSHD)) {
            progress.println("no SSH target: /usr/sbin/sshd is not installed (apt-get install openssh-server)");
            return null;
        }
        progress.println("starting an OpenSSH server (the demo's SSH target) on port " + port + " ...");
        Files.createDirectories(dir);
        keyOnce(dir.resolve("host_key"));
        keyOnce(dir.resolve("held_key"));
        Files.copy(dir.resolve("held_key.pub"), dir.resolve("authorized_keys"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory, when root
        } catch (IOException notRoot) {
            // sshd started by an ordinary user does not need it
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n", "Port " + port, "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key").toAbsolutePath(), "PidFile " + dir.resolve("sshd.pid").toAbsolutePath(),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys").toAbsolutePath(), "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password",
                "Subsystem sftp internal-sftp", "LogLevel ERROR", ""), StandardCharsets.UTF_8);
        Process sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return new DemoSshHost(dir, port, sshd);
            } catch (IOException notYet) {
                if (!sshd.isAlive() || Instant.now().isAfter(deadline)) {
                    sshd.destroy();
                    progress.println("no SSH target: sshd did not start (" + dir.resolve("sshd.log") + ")");
                    return null;
                }
                sleep();
            }
        }
    }

    private static void keyOnce(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tracegate-demo", "-f",
                    file.toAbsolutePath().toString()).redirectErrorStream(true).start();
            if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
                throw new IOException("ssh-keygen failed for " + file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    /** The host key line the gateway pins. */
    public String hostKey() throws IOException {
        return Files.readString(dir.resolve("host_key.pub")).strip();
    }

    /** The held private key the gateway logs in with. */
    public Path heldKey() {
        return dir.resolve("held_key").toAbsolutePath();
    }

    @Override
    public void close() {
        sshd.destroy();
        try {
            sshd.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
