package dev.tracegate.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacked release the build lays out ({@code scripts/release-layout}), copied to a fresh
 * directory as a user would unpack it: {@code bin/tracegate} and the container image's
 * {@code bin/container-entrypoint} start the gateway from there, outside any container, with the JVM
 * options they ship, and write nothing into the release, the working directory or the home directory.
 * Runs after {@code package} (the surefire execution {@code release-layout-tests} in cli/pom.xml).
 */
class LauncherReleaseIT {

    private static final Pattern API_LINE = Pattern.compile("api: http://[^:]+:(\\d+)");

    @TempDir
    Path dir;
    private Path release;
    private Path state;
    private Path config;

    @BeforeEach
    void unpack() throws IOException {
        // Set by the release-layout-tests execution only; a -Dtest=... run's unit-test phase comes before `package`.
        assumeTrue(System.getProperty("tracegate.release") != null, "runs after package");
        Path built = Path.of(System.getProperty("tracegate.release"));
        assertThat(built.resolve("bin/tracegate")).as("the build laid out the release").isExecutable();
        release = dir.resolve("unpacked/" + built.getFileName());
        copyTree(built, release);
        state = Files.createDirectories(dir.resolve("state"));
        config = dir.resolve("tracegate.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + state.resolve("data"),
                "listeners:",
                "  postgres: {address: 127.0.0.1, port: 0}",
                "  api: {address: 127.0.0.1, port: 0}",
                ""), StandardCharsets.UTF_8);
    }

    @Test
    void theLauncherServesFromTheReleaseWithItsShippedJvmOptions() throws Exception {
        Map<Path, Long> releaseBefore = listing(release);
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path home = Files.createDirectories(dir.resolve("home"));
        try (Started gateway = Started.run(cwd, Map.of("HOME", home.toString()),
                release.resolve("bin/tracegate").toString(), "serve", "--config", config.toString())) {
            assertThat(gateway.jvmArguments()).as("config/jvm.options").contains("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
            assertThat(get(gateway.apiPort(), "/healthz")).contains("\"ok\"");
            assertThat(get(gateway.apiPort(), "/readyz")).contains("\"ready\"");
        }
        assertThat(listing(release)).as("nothing written into the release").isEqualTo(releaseBefore);
        assertThat(listing(cwd)).as("nothing written into the working directory").isEmpty();
        assertThat(listing(home)).as("nothing written into the home directory").isEmpty();
        assertThat(state.resolve("data/keys/log.pub")).as("state went to dataDir").exists();
    }

    @Test
    void theEntrypointServesTheMountedConfigurationWithTheContainerHeap() throws Exception {
        Map<Path, Long> releaseBefore = listing(release);
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> environment = Map.of("TRACEGATE_CONFIG", config.toString(),
                "TRACEGATE_STATE_DIR", state.toString(), "HOME", home.toString());
        try (Started gateway = Started.run(dir, environment, release.resolve("bin/container-entrypoint").toString())) {
            assertThat(gateway.jvmArguments()).as("config/jvm.container.options: the heap follows the memory limit")
                    .contains("-XX:MaxRAMPercentage=62.5", "-XX:+ExitOnOutOfMemoryError")
                    .noneMatch(argument -> argument.startsWith("-Xmx"));
            assertThat(get(gateway.apiPort(), "/readyz")).contains("\"ready\"");
        }
        assertThat(listing(release)).isEqualTo(releaseBefore);
        assertThat(listing(home)).isEmpty();
    }

    @Test
    void theEntrypointRunsOtherCommandsAsGiven() throws Exception {
        Completed help = Completed.run(dir, Map.of("TRACEGATE_STATE_DIR", state.toString()),
                release.resolve("bin/container-entrypoint").toString(), "--version");
        assertThat(help.exit()).isZero();
        assertThat(help.output()).contains("tracegate 0.1.0");
    }

    @Test
    void theEntrypointRefusesAStateDirectoryItCannotWriteAndAMissingConfiguration() throws Exception {
        Completed noVolume = Completed.run(dir, Map.of("TRACEGATE_STATE_DIR", dir.resolve("absent").toString(),
                "TRACEGATE_CONFIG", config.toString()), release.resolve("bin/container-entrypoint").toString());
        assertThat(noVolume.exit()).isEqualTo(78);
        assertThat(noVolume.output()).contains("state directory", "mount a writable volume");

        Completed noConfig = Completed.run(dir, Map.of("TRACEGATE_STATE_DIR", state.toString(),
                "TRACEGATE_CONFIG", dir.resolve("absent.yaml").toString()), release.resolve("bin/container-entrypoint").toString());
        assertThat(noConfig.exit()).isEqualTo(78);
        assertThat(noConfig.output()).contains("cannot read the configuration");
    }

    @Test
    void theLauncherWorksThroughASymlinkAndRefusesADirectoryWithoutTheRelease() throws Exception {
        Path links = Files.createDirectories(dir.resolve("usr-local-bin"));
        Files.createSymbolicLink(links.resolve("tracegate"), release.resolve("bin/tracegate"));
        Completed linked = Completed.run(dir, Map.of(), links.resolve("tracegate").toString(), "--version");
        assertThat(linked.exit()).isZero();
        assertThat(linked.output()).contains("tracegate 0.1.0");

        Path stray = Files.createDirectories(dir.resolve("stray/bin"));
        Files.copy(release.resolve("bin/tracegate"), stray.resolve("tracegate"), StandardCopyOption.COPY_ATTRIBUTES);
        Completed lost = Completed.run(dir, Map.of(), stray.resolve("tracegate").toString(), "--version");
        assertThat(lost.exit()).isEqualTo(1);
        assertThat(lost.output()).contains("neither a Tracegate checkout nor a release");
    }

    private static String get(int port, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            return response.body();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Every file under {@code root} with its size. */
    private static Map<Path, Long> listing(Path root) throws IOException {
        Map<Path, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> files.put(root.relativize(p), size(p)));
        }
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.isDirectory(file) ? -1 : Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProcessBuilder command(Path cwd, Map<String, String> environment, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().remove("TRACEGATE_JAVA_OPTS");
        builder.environment().remove("TRACEGATE_JVM_OPTIONS_FILE");
        builder.environment().putAll(environment);
        return builder;
    }

    /** A command run to its end. */
    private record Completed(int exit, String output) {
        static Completed run(Path cwd, Map<String, String> environment, String... command) throws Exception {
            Process process = command(cwd, environment, command).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Completed(process.exitValue(), output);
        }
    }

    /** A gateway started by a script, once it said {@code tracegate ready}. */
    private record Started(Process process, int apiPort) implements AutoCloseable {
        private static final Duration READY_WITHIN = Duration.ofMinutes(3);

        static Started run(Path cwd, Map<String, String> environment, String... command) throws Exception {
            Process process = command(cwd, environment, command).start();
            // A gateway that neither gets ready nor exits must not hang the build: end it after a while.
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(READY_WITHIN.toMillis());
                    process.destroyForcibly();
                } catch (InterruptedException ready) {
                    // it got ready, or ended, in time
                }
            });
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            List<String> seen = new ArrayList<>();
            int port = -1;
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.add(line);
                    Matcher api = API_LINE.matcher(line);
                    if (api.find()) {
                        port = Integer.parseInt(api.group(1));
                    }
                    if (line.equals("tracegate ready")) {
                        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                        return new Started(process, port);
                    }
                }
            } finally {
                watchdog.interrupt();
            }
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("exited (or was ended after " + READY_WITHIN + ") before it was ready:\n"
                    + String.join("\n", seen));
        }

        /** The JVM's arguments: the scripts exec java, so the process is the JVM itself. */
        List<String> jvmArguments() {
            return List.of(process.info().arguments().orElseThrow());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }
}
