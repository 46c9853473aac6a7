package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.cli.demo.DemoEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An auditor's check that follows only the spec: the shell and Python steps of docs/evidence.md,
 * taken from the document itself (so document and behaviour cannot drift apart), run with
 * sha256sum, openssl and python3 against bundles exported from the demo. Nothing of Tracegate's
 * code takes part in the verification.
 */
class IndependentVerificationTest {

    private static final Path EVIDENCE_DOC = Path.of("..", "docs", "evidence.md");

    @Test
    void bundlesPassTheDocumentedProcedureAndAChangedByteFailsIt(@TempDir Path dir) throws Exception {
        String doc = Files.readString(EVIDENCE_DOC, StandardCharsets.UTF_8);
        String signatureSteps = block(doc, "### 2. The checkpoint is signed", "```sh");
        String eventScript = block(doc, "### 3. Every event is in the checkpoint's tree", "```python");
        try (DemoEnvironment demo = DemoEnvironment.start(dir.resolve("demo"), 17600,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            Properties props = new Properties();
            props.setProperty("user", "analyst");
            props.setProperty("password", demo.token("analyst"));
            props.setProperty("sslmode", "require");
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:17601/shop", props);
                 Statement sql = c.createStatement()) {
                sql.executeQuery("SELECT count(*), count(DISTINCT email) FROM customers").close();
            }
            String api = "http://127.0.0.1:17600";
            Path full = dir.resolve("full");
            Path partial = dir.resolve("partial");
            assertThat(Main.run("evidence", "export", "--out", full.toString(), "--server", api, "--token", demo.token("admin"))).isZero();
            assertThat(Main.run("evidence", "export", "--out", partial.toString(), "--user", "apikey:analyst",
                    "--server", api, "--token", demo.token("admin"))).isZero();
            String key = Files.readString(dir.resolve("demo/gateway/keys/log.pub"), StandardCharsets.UTF_8).strip();
            String signature = signatureSteps.replaceFirst("(?m)^KEY=.*$", "KEY='" + key + "'");
            for (Path bundle : List.of(full, partial)) {
                assertThat(run(bundle, "sha256sum", "--strict", "-c", "MANIFEST.sha256").exitCode).isZero();
                Result signed = run(bundle, "bash", "-euo", "pipefail", "-c", signature);
                assertThat(signed.exitCode).as(signed.output).isZero();
                assertThat(signed.output).contains("Signature Verified Successfully");
                Result events = run(bundle, "python3", "-c", eventScript);
                assertThat(events.exitCode).as(events.output).isZero();
                assertThat(events.output).contains("events verified against tree size");
            }
            assertThat(Files.exists(partial.resolve("proofs.jsonl"))).isTrue();

            Path events = partial.resolve("events.jsonl");
            byte[] bytes = Files.readAllBytes(events);
            bytes[bytes.length / 3] ^= 0x01;
            Files.write(events, bytes);
            assertThat(run(partial, "python3", "-c", eventScript).exitCode).isNotZero();
            assertThat(run(partial, "sha256sum", "--strict", "-c", "MANIFEST.sha256").exitCode).isNotZero();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** The first fenced block of the given kind after a heading. */
    private static String block(String doc, String heading, String fence) {
        int start = doc.indexOf(heading);
        assertThat(start).as("docs/evidence.md has " + heading).isNotNegative();
        Matcher block = Pattern.compile(Pattern.quote(fence) + "\\n(.*?)\\n```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find(start)).as(fence + " block after " + heading).isTrue();
        return block.group(1);
    }
}
