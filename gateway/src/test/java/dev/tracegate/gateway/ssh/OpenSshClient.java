package dev.tracegate.gateway.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSH clients ({@code /usr/bin/ssh}, {@code sftp}, {@code scp}) against the gateway, answering
 * its keyboard-interactive prompt with a gateway token through SSH_ASKPASS, as a CI job would.
 */
final class OpenSshClient {

    /** What a client run printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    private final Path dir;
    private final int port;
    /** Where each spawned client writes what it prints, kept to explain a client that ended early. */
    private final java.util.Map<Process, Path> spawnedLogs = new java.util.concurrent.ConcurrentHashMap<>();

    OpenSshClient(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** {@code ssh -p PORT connection@127.0.0.1 args...}, with {@code input} on stdin. */
    Run ssh(String token, String connection, String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-p", String.valueOf(port)));
        command.addAll(options());
        command.add(connection + "@127.0.0.1");
        command.addAll(List.of(args));
        return run(command, token, input);
    }

    /**
     * {@code ssh -t ... connection@127.0.0.1 args...} from a terminal, as a person runs it: {@code script}
     * gives ssh a PTY of its own, so ssh sends its terminal's modes and the host's program gets a PTY
     * (without one, {@code ssh -tt} sends none); {@code input} is typed into that terminal.
     */
    Run sshInTerminal(String token, String connection, String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-t", "-p", String.valueOf(port)));
        command.addAll(options());
        command.add(connection + "@127.0.0.1");
        command.addAll(List.of(args));
        String line = String.join(" ", command.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList());
        return run(List.of("/usr/bin/script", "-qefc", line, "/dev/null"), token, input);
    }

    /**
     * {@code ssh} at OpenSSH's own log level (INFO, as a person runs it), which shows why a server
     * disconnected; BatchMode, so it never waits for a prompt.
     */
    Run sshAtInfoLevel(String connection, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-p", String.valueOf(port), "-F", "/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=20", connection + "@127.0.0.1"));
        command.addAll(List.of(args));
        return run(command, "unused", "");
    }

    /** {@code ssh} signing in with a key and its certificate ({@code KEY-cert.pub}) only. */
    Run sshWithCertificate(Path key, String connection, String... args) throws IOException, InterruptedException {
        return sshWithKey(key, List.of("-o", "CertificateFile=" + key + "-cert.pub"), connection, args);
    }

    /** {@code ssh -i KEY} signing in with that key only (publickey, no agent, no other identity). */
    Run sshWithKey(Path key, List<String> options, String connection, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-p", String.valueOf(port), "-F", "/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "BatchMode=yes", "-o", "PreferredAuthentications=publickey", "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none", "-i", key.toString()));
        command.addAll(options);
        command.add(connection + "@127.0.0.1");
        command.addAll(List.of(args));
        return run(command, "unused", "");
    }

    /**
     * {@code sftp connection@127.0.0.1} with its commands on stdin ({@code -b} would imply BatchMode,
     * which turns keyboard-interactive off); it goes on after a failed command, so check stderr.
     * {@code sftpOptions} go before the destination ({@code -o SetEnv=...}).
     */
    Run sftp(String token, String connection, String commands, String... sftpOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/sftp", "-P", String.valueOf(port)));
        command.addAll(options());
        command.addAll(List.of(sftpOptions));
        command.add(connection + "@127.0.0.1");
        return run(command, token, commands);
    }

    /**
     * {@code scp -P PORT [-O] from to}, a side written {@code connection@127.0.0.1:path}. OpenSSH's
     * scp speaks sftp; {@code -O} the legacy protocol, an exec of {@code scp -t} or {@code scp -f}.
     */
    Run scp(String token, boolean legacy, String from, String to) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/scp", "-P", String.valueOf(port)));
        command.addAll(options());
        if (legacy) {
            command.add("-O");
        }
        command.addAll(List.of(from, to));
        return run(command, token, "");
    }

    private List<String> options() {
        return List.of("-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=keyboard-interactive",
                "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=20");
    }

    /** {@code ssh -A} with {@code agentSocket} as the caller's agent ({@code SSH_AUTH_SOCK}). */
    Run sshForwardingAgent(String token, Path agentSocket, String connection, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-p", String.valueOf(port)));
        command.addAll(options());
        command.addAll(List.of("-A", connection + "@127.0.0.1"));
        command.addAll(List.of(args));
        return run(command, token, "", java.util.Map.of("SSH_AUTH_SOCK", agentSocket.toString()));
    }

    /** {@code ssh -F CONFIG destination args...}: everything else (ports, jumps, proxies) from the config file. */
    Run sshWithConfig(String token, Path config, String destination, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-F", config.toString(), destination));
        command.addAll(List.of(args));
        return run(command, token, "");
    }

    /** {@code ssh -p PORT options... connection@127.0.0.1} left running (for {@code -N -L}); the caller ends it. */
    Process spawn(String token, String connection, List<String> sshOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/ssh", "-p", String.valueOf(port)));
        command.addAll(options());
        command.addAll(sshOptions);
        command.add(connection + "@127.0.0.1");
        Path log = dir.resolve("spawned-" + System.nanoTime() + ".log");
        Process process = builder(command, token).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        spawnedLogs.put(process, log);
        return process;
    }

    /** What a client started by {@link #spawn} has printed so far (its stderr too), for a failure's message. */
    String printed(Process spawned) {
        try {
            Path log = spawnedLogs.get(spawned);
            return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    CompletableFuture<Run> start(List<String> command, String token, String input) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(command, token, input);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private ProcessBuilder builder(List<String> command, String token) throws IOException {
        Path askpass = dir.resolve("askpass-" + Math.abs(token.hashCode()));
        if (!Files.exists(askpass)) {
            Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' '" + token + "'\n");
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SSH_ASKPASS", askpass.toString());
        builder.environment().put("SSH_ASKPASS_REQUIRE", "force");
        builder.environment().put("DISPLAY", ":0");
        return builder;
    }

    private Run run(List<String> command, String token, String input) throws IOException, InterruptedException {
        return run(command, token, input, java.util.Map.of());
    }

    private Run run(List<String> command, String token, String input, java.util.Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = builder(command, token);
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not end: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
