package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracegate token --gateway} against a real gateway: renewing a gateway token with the
 * command never gets past the sign-in it came from, and the command says so instead of silently
 * printing a shorter token than asked.
 */
class GatewayTokenRenewalTest {

    private static final String KEY = "tg_cli_renewal_Key_7d21";
    /** A sign-in with the static key lasts five minutes, whatever is asked. */
    private static final int SESSION_SECONDS = 300;
    private static Gateway gateway;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        Path dataDir = Files.createTempDirectory("tracegate-cli-renewal");
        Path keyFile = Files.writeString(dataDir.resolve("key"), KEY, StandardCharsets.UTF_8);
        gateway = Gateway.start(new GatewayConfig(dataDir.resolve("gateway").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false), null),
                null, null, new EvidenceConfig("tracegate.test/cli-renewal", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("agent", SecretReference.of("file:" + keyFile), List.of(), "agent", null)),
                        null, new GatewayTokensConfig(null, null, 3600, null, SESSION_SECONDS)),
                List.of(), 0, null, null));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void renewingWithTheCommandNeverOutlivesTheSignIn() throws Exception {
        CommandRun first = run(KEY, "60");
        Instant ran = Instant.now();
        assertThat(first.exitStatus()).as(first.err()).isZero();
        String token = first.out().strip();
        Instant signInEnd = Instant.ofEpochSecond(UnverifiedJwt.claims(token).path("auth_exp").asLong());
        // The key was presented during the run: its sign-in ends SESSION_SECONDS later, long before the 60 minutes asked.
        assertThat(signInEnd).isBeforeOrEqualTo(ran.plusSeconds(SESSION_SECONDS));
        assertThat(UnverifiedJwt.claims(token).path("exp").asLong()).isLessThanOrEqualTo(signInEnd.getEpochSecond());
        assertThat(first.err()).contains("sooner than the 60 minutes asked").contains("sign in again");

        CommandRun renewed = run(token, "60");

        assertThat(renewed.exitStatus()).as(renewed.err()).isZero();
        String again = renewed.out().strip();
        assertThat(again).isNotEqualTo(token);
        assertThat(UnverifiedJwt.claims(again).path("exp").asLong()).isLessThanOrEqualTo(signInEnd.getEpochSecond());
        assertThat(UnverifiedJwt.claims(again).path("auth_exp").asLong()).isEqualTo(signInEnd.getEpochSecond());
        assertThat(renewed.err()).contains("which ends at " + signInEnd);
    }

    @Test
    void aTokenWithinItsSignInIsPrintedWithoutComment() throws Exception {
        CommandRun run = run(KEY, "2");

        assertThat(run.exitStatus()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
    }

    private CommandRun run(String bearer, String minutes) {
        TokenCommand command = new TokenCommand(new CredentialStore(home.resolve("credentials.json")),
                Map.of("TRACEGATE_SERVER", "http://127.0.0.1:" + gateway.apiPort(), "TRACEGATE_TOKEN", bearer), Clock.systemUTC());
        return CommandRun.finish(command, "--gateway", "--minutes", minutes);
    }
}
