package dev.tracegate.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/tracegate.service, checked by systemd's own {@code systemd-analyze} where it is
 * installed: {@code verify} finds nothing to say, and {@code security} rates its sandbox "OK" or
 * better. Its ExecStart names the release the build laid out (instead of /opt/tracegate), since
 * {@code verify} requires the command to exist. No service manager runs the unit here.
 */
class SystemdUnitReleaseIT {

    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for tracegate\\.service: ([0-9.]+)");

    @TempDir
    Path dir;
    private String unit;

    @BeforeEach
    void unitForTheBuiltRelease() {
        assumeTrue(System.getProperty("tracegate.release") != null, "runs after package");
        assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), "systemd-analyze is not installed");
        unit = RepositoryFiles.text("deploy/systemd/tracegate.service")
                .replace("/opt/tracegate/", Path.of(System.getProperty("tracegate.release")).toAbsolutePath() + "/");
    }

    @Test
    void systemdAnalyzeVerifyFindsNothingToSay() throws Exception {
        Result verify = analyze(write(unit), "verify");
        assertThat(verify.exit()).isZero();
        assertThat(verify.output()).isBlank();
    }

    @Test
    void theSandboxIsRatedOk() throws Exception {
        Result security = analyze(write(unit), "security", "--offline=true");
        Matcher exposure = EXPOSURE.matcher(security.output());
        assertThat(exposure.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(exposure.group(1))).as("exposure, 0 (best) to 10").isLessThanOrEqualTo(2.0);
    }

    @Test
    void verifyWouldReportAMistypedDirective() throws Exception {
        Result verify = analyze(write(unit.replace("ProtectSystem=strict", "ProtectSystem=stirct")), "verify");
        assertThat(verify.output()).contains("Failed to parse", "stirct");
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("tracegate.service");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static Result analyze(Path unitFile, String... verb) throws Exception {
        List<String> command = new ArrayList<>(List.of(SYSTEMD_ANALYZE.toString()));
        command.addAll(List.of(verb));
        command.add(unitFile.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exit, String output) {
    }
}
