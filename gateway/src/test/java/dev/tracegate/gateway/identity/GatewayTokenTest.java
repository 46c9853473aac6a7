package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.Base64URL;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTokenTest {

    private static final GatewayTokensConfig CONFIG = new GatewayTokensConfig("https://tracegate.example.com", null, 3600, null);
    private static final Identity AGENT = new Identity("https://idp.example.com", "agent-7", "release bot", null,
            List.of("deployers"), "agent");

    private final MutableClock clock = new MutableClock(Instant.now());
    private final GatewayTokenSigningKey key = GatewayTokenSigningKey.generate();
    private final GatewayTokenIssuer issuer = new GatewayTokenIssuer(CONFIG, key, clock);
    private final GatewayTokenVerifier verifier = new GatewayTokenVerifier(CONFIG, key, clock);

    @Test
    void anIssuedTokenVerifiesAsTheSameIdentity() throws Exception {
        IssuedGatewayToken token = issuer.issue(AGENT, Duration.ofMinutes(10), new TokenActor("https://ci.example", "job-42"));

        VerifiedGatewayToken verified = verifier.verifyToken(token.token());

        assertThat(verified.identity()).isEqualTo(AGENT);
        assertThat(verified.actor()).isEqualTo(new TokenActor("https://ci.example", "job-42"));
        assertThat(verified.tokenId()).isEqualTo(token.tokenId());
        assertThat(token.toString()).doesNotContain(token.token());
    }

    @Test
    void theLifetimeNeverExceedsTheConfiguredMaximum() {
        IssuedGatewayToken token = issuer.issue(AGENT, Duration.ofDays(30));

        assertThat(Duration.between(token.issuedAt(), token.expiresAt())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anExpiredTokenIsRefused() {
        IssuedGatewayToken token = issuer.issue(AGENT, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));

        assertThatThrownBy(() -> verifier.verify(token.token())).hasMessage("token expired");
    }

    @Test
    void aTokenSignedByAnotherGatewayKeyIsRefused() {
        GatewayTokenIssuer impostor = new GatewayTokenIssuer(CONFIG, GatewayTokenSigningKey.generate(), clock);

        assertThatThrownBy(() -> verifier.verify(impostor.issue(AGENT, Duration.ofMinutes(5)).token()))
                .hasMessage("signing key not found (unknown kid)");
    }

    @Test
    void aTamperedTokenIsRefused() {
        String[] parts = issuer.issue(AGENT, Duration.ofMinutes(5)).token().split("\\.");
        String payload = new Base64URL(parts[1]).decodeToString().replace("deployers", "admins");

        assertThatThrownBy(() -> verifier.verify(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2]))
                .hasMessage("bad signature");
    }

    @Test
    void tokensOfOtherIssuersAreLeftToTheNextVerifier() {
        GatewayTokenIssuer other = new GatewayTokenIssuer(new GatewayTokensConfig("https://other.example", null, 0, null), key, clock);

        assertThatThrownBy(() -> verifier.verify(other.issue(AGENT, Duration.ofMinutes(5)).token()))
                .isInstanceOf(UnrecognizedCredentialException.class);
        assertThatThrownBy(() -> verifier.verify("tg_alice_Token_3b1e8d")).isInstanceOf(UnrecognizedCredentialException.class);
    }

    @Test
    void aGeneratedKeyIsKeptInTheDataDirectoryAcrossRestarts(@TempDir Path dataDir) throws Exception {
        GatewayTokenSigningKey first = GatewayTokenSigningKey.load(CONFIG, dataDir);
        GatewayTokenSigningKey again = GatewayTokenSigningKey.load(CONFIG, dataDir);

        assertThat(again.keyId()).isEqualTo(first.keyId());
        Path file = dataDir.resolve("keys").resolve(GatewayTokenSigningKey.GENERATED_FILE);
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
        String token = new GatewayTokenIssuer(CONFIG, first).issue(AGENT, Duration.ofMinutes(1)).token();
        assertThat(new GatewayTokenVerifier(CONFIG, again).verify(token)).isEqualTo(AGENT);
    }

    @Test
    void aKeyGeneratedByOpensslIsAccepted(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("token-key.pem");
        Process openssl = new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.toString())
                .redirectErrorStream(true).start();
        assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
        GatewayTokensConfig config = new GatewayTokensConfig("https://tracegate.example.com",
                SecretReference.of("file:" + pem), 0, null);

        GatewayTokenSigningKey loaded = GatewayTokenSigningKey.load(config, dir);
        String token = new GatewayTokenIssuer(config, loaded).issue(AGENT, Duration.ofMinutes(1)).token();

        assertThat(new GatewayTokenVerifier(config, GatewayTokenSigningKey.fromPem(Files.readString(pem, StandardCharsets.US_ASCII)))
                .verify(token)).isEqualTo(AGENT);
    }

    @Test
    void thePublishedKeySetHoldsThePublicKeyOnly() {
        List<?> keys = (List<?>) key.publicJwks().get("keys");

        assertThat(keys).hasSize(1);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> jwk = (java.util.Map<String, Object>) keys.getFirst();
        assertThat(jwk).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519").containsEntry("kid", key.keyId())
                .containsKey("x").doesNotContainKey("d");
    }
}
