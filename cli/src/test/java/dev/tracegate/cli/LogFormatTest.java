package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TRACEGATE_LOG_FORMAT=json}: {@code tracegate serve}'s diagnostics are one JSON object per
 * line, for log collectors; an unknown format is refused before anything runs.
 */
class LogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLogsAreOneObjectPerLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tracegate.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + dir.resolve("data"),
                "listeners:",
                "  api: {address: 127.0.0.1, port: 0}",
                ""), StandardCharsets.UTF_8);
        Process serve = serve(config, "json");
        List<String> diagnostics = new ArrayList<>();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(serve.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                diagnostics.add(line);
                if (line.contains("gateway started")) {
                    break;
                }
            }
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(diagnostics).as("the start is logged at INFO").anyMatch(line -> line.contains("gateway started"));
        for (String line : diagnostics) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.path("level").asText()).as(line).isNotEmpty();
            assertThat(event.has("message")).as(line).isTrue();
        }
    }

    @Test
    void anUnknownFormatIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Process serve = serve(dir.resolve("absent.yaml"), "xml");
        String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).isEqualTo(2);
        assertThat(err).contains("TRACEGATE_LOG_FORMAT must be text or json");
    }

    private static Process serve(Path config, String format) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // With the JVM options ./tracegate starts a gateway with: among them the one that lets BoringSSL's native
        // library load without the JVM writing a warning of its own to the log stream.
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(shippedJvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--config",
                config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("TRACEGATE_LOG_FORMAT", format);
        builder.environment().put("TRACEGATE_LOG_LEVEL", "INFO");
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    /** scripts/jvm.options, as the launcher reads it: one option per line, '#' starts a comment. */
    private static List<String> shippedJvmOptions() throws IOException {
        return Files.readAllLines(Path.of("..", "scripts", "jvm.options"), StandardCharsets.UTF_8).stream()
                .map(line -> line.replaceAll("#.*", "").strip())
                .filter(line -> !line.isEmpty())
                .toList();
    }
}
