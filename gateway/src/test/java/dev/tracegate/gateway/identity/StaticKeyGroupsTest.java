package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static key's groups change in the configuration (an approver leaves the DBAs) and the gateway
 * restarts with the same value: what was derived from the key under its old groups (a gateway token
 * that carries them, an approver's vote or grant) must end, as it does when the value is replaced.
 */
class StaticKeyGroupsTest {

    private static final StaticKeyVersions VERSIONS = new StaticKeyVersions("shared by every node".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    @Test
    void aSignInWithAKeyEndsWhenTheKeyLosesAGroupAndStandsWhileNothingChanges() throws Exception {
        SignIn asDba = verifier(List.of("dba", "analysts"), "human", "dora@example.com").signIn("tg_dora_7f3a");

        assertThatNoException().as("restarted with the same configuration")
                .isThrownBy(() -> verifier(List.of("analysts", "dba"), "human", "dora@example.com").requireConfigured(asDba.key().id()));
        assertThatThrownBy(() -> verifier(List.of("analysts"), "human", "dora@example.com").requireConfigured(asDba.key().id()))
                .as("no longer a DBA").isInstanceOf(AuthenticationException.class).hasMessageContaining("groups");
        assertThatThrownBy(() -> verifier(List.of("dba", "analysts"), "service", "dora@example.com").requireConfigured(asDba.key().id()))
                .as("another kind").isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> verifier(List.of("dba", "analysts"), "human", "dana@example.com").requireConfigured(asDba.key().id()))
                .as("another email: self-approval is judged by it").isInstanceOf(AuthenticationException.class);
        assertThat(asDba.key().id()).startsWith("dora.");
    }

    private ApiKeyVerifier verifier(List<String> groups, String kind, String email) throws Exception {
        Path secret = dir.resolve("dora");
        Files.writeString(secret, "tg_dora_7f3a");
        return new ApiKeyVerifier(List.of(new ApiKeyConfig("dora", SecretReference.of("file:" + secret), groups, kind, email)),
                Duration.ofHours(12), Clock.systemUTC(), VERSIONS);
    }
}
