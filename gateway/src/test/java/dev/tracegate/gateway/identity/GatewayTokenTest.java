package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.AllocatedBytes;
import dev.tracegate.gateway.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** A fresh sign-in at the provider, ending in two hours. */
    private SignIn signIn(Identity identity, TokenActor actor) {
        return new SignIn(identity, clock.instant(), clock.instant().plus(Duration.ofHours(2)), actor, null,
                new CredentialRef(CredentialRef.OIDC_TOKEN, null));
    }

    @Test
    void anIssuedTokenVerifiesAsTheSameIdentity() throws Exception {
        IssuedGatewayToken token = issuer.issue(signIn(AGENT, new TokenActor("https://ci.example", "job-42")), Duration.ofMinutes(10));

        VerifiedGatewayToken verified = verifier.verifyToken(token.token());

        assertThat(verified.identity()).isEqualTo(AGENT);
        assertThat(verified.actor()).isEqualTo(new TokenActor("https://ci.example", "job-42"));
        assertThat(verified.tokenId()).isEqualTo(token.tokenId());
        assertThat(token.toString()).doesNotContain(token.token());
    }

    @Test
    void theLifetimeNeverExceedsTheConfiguredMaximum() throws Exception {
        IssuedGatewayToken token = issuer.issue(signIn(AGENT, null), Duration.ofDays(30));

        assertThat(Duration.between(token.issuedAt(), token.expiresAt())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        IssuedGatewayToken token = issuer.issue(signIn(AGENT, null), Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));

        assertThatThrownBy(() -> verifier.verify(token.token())).hasMessage("token expired");
    }

    @Test
    void aTokenVerifiedBeforeIsStillRefusedOnceItExpiresAndItsTamperedCopiesAreNotTakenForIt() throws Exception {
        IssuedGatewayToken token = issuer.issue(signIn(AGENT, null), Duration.ofMinutes(5));
        assertThat(verifier.verify(token.token())).isEqualTo(AGENT);
        assertThat(verifier.verify(token.token())).as("the second use, its signature remembered").isEqualTo(AGENT);
        String[] parts = token.token().split("\\.");
        String payload = new Base64URL(parts[1]).decodeToString().replace("deployers", "admins");

        assertThatThrownBy(() -> verifier.verify(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2]))
                .hasMessage("bad signature");

        clock.advance(Duration.ofMinutes(6));

        assertThatThrownBy(() -> verifier.verify(token.token())).hasMessage("token expired");
    }

    @Test
    void aTokenPresentedAgainIsNeitherParsedNorVerifiedAgain() throws Exception {
        String token = issuer.issue(signIn(AGENT, null), Duration.ofMinutes(10)).token();
        for (int i = 0; i < 50; i++) {
            verifier.verifyToken(token);
        }

        long allocated = AllocatedBytes.by(() -> verifier.verifyToken(token));

        assertThat(verifier.verifyToken(token).identity()).isEqualTo(AGENT);
        // Parsing the JWT's header and claims again costs about 30 KiB (twice: its shape, then nimbus's parse).
        assertThat(allocated).as("bytes allocated by the verification of a token verified before").isLessThan(8 * 1024);
    }

    @Test
    void aTokenSignedByAnotherGatewayKeyIsRefused() throws Exception {
        GatewayTokenIssuer impostor = new GatewayTokenIssuer(CONFIG, GatewayTokenSigningKey.generate(), clock);

        assertThatThrownBy(() -> verifier.verify(impostor.issue(signIn(AGENT, null), Duration.ofMinutes(5)).token()))
                .hasMessage("signing key not found (unknown kid)");
    }

    @Test
    void aTamperedTokenIsRefused() throws Exception {
        String[] parts = issuer.issue(signIn(AGENT, null), Duration.ofMinutes(5)).token().split("\\.");
        String payload = new Base64URL(parts[1]).decodeToString().replace("deployers", "admins");

        assertThatThrownBy(() -> verifier.verify(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2]))
                .hasMessage("bad signature");
    }

    @Test
    void tokensOfOtherIssuersAreLeftToTheNextVerifier() throws Exception {
        GatewayTokenIssuer other = new GatewayTokenIssuer(new GatewayTokensConfig("https://other.example", null, 0, null), key, clock);

        assertThatThrownBy(() -> verifier.verify(other.issue(signIn(AGENT, null), Duration.ofMinutes(5)).token()))
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
        String token = new GatewayTokenIssuer(CONFIG, first).issue(signIn(AGENT, null), Duration.ofMinutes(1)).token();
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
        String token = new GatewayTokenIssuer(config, loaded).issue(signIn(AGENT, null), Duration.ofMinutes(1)).token();

        assertThat(new GatewayTokenVerifier(config, GatewayTokenSigningKey.fromPem(Files.readString(pem, StandardCharsets.US_ASCII)))
                .verify(token)).isEqualTo(AGENT);
    }

    @Test
    void aTokenNeverOutlivesItsSignInHoweverOftenItIsRenewed() throws Exception {
        SignIn shortSignIn = new SignIn(AGENT, clock.instant(), clock.instant().plus(Duration.ofMinutes(10)),
                new TokenActor("https://ci.example", "job-42"), null, new CredentialRef(CredentialRef.OIDC_TOKEN, null));
        IssuedGatewayToken first = issuer.issue(shortSignIn, Duration.ofMinutes(30));
        assertThat(first.expiresAt()).isEqualTo(shortSignIn.notAfter().truncatedTo(ChronoUnit.SECONDS));

        clock.advance(Duration.ofMinutes(5));
        VerifiedGatewayToken presented = verifier.verifyToken(first.token());
        IssuedGatewayToken renewed = issuer.issue(presented.signIn(), Duration.ofMinutes(30));

        assertThat(renewed.expiresAt()).isEqualTo(first.expiresAt());
        VerifiedGatewayToken again = verifier.verifyToken(renewed.token());
        assertThat(again.signIn().authenticatedAt()).isEqualTo(shortSignIn.authenticatedAt().truncatedTo(ChronoUnit.SECONDS));
        assertThat(again.actor()).as("the actor chain survives renewal").isEqualTo(new TokenActor("https://ci.example", "job-42"));
        assertThat(again.signIn().renewal()).isTrue();

        clock.advance(Duration.ofMinutes(6));
        assertThatThrownBy(() -> verifier.verify(renewed.token())).hasMessage("token expired");
        assertThatThrownBy(() -> issuer.issue(again.signIn(), Duration.ofMinutes(30)))
                .hasMessageContaining("sign-in this credential stands for has ended");
    }

    @Test
    void aDelegationChainSurvivesTheTokenWhole() throws Exception {
        TokenActor chain = new TokenActor("https://ci.example", "job-42")
                .actingAfter("https://agents.example", "planner").actingAfter("https://agents.example", "executor");

        VerifiedGatewayToken verified = verifier.verifyToken(issuer.issue(signIn(AGENT, chain), Duration.ofMinutes(5)).token());

        assertThat(verified.actor()).isEqualTo(chain);
        assertThat(verified.actor().subject()).as("the outermost actor acts now").isEqualTo("executor");
        assertThat(verified.actor().prior().prior().subject()).isEqualTo("job-42");
    }

    @Test
    void aTokenWithoutItsSignInIsRefused() throws Exception {
        JWTClaimsSet.Builder claims = validClaims();
        claims.claim(GatewayTokenIssuer.AUTH_TIME, null);

        assertThatThrownBy(() -> verifier.verify(sign(claims))).hasMessageContaining("token carries no auth_time");
    }

    @Test
    void aTokenSignedWithThisKeyForAnotherAudienceIsRefused() throws Exception {
        JWTClaimsSet.Builder claims = validClaims().audience("https://another-gateway.example");

        assertThatThrownBy(() -> verifier.verify(sign(claims))).hasMessage("audience not accepted");
    }

    @Test
    void aTokenThatOutlivesItsSignInIsRefused() throws Exception {
        JWTClaimsSet.Builder claims = validClaims();
        claims.claim(GatewayTokenIssuer.AUTH_EXP, clock.instant().plusSeconds(60).getEpochSecond());

        assertThatThrownBy(() -> verifier.verify(sign(claims))).hasMessage("token outlives the sign-in it derives from");
    }

    @Test
    void aSignInTimeBeyondAnyDateIsRefusedNotACrash() throws Exception {
        for (String claim : List.of(GatewayTokenIssuer.AUTH_TIME, GatewayTokenIssuer.AUTH_EXP)) {
            for (Object seconds : List.of(Long.MAX_VALUE, 1e300, Long.MIN_VALUE)) {
                JWTClaimsSet.Builder claims = validClaims().claim(claim, seconds);

                assertThatThrownBy(() -> verifier.verify(sign(claims))).isInstanceOf(AuthenticationException.class)
                        .hasMessage(claim + " is not a date");
            }
        }
    }

    @Test
    void aTokenDerivedFromARevokedKeyIsRefusedAtOnce() throws Exception {
        Set<String> revoked = new HashSet<>();
        GatewayTokenVerifier checking = new GatewayTokenVerifier(CONFIG, key, ref -> {
            if (revoked.contains(ref.id())) {
                throw new AuthenticationException("service account key revoked");
            }
        }, clock);
        CredentialRef saKey = new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "0123abcd");
        SignIn withKey = new SignIn(AGENT, clock.instant(), clock.instant().plus(Duration.ofHours(2)), null, saKey, saKey);
        String token = issuer.issue(withKey, Duration.ofMinutes(30)).token();
        assertThat(checking.verifyToken(token).signIn().key()).isEqualTo(saKey);

        revoked.add("0123abcd");

        assertThatThrownBy(() -> checking.verify(token)).hasMessage("service account key revoked");
        assertThatThrownBy(() -> verifier.verify(token)).as("a verifier that cannot check keys refuses them")
                .hasMessageContaining("cannot be checked here");
    }

    @Test
    void aLoweredSessionMaximumAppliesToKeySignInsAlreadyIssued() throws Exception {
        CredentialRef apiKey = new CredentialRef(CredentialRef.API_KEY, "ops");
        SignIn withKey = new SignIn(AGENT, clock.instant(), clock.instant().plus(Duration.ofHours(12)), null, apiKey, apiKey);
        String token = issuer.issue(withKey, Duration.ofMinutes(30)).token();
        GatewayTokensConfig lowered = new GatewayTokensConfig(CONFIG.issuer(), null, 3600, null, 4 * 3600);

        assertThatThrownBy(() -> new GatewayTokenVerifier(lowered, key, ref -> { }, clock).verify(token))
                .hasMessageContaining("exceeds the configured session maximum");
    }

    @Test
    void aMalformedOrEndlessActorChainIsRefused() {
        assertThatThrownBy(() -> TokenActor.fromClaim(Map.of("iss", "x"), "y")).hasMessage("malformed act claim");
        Object deep = Map.of("sub", "a");
        for (int i = 0; i < 10; i++) {
            deep = Map.of("sub", "a" + i, "act", deep);
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> TokenActor.fromClaim(tooDeep, "y")).hasMessageContaining("nests more than");
    }

    /** The claims of a valid token for AGENT, to break one at a time; signed with the gateway's real key. */
    private JWTClaimsSet.Builder validClaims() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new JWTClaimsSet.Builder().issuer(CONFIG.issuer()).audience(CONFIG.issuer()).subject(AGENT.subject())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID("t1").claim("idp", AGENT.issuer()).claim("kind", AGENT.kind())
                .claim(GatewayTokenIssuer.AUTH_TIME, now.getEpochSecond())
                .claim(GatewayTokenIssuer.AUTH_EXP, now.plusSeconds(3600).getEpochSecond());
    }

    private String sign(JWTClaimsSet.Builder claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(GatewayTokenIssuer.TYPE)
                .keyID(key.keyId()).build(), claims.build());
        jwt.sign(key.signer());
        return jwt.serialize();
    }

    @Test
    void thePublishedKeySetHoldsThePublicKeyOnly() throws Exception {
        List<?> keys = (List<?>) key.publicJwks().get("keys");

        assertThat(keys).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = (Map<String, Object>) keys.getFirst();
        assertThat(jwk).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519").containsEntry("kid", key.keyId())
                .containsKey("x").doesNotContainKey("d");
    }
}
