package dev.tracegate.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configurations the container image, Compose and the Helm chart give the gateway: each is
 * read by the gateway's own loader (which refuses unknown keys), every key they set is in
 * docs/configuration.md, and every secret they reference as {@code env:NAME} is set by what
 * starts the gateway, so none of them fails at start on a typo or a missing variable.
 */
class DeploymentConfigurationTest {

    private static final Set<String> DOCUMENTED = ConfigurationKeys.documented(RepositoryFiles.text("docs/configuration.md"));

    @TempDir
    Path dir;

    @Test
    void theImagesDefaultConfigurationLoadsAndIsDocumented() throws IOException {
        JsonNode config = RepositoryFiles.yaml("deploy/container/tracegate.yaml");
        GatewayConfig loaded = load(config);
        assertThat(loaded.dataDir()).as("state under the image's volume").isEqualTo("/var/lib/tracegate");
        assertDocumented(config);
        assertThat(ConfigurationKeys.environmentReferences(config)).isEmpty();
    }

    @Test
    void theComposeGatewaysConfigurationLoadsIsDocumentedAndGetsEverySecret() throws IOException {
        JsonNode gateway = RepositoryFiles.yaml("deploy/compose/docker-compose.yaml").path("services").path("gateway");
        String mounted = null;
        for (JsonNode volume : gateway.path("volumes")) {
            if (volume.asText().endsWith(":/etc/tracegate/tracegate.yaml:ro")) {
                mounted = volume.asText().substring(0, volume.asText().indexOf(':'));
            }
        }
        assertThat(mounted).as("compose mounts a configuration over the image's").isNotNull();
        JsonNode config = RepositoryFiles.yaml(RepositoryFiles.ROOT.relativize(
                RepositoryFiles.path("deploy/compose").resolve(mounted).normalize()).toString());
        GatewayConfig loaded = load(config);
        assertThat(loaded.store().type()).isEqualTo("postgresql");
        assertDocumented(config);
        Set<String> provided = new TreeSet<>();
        gateway.path("environment").fieldNames().forEachRemaining(provided::add);
        assertThat(provided).as("the gateway's environment in docker-compose.yaml")
                .containsAll(ConfigurationKeys.environmentReferences(config));
    }

    @Test
    void theChartsConfigurationLoadsIsDocumentedAndGetsEverySecretWithEachExample() throws IOException {
        JsonNode defaults = RepositoryFiles.yaml("deploy/helm/tracegate/values.yaml");
        List<JsonNode> values = new ArrayList<>(List.of(defaults));
        for (Path example : examples()) {
            values.add(HelmValues.merge(defaults, RepositoryFiles.parse(Files.readString(example))));
        }
        for (JsonNode value : values) {
            JsonNode config = value.path("config");
            GatewayConfig loaded = load(config);
            assertThat(loaded.store().type()).isEqualTo("postgresql");
            assertDocumented(config);
            Set<String> provided = new TreeSet<>(Set.of("TRACEGATE_LOG_FORMAT")); // set by templates/deployment.yaml
            value.path("secret").path("env").fieldNames().forEachRemaining(provided::add);
            assertThat(provided).as("secret.env and the Deployment's own variables")
                    .containsAll(ConfigurationKeys.environmentReferences(config));
        }
        assertThat(values).as("values.yaml and at least one example").hasSizeGreaterThan(1);
    }

    @Test
    void theCheckRefusesAnUnknownKeyAndAnUndocumentedOne() throws IOException {
        JsonNode typo = RepositoryFiles.parse("listeners:\n  api: {address: 127.0.0.1, prot: 8080}\n");
        assertThatThrownBy(() -> load(typo)).isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'prot'");
        assertThat(ConfigurationKeys.isDocumented("listeners.api.port", DOCUMENTED)).isTrue();
        assertThat(ConfigurationKeys.isDocumented("connections[].port", DOCUMENTED)).as("`host` / `port` rows").isTrue();
        assertThat(ConfigurationKeys.isDocumented("listeners.api.backlog", DOCUMENTED)).isFalse();
    }

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(RepositoryFiles.path("deploy/helm/tracegate/examples"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private GatewayConfig load(JsonNode config) throws IOException {
        Path file = Files.createTempFile(dir, "tracegate", ".yaml");
        RepositoryFiles.YAML.writeValue(file.toFile(), config);
        return ConfigLoader.load(file);
    }

    private static void assertDocumented(JsonNode config) {
        assertThat(ConfigurationKeys.set(config).stream().filter(key -> !ConfigurationKeys.isDocumented(key, DOCUMENTED)))
                .as("keys missing from docs/configuration.md").isEmpty();
    }
}
