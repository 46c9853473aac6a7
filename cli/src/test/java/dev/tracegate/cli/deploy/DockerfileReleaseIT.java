package dev.tracegate.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, read as text since no container engine runs here: it builds on a Temurin 25 JDK
 * and runs on a Temurin 25 JRE as a non-root user, everything it copies from the build context
 * exists, and the paths it names in the image (entrypoint, JVM options, state volume) are those of
 * the release the build laid out and of the image's configuration.
 */
class DockerfileReleaseIT {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM (\\S+)");
    private static final Pattern COPY_FROM_CONTEXT = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ");
    private static final Pattern IN_RELEASE = Pattern.compile("/opt/tracegate/((?:bin|config|lib)/[\\w.-]+)");

    private String dockerfile;
    private Path release;

    @BeforeEach
    void read() {
        assumeTrue(System.getProperty("tracegate.release") != null, "runs after package");
        release = Path.of(System.getProperty("tracegate.release"));
        dockerfile = RepositoryFiles.text("Dockerfile");
    }

    @Test
    void buildsOnTheJdkAndRunsOnTheJreAsANonRootUser() {
        List<String> stages = new ArrayList<>();
        Matcher from = FROM.matcher(dockerfile);
        while (from.find()) {
            stages.add(from.group(1));
        }
        assertThat(stages).as("multi-stage").containsExactly("eclipse-temurin:25-jdk", "eclipse-temurin:25-jre");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).doesNotStartWith("0").doesNotStartWith("root");
    }

    @Test
    void everyPathItCopiesOrRunsExists() throws Exception {
        Matcher copy = COPY_FROM_CONTEXT.matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            assertThat(RepositoryFiles.ROOT.resolve(copy.group(1))).as("COPY " + copy.group(1)).exists();
        }
        assertThat(copies).isGreaterThan(1);
        Matcher inRelease = IN_RELEASE.matcher(dockerfile);
        int named = 0;
        while (inRelease.find()) {
            named++;
            assertThat(release.resolve(inRelease.group(1))).as("/opt/tracegate/" + inRelease.group(1)).exists();
        }
        assertThat(named).as("entrypoint and JVM options").isGreaterThanOrEqualTo(2);
        assertThat(Files.isExecutable(release.resolve("bin/container-entrypoint"))).isTrue();
    }

    @Test
    void theVolumeIsTheConfiguredDataDirectory() {
        String dataDir = RepositoryFiles.yaml("deploy/container/tracegate.yaml").path("dataDir").asText();
        assertThat(dockerfile).contains("VOLUME [\"" + dataDir + "\"]", "TRACEGATE_STATE_DIR=" + dataDir);
        assertThat(RepositoryFiles.yaml("deploy/helm/tracegate/values.yaml").path("config").path("dataDir").asText())
                .isEqualTo(dataDir);
    }
}
