package dev.tracegate.gateway.mysql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB server for the tests of this JVM (Debian's {@code mariadb-server}): its own data
 * directory, a free port and a socket in a temporary directory, run as root with
 * {@code --user=root}. It holds the {@code shop} database with a few customers whose data looks
 * personal, and gateway accounts: {@link #NATIVE_USER} (mysql_native_password) and
 * {@link #ED25519_USER} (MariaDB's ed25519).
 */
public final class TestMariaDb {

    public static final String NATIVE_USER = "tg_native";
    public static final String ED25519_USER = "tg_ed25519";
    public static final String PASSWORD = "upstream-Secret-7f3a";
    public static final String EMAIL = "ada.lovelace@example.com";
    public static final String CARD = "4111 1111 1111 1111";

    private static TestMariaDb instance;

    private final Path dir;
    private final int port;
    private final Process process;

    private TestMariaDb() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("tracegate-mariadb");
        Path data = dir.resolve("data");
        run(List.of("mariadb-install-db", "--no-defaults", "--user=root", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"), Duration.ofMinutes(3));
        port = freePort();
        process = new ProcessBuilder("mariadbd", "--no-defaults", "--user=root", "--datadir=" + data, "--port=" + port,
                "--bind-address=127.0.0.1", "--socket=" + socket(), "--pid-file=" + dir.resolve("mariadb.pid"),
                "--log-error=" + dir.resolve("error.log"), "--skip-name-resolve", "--innodb-buffer-pool-size=32M",
                "--skip-log-bin", "--max-connections=200")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        awaitReady();
        sql("CREATE DATABASE shop CHARACTER SET utf8mb4",
                "CREATE USER " + NATIVE_USER + "@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('" + PASSWORD + "')",
                "GRANT ALL ON shop.* TO " + NATIVE_USER + "@'%'",
                "INSTALL SONAME 'auth_ed25519'",
                "CREATE USER " + ED25519_USER + "@'%' IDENTIFIED VIA ed25519 USING PASSWORD('" + PASSWORD + "')",
                "GRANT ALL ON shop.* TO " + ED25519_USER + "@'%'",
                "CREATE TABLE shop.customers (id int PRIMARY KEY, name varchar(100), email varchar(200),"
                        + " card_number varchar(30), date_of_birth date, loyalty_points bigint)",
                "INSERT INTO shop.customers VALUES (1, 'Ada Lovelace', '" + EMAIL + "', '" + CARD + "', '1815-12-10', 1815),"
                        + " (2, 'Grace Hopper', 'grace@example.org', '5500 0000 0000 0004', '1906-12-09', 1906),"
                        + " (3, 'Alan Turing', NULL, NULL, NULL, NULL)",
                "CREATE TABLE shop.scratch (id int)");
    }

    /**
     * The server of this JVM, started on first use, and again should it have died: the test that saw
     * it die fails, the classes after it get a server (with the standard set-up, not what earlier
     * classes left in the old one). Why it died is printed from its error log.
     */
    public static synchronized TestMariaDb get() {
        if (instance != null && !instance.process.isAlive()) {
            System.err.println("TestMariaDb: the server died; starting another. The end of its error log:\n"
                    + instance.errorLogEnd());
            instance = null;
        }
        if (instance == null) {
            try {
                instance = new TestMariaDb();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    private String errorLogEnd() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("error.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    public int port() {
        return port;
    }

    /** Runs statements as root over the socket, failing on any error. */
    public void sql(String... statements) {
        asRoot("-e", String.join(";\n", statements));
    }

    /** One query's rows as root over the socket, tab-separated without a header. */
    public String query(String sql) {
        return asRoot("-N", "-B", "-e", sql);
    }

    private String asRoot(String... arguments) {
        List<String> command = new ArrayList<>(List.of("mariadb", "--no-defaults", "--socket=" + socket(), "-uroot"));
        command.addAll(List.of(arguments));
        try {
            return run(command, Duration.ofMinutes(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Path socket() {
        return dir.resolve("mariadb.sock");
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mariadbd exited: " + Files.readString(dir.resolve("error.log")));
            }
            Process ping = new ProcessBuilder("mariadb-admin", "--no-defaults", "--socket=" + socket(), "-uroot", "ping")
                    .redirectErrorStream(true).start();
            ping.getInputStream().readAllBytes();
            if (ping.waitFor() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("mariadbd did not start within 2 minutes");
    }

    private static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
            throw new IOException(command.getFirst() + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
