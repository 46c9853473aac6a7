package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approvals.maxGrantHours as an operator writes it in the configuration file. */
class GrantLimitConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void grantsLastAWorkingDayAtMostUnlessConfiguredAndNeverMoreThanAWeek() throws Exception {
        assertThat(load("approvals:\n  consoleUrl: https://tracegate.example.com/console\n").approvals().maxGrant())
                .isEqualTo(Duration.ofHours(8));
        assertThat(load("approvals:\n  maxGrantHours: 2\n").approvals().maxGrant()).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> load("approvals:\n  maxGrantHours: 720\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("approvals.maxGrantHours is at most 168");
    }

    private GatewayConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tracegate.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }
}
