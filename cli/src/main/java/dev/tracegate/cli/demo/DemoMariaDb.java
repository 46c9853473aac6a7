package dev.tracegate.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo's MySQL target: Debian's MariaDB server (mariadbd) in a temporary directory of its
 * own, holding the same {@code shop} tables and rows as the PostgreSQL target. It listens on
 * loopback, where only the gateway's held account logs in over TCP (with its password); the
 * administrator account answers only on the server's own socket, to the operating system user
 * that started the demo ({@code unix_socket}). Every start is a fresh server; closing it removes
 * the directory.
 */
public final class DemoMariaDb implements AutoCloseable {

    static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
    private static final Duration START = Duration.ofMinutes(2);

    private final Path dir;
    private final int port;
    private final Process mariadbd;

    private DemoMariaDb(Path dir, int port, Process mariadbd) {
        this.dir = dir;
        this.port = port;
        this.mariadbd = mariadbd;
    }

    /**
     * Starts mariadbd on {@code port} and loads the shop data, with {@code account} (password
     * {@code password}) owning it; null (with a word on {@code progress}) when MariaDB is not
     * installed or does not start.
     */
    public static DemoMariaDb startIfInstalled(int port, String account, String password, PrintStream progress)
            throws IOException {
        if (!Files.isExecutable(MARIADBD) || !Files.isExecutable(INSTALL_DB)) {
            progress.println("no MySQL target: " + MARIADBD + " is not installed (apt-get install mariadb-server)");
            return null;
        }
        progress.println("starting a MariaDB server (the demo's MySQL target) on port " + port + " ...");
        Path dir = Files.createTempDirectory("tracegate-demo-mariadb");
        DemoMariaDb server = null;
        try {
            server = start(dir, port);
            server.admin(setUp(account, password) + ShopSampleData.mariadbScript());
            return server;
        } catch (IOException e) {
            progress.println("no MySQL target: MariaDB did not start (" + e.getMessage() + ")");
            if (server != null) {
                server.close();
            } else {
                delete(dir);
            }
            return null;
        }
    }

    private static DemoMariaDb start(Path dir, int port) throws IOException {
        String osUser = System.getProperty("user.name");
        Path data = dir.resolve("data");
        // The administrator is the OS user on the socket (unix_socket): no password that could leak, no TCP login.
        run(List.of(INSTALL_DB.toString(), "--no-defaults", "--user=" + osUser, "--datadir=" + data,
                "--auth-root-authentication-method=socket", "--auth-root-socket-user=" + osUser, "--skip-test-db"), "");
        Process process = new ProcessBuilder(MARIADBD.toString(), "--no-defaults", "--user=" + osUser, "--datadir=" + data,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socket(dir), "--pid-file=" + dir.resolve("mariadb.pid"),
                "--log-error=" + dir.resolve("error.log"), "--skip-name-resolve", "--innodb-buffer-pool-size=32M",
                "--skip-log-bin").redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        DemoMariaDb server = new DemoMariaDb(dir, port, process);
        try {
            server.awaitReady();
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The shop database and the gateway's account, which may do anything in it and nothing outside. */
    private static String setUp(String account, String password) {
        return String.join(";\n",
                "CREATE DATABASE shop CHARACTER SET utf8mb4",
                "CREATE USER '" + account + "'@'127.0.0.1' IDENTIFIED BY '" + password.replace("\\", "\\\\").replace("'", "''") + "'",
                "GRANT ALL ON shop.* TO '" + account + "'@'127.0.0.1'",
                "USE shop", "");
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(START);
        while (Instant.now().isBefore(deadline)) {
            if (!mariadbd.isAlive()) {
                throw new IOException("mariadbd exited: " + errorLogTail());
            }
            try {
                run(List.of("mariadb-admin", "--no-defaults", "--socket=" + socket(dir), "ping"), "");
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IOException("mariadbd did not answer within " + START.toSeconds() + " s: " + errorLogTail());
    }

    /** Runs a script as the administrator over the socket; statements and secrets go by stdin, never argv. */
    private void admin(String script) throws IOException {
        run(List.of("mariadb", "--no-defaults", "--socket=" + socket(dir), "--default-character-set=utf8mb4",
                "--batch"), script);
    }

    private String errorLogTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("error.log"));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "no error log";
        }
    }

    private static Path socket(Path dir) {
        return dir.resolve("mariadb.sock").toAbsolutePath();
    }

    private static void run(List<String> command, String stdin) throws IOException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroy();
                throw new IOException(Path.of(command.getFirst()).getFileName() + " failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    /** Stops mariadbd and removes its directory, data and socket with it. */
    @Override
    public void close() {
        mariadbd.destroy();
        try {
            if (!mariadbd.waitFor(30, TimeUnit.SECONDS)) {
                mariadbd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            delete(dir);
        } catch (IOException e) {
            System.err.println("tracegate: could not remove the demo's MariaDB directory " + dir + ": " + e.getMessage());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
