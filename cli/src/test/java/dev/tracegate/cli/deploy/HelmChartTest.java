package dev.tracegate.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/helm/tracegate: values.schema.json (which Helm checks on install and upgrade) accepts the
 * chart's values, its examples and the values documented in docs/operations.md, and refuses
 * values that would deploy a broken or weakened gateway; every value a template reads is declared.
 * No Helm binary or cluster runs here, so the templates themselves are not rendered.
 */
class HelmChartTest {

    private static final String CHART = "deploy/helm/tracegate/";
    private static final Pattern VALUES_PATH = Pattern.compile("\\.Values((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)");
    /** A values block in the docs starts with this comment line. */
    private static final String DOCUMENTED_VALUES = "# values.yaml for deploy/helm/tracegate";

    private final Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(RepositoryFiles.text(CHART + "values.schema.json"), InputFormat.JSON);
    private final JsonNode defaults = RepositoryFiles.yaml(CHART + "values.yaml");

    @Test
    void theSchemaAcceptsTheChartsValuesItsExamplesAndTheDocumentedOnes() throws IOException {
        assertThat(messages(schema.validate(defaults))).as("values.yaml").isEmpty();
        for (Path example : DeploymentConfigurationTest.examples()) {
            JsonNode merged = HelmValues.merge(defaults, RepositoryFiles.parse(Files.readString(example)));
            assertThat(messages(schema.validate(merged))).as(example.toString()).isEmpty();
        }
        List<String> documented = documentedValues();
        assertThat(documented).as("values examples in docs/operations.md").isNotEmpty();
        for (String block : documented) {
            JsonNode merged = HelmValues.merge(defaults, RepositoryFiles.parse(block));
            assertThat(messages(schema.validate(merged))).as(block).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "a replica count in words; 'replicaCount: three'; replicaCount",
        "a misspelt key, silently ignored by the templates; 'replicas: 3'; replicas",
        "an embedded store, lost with the pod; '{config: {store: {type: h2, url: null}}}'; store",
        "no memory limit, so no bound on the heap; '{resources: {limits: {memory: null}}}'; memory",
        "a signing key in clear in values; '{config: {evidence: {signingKey: \"origin+8f2a+AAAAsecret\"}}}'; signingKey",
        "a writable root file system; '{securityContext: {readOnlyRootFilesystem: false}}'; readOnlyRootFilesystem",
        "running as root; '{podSecurityContext: {runAsNonRoot: false, runAsUser: 0}}'; runAs",
        "a secret variable with a lower-case name; '{secret: {env: {store_password: store-password}}}'; store_password",
        "no Secret for the keys; '{secret: {name: null}}'; name",
    })
    void theSchemaRefuses(String what, String overlay, String named) {
        List<String> problems = messages(schema.validate(HelmValues.merge(defaults, RepositoryFiles.parse(overlay))));
        assertThat(problems).as(what).isNotEmpty().anyMatch(problem -> problem.contains(named));
    }

    @Test
    void everyValueATemplateReadsIsDeclaredInValuesYaml() throws IOException {
        List<String> undeclared = new ArrayList<>();
        int read = 0;
        try (Stream<Path> templates = Files.list(RepositoryFiles.path(CHART + "templates"))) {
            for (Path template : templates.sorted().toList()) {
                Matcher reference = VALUES_PATH.matcher(Files.readString(template));
                while (reference.find()) {
                    read++;
                    JsonNode node = defaults;
                    for (String key : reference.group(1).substring(1).split("\\.")) {
                        node = node.path(key);
                    }
                    if (node.isMissingNode()) {
                        undeclared.add(template.getFileName() + ": .Values" + reference.group(1));
                    }
                }
            }
        }
        assertThat(read).isGreaterThan(20);
        assertThat(undeclared).isEmpty();
    }

    private static List<String> documentedValues() {
        List<String> blocks = new ArrayList<>();
        String[] fences = RepositoryFiles.text("docs/operations.md").split("```");
        for (int i = 1; i < fences.length; i += 2) {
            String block = fences[i].substring(fences[i].indexOf('\n') + 1);
            if (block.startsWith(DOCUMENTED_VALUES)) {
                blocks.add(block);
            }
        }
        return blocks;
    }

    private static List<String> messages(List<Error> errors) {
        return errors.stream().map(Error::toString).toList();
    }
}
