package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.config.KindRuleConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OidcVerifierTest {

    private static final String AUDIENCE = "tracegate";
    private static MockIdentityProvider idp;
    private static OidcVerifier verifier;

    @BeforeAll
    static void start() {
        idp = new MockIdentityProvider();
        verifier = new OidcVerifier(List.of(
                OidcIssuerConfig.of(idp.issuer("okta"), AUDIENCE),
                new OidcIssuerConfig(idp.issuer("keycloak"), List.of(AUDIENCE), null, "realm_access.roles", null,
                        List.of(new KindRuleConfig("service", Map.of("preferred_username", "service-account-*"))),
                        null, 0, null, false, 0, List.of("preferred_username")),
                new OidcIssuerConfig(idp.issuer("auth0"), List.of(AUDIENCE), List.of("cli-client"),
                        "https://example.com/groups", null, null, null, 0, null, false, 0, null),
                new OidcIssuerConfig(idp.issuer("google"), List.of(AUDIENCE), null, null, Map.of("hd", "example.com"),
                        null, null, 0, null, false, 0, null),
                new OidcIssuerConfig(idp.issuer("ci"), List.of(AUDIENCE), null, null, null, null, "service", 0, null, true, 0, null)));
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void aValidTokenBecomesAnIdentityOfIssuerAndSubject() throws Exception {
        String token = idp.token("okta", "00u1alice", AUDIENCE, Map.of("email", "alice@example.com", "name", "Alice Liddell",
                "groups", List.of("analysts", "admins")));

        Identity identity = verifier.verify(token);

        assertThat(identity.issuer()).isEqualTo(idp.issuer("okta"));
        assertThat(identity.subject()).isEqualTo("00u1alice");
        assertThat(identity.name()).isEqualTo("Alice Liddell");
        assertThat(identity.email()).isEqualTo("alice@example.com");
        assertThat(identity.groups()).containsExactly("admins", "analysts");
        assertThat(identity.kind()).isEqualTo("human");
    }

    @Test
    void groupsComeFromANestedPathForKeycloak() throws Exception {
        String token = idp.token("keycloak", "f81d4fae", AUDIENCE, Map.of("preferred_username", "bob",
                "realm_access", Map.of("roles", List.of("dba", "offline_access")), "groups", List.of("ignored")));

        Identity identity = verifier.verify(token);

        assertThat(identity.groups()).containsExactly("dba", "offline_access");
        assertThat(identity.name()).isEqualTo("bob");
    }

    @Test
    void groupsComeFromANamespacedClaimWhoseNameHasDots() throws Exception {
        String token = idp.tokenForClient("auth0", "cli-client", "auth0|123", AUDIENCE,
                Map.of("https://example.com/groups", List.of("support")));

        assertThat(verifier.verify(token).groups()).containsExactly("support");
    }

    @Test
    void kindRulesMarkServiceAccounts() throws Exception {
        String token = idp.token("keycloak", "svc-1", AUDIENCE, Map.of("preferred_username", "service-account-etl"));

        assertThat(verifier.verify(token).kind()).isEqualTo("service");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = idp.tokenIssuedAt(Instant.now().minus(Duration.ofHours(2)), "okta", "alice", AUDIENCE, Duration.ofHours(1));

        assertRefused(token, "token expired");
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsAccepted() throws Exception {
        String token = idp.tokenIssuedAt(Instant.now().minusSeconds(3630), "okta", "alice", AUDIENCE, Duration.ofHours(1));

        assertThat(verifier.verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        String token = idp.tokenIssuedAt(Instant.now().plus(Duration.ofMinutes(10)), "okta", "alice", AUDIENCE, Duration.ofHours(1));

        assertRefused(token, "token not yet valid");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        assertRefused(idp.token("okta", "alice", "some-other-api", Map.of()), "audience not accepted");
    }

    @Test
    void aTokenFromAnIssuerThatIsNotConfiguredIsRefused() {
        assertRefused(idp.token("stranger", "alice", AUDIENCE, Map.of()), "issuer not configured");
    }

    @Test
    void aTokenClaimingAConfiguredIssuerButSignedByAnotherKeyIsRefused() throws Exception {
        SignedJWT genuine = SignedJWT.parse(idp.token("okta", "alice", AUDIENCE, Map.of()));
        RSAKey attackerKey = new RSAKeyGenerator(2048).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(genuine.getHeader().getKeyID()).build(),
                new JWTClaimsSet.Builder(genuine.getJWTClaimsSet()).subject("admin").build());
        forged.sign(new RSASSASigner(attackerKey));

        assertRefused(forged.serialize(), "bad signature");
    }

    @Test
    void aTamperedPayloadBreaksTheSignature() throws Exception {
        String[] parts = idp.token("okta", "alice", AUDIENCE, Map.of("groups", List.of("analysts"))).split("\\.");
        JWTClaimsSet claims = JWTClaimsSet.parse(new Base64URL(parts[1]).decodeToString());
        String elevated = Base64URL.encode(new JWTClaimsSet.Builder(claims).claim("groups", List.of("admins")).build()
                .toString()).toString();

        assertRefused(parts[0] + "." + elevated + "." + parts[2], "bad signature");
    }

    @Test
    void algorithmNoneIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(idp.token("okta", "alice", AUDIENCE, Map.of())).getJWTClaimsSet();
        String unsigned = new PlainJWT(claims).serialize();

        assertRefused(unsigned, "algorithm none refused");
        assertRefused(unsigned + "c2lnbmF0dXJl", "algorithm none refused");
    }

    @Test
    void hmacSignedWithThePublicKeyAsSecretIsRefused() throws Exception {
        SignedJWT genuine = SignedJWT.parse(idp.token("okta", "alice", AUDIENCE, Map.of()));
        RSAKey publicKey = JWKSet.load(URI.create(idp.issuer("okta") + "/jwks").toURL()).getKeys().getFirst().toRSAKey();
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(),
                new JWTClaimsSet.Builder(genuine.getJWTClaimsSet()).subject("admin").build());
        confused.sign(new MACSigner(publicKey.toRSAPublicKey().getEncoded()));

        assertRefused(confused.serialize(), "algorithm HS256 refused");
    }

    @Test
    void theAuthorizedPartyMustBeAccepted() {
        assertRefused(idp.tokenForClient("auth0", "some-other-client", "auth0|123", AUDIENCE, Map.of()),
                "authorized party not accepted");
    }

    @Test
    void requiredClaimsMustHold() throws Exception {
        assertThat(verifier.verify(idp.token("google", "1098", AUDIENCE, Map.of("hd", "example.com"))).subject()).isEqualTo("1098");
        assertRefused(idp.token("google", "1099", AUDIENCE, Map.of("hd", "gmail.com")), "required claim hd does not match");
        assertRefused(idp.token("google", "1100", AUDIENCE, Map.of()), "required claim hd does not match");
    }

    @Test
    void anExchangeOnlyIssuerIsRefusedAtSignInButAcceptedForExchange() throws Exception {
        String token = idp.token("ci", "repo:acme/shop:ref:refs/heads/main", AUDIENCE, Map.of("repository", "acme/shop"));

        assertRefused(token, "issuer accepted only for token exchange");
        VerifiedOidcToken verified = verifier.verifyToken(token, OidcVerifier.Use.EXCHANGE);
        assertThat(verified.identity().kind()).isEqualTo("service");
        assertThat(verified.claims()).containsEntry("repository", "acme/shop");
    }

    @Test
    void somethingThatIsNotAJwtIsLeftToTheNextVerifier() {
        assertThatThrownBy(() -> verifier.verify("tg_alice_Token_3b1e8d")).isInstanceOf(UnrecognizedCredentialException.class);
        assertThatThrownBy(() -> verifier.verify("a.b.c")).isInstanceOf(UnrecognizedCredentialException.class);
    }

    /** Found by TokenParsingFuzzTest's property: a provider-signed claim out of any date's range is a refusal, not a crash. */
    @Test
    void anAuthTimeBeyondAnyDateIsRefused() {
        for (Object authTime : List.of(Long.MAX_VALUE, 1e300, -1e300)) {
            String token = idp.token("okta", "00u1alice", AUDIENCE, Map.of("auth_time", authTime));
            assertRefused(token, "auth_time");
        }
    }

    private static void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(AuthenticationException.class)
                .isNotInstanceOf(UnrecognizedCredentialException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token.split("\\.")[1]));
    }
}
