package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The YAML of docs/masking.md binds to the configuration records and builds a working profile. */
class ConfigBindingTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The first yaml block under "## Configuration" in docs/masking.md, so the documentation cannot drift. */
    static String documentedExample() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "masking.md"));
        int section = doc.indexOf("\n## Configuration");
        assertThat(section).as("docs/masking.md has a Configuration section").isPositive();
        int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    @Test
    void documentedExampleBindsAndWorks() throws Exception {
        MaskingConfig config = YAML.readValue(documentedExample(), MaskingConfig.class);
        assertThat(config.strategies().get("card")).isEqualTo(StrategyConfig.partial(4));
        MaskingProfile profile = MaskingProfile.from(config, MaskStrategyTest.KEY);
        assertThat(profile.detectors()).containsExactly("SECRET", "CARD", "IBAN", "SSN", "EMAIL", "PHONE", "IP",
                "CUSTOM:employee_id");
        assertThat(profile.limits().invalidUtf8()).isEqualTo(FallbackAction.REFUSE);
        Masker masker = new Masker(profile);
        MaskingReport report = new MaskingReport();
        assertThat(masker.maskText(ColumnRef.of("public", "customers", "ssn", "text"), "536-22-1234", report).value())
                .isEqualTo("***-**-1234");
        assertThat(masker.maskText(ColumnRef.of("net", "hosts", "addr", "inet"), "10.0.0.1", report).value()).isNull();
        assertThat(masker.maskText(ColumnRef.of(null, "events", "payload", "text"),
                "{\"user\":{\"email\":\"a@b.example.com\"},\"acct\":{\"iban\":\"DE89370400440532013000\"}}", report).value())
                .matches("\\{\"user\":\\{\"email\":\"[0-9a-f]{12}@[0-9a-f]{8}\\.example\"},\"acct\":\\{\"iban\":\"\\*+3000\"}}");
        assertThat(masker.maskText(ColumnRef.expression("c"), "password=hunter22 EMP-123456", report).value())
                .isEqualTo("password=[CREDENTIAL] [EMPLOYEE_ID]");
    }

    @Test
    void demoConfigRoundTripsThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        MaskingConfig demo = MaskingConfig.demo();
        MaskingConfig back = json.readValue(json.writeValueAsString(demo), MaskingConfig.class);
        assertThat(back).isEqualTo(demo);
    }

    @Test
    void mistakesNameTheProblem() {
        assertThatThrownBy(() -> YAML.readValue("strategies: {email: scramble}", MaskingConfig.class))
                .hasMessageContaining("scramble");
        assertThatThrownBy(() -> YAML.readValue("columns: [{match: x}]", MaskingConfig.class))
                .hasMessageContaining("needs an entity");
        assertThatThrownBy(() -> YAML.readValue("detect: [emial]", MaskingConfig.class))
                .hasMessageContaining("emial");
    }
}
