package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of everything that parses untrusted token text ({@code ./fuzz TokenParsingFuzzTest}):
 * {@link JwtShape}, the gateway token verifier and the OIDC verifier.
 *
 * <p>{@code anyCredential}: whatever a client presents, a verifier answers with a verified sign-in
 * or an {@link AuthenticationException} (never another exception, which a listener would turn into
 * a server error), and the reason never repeats the credential. {@code signedGatewayClaims} and
 * {@code signedOidcClaims} reach the claim handling behind the signature check: fuzzed claims (any
 * JSON types where dates, audiences, groups, actor chains and key references belong) signed with
 * the trusted key. They too end only in a sign-in or an {@link AuthenticationException}, and a
 * sign-in is only granted for a token that is unexpired, meant for the gateway, from the
 * configured issuer, with a subject, within its sign-in.
 */
class TokenParsingFuzzTest {

    private static final String GATEWAY_ISSUER = "https://tracegate.example.com";
    private static final String AUDIENCE = "tracegate";
    private static final GatewayTokensConfig GATEWAY = new GatewayTokensConfig(GATEWAY_ISSUER, null, 3600, null);
    private static final GatewayTokenSigningKey GATEWAY_KEY = GatewayTokenSigningKey.generate();
    private static final GatewayTokenVerifier GATEWAY_TOKENS = new GatewayTokenVerifier(GATEWAY, GATEWAY_KEY);
    private static final List<String> CLAIMS = List.of("iss", "aud", "sub", "exp", "iat", "nbf", "idp", "kind", "groups",
            "act", "key", "name", "email", "auth_time", "auth_exp", "jti", "azp", "preferred_username", "realm_access");

    private static StaticKeyIssuer provider;
    private static ECKey providerKey;
    private static OidcVerifier oidc;

    @BeforeAll
    static void startProvider() throws Exception {
        provider = new StaticKeyIssuer();
        providerKey = new ECKeyGenerator(Curve.P_256).keyID("fuzz").generate();
        provider.publish(providerKey.toPublicJWK());
        oidc = new OidcVerifier(List.of(OidcIssuerConfig.of(provider.issuer(), AUDIENCE)));
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @FuzzTest
    void anyCredential(byte[] input) {
        String credential = new String(input, StandardCharsets.UTF_8);
        JwtShape.of(credential);
        verifiedOrRefused(() -> GATEWAY_TOKENS.signIn(credential), credential);
        verifiedOrRefused(() -> oidc.signIn(credential), credential);
    }

    @FuzzTest
    void signedGatewayClaims(FuzzedDataProvider data) throws JOSEException {
        JWSHeader header = new JWSHeader.Builder(data.consumeBoolean() ? JWSAlgorithm.EdDSA : JWSAlgorithm.Ed25519)
                .type(data.consumeBoolean() ? GatewayTokenIssuer.TYPE : new JOSEObjectType(data.consumeString(10)))
                .keyID(data.consumeBoolean() ? GATEWAY_KEY.keyId() : data.consumeString(10)).build();
        Map<String, Object> claims = claims(data, GATEWAY_ISSUER, GATEWAY_ISSUER);
        String token = sign(header, claims, GATEWAY_KEY.signer(), data);

        SignIn signIn = verifiedOrRefused(() -> GATEWAY_TOKENS.verifyToken(token).signIn(), token);

        if (signIn != null) {
            assertThat(claims.get("iss")).isEqualTo(GATEWAY_ISSUER);
            assertThat(claims.get("aud")).satisfiesAnyOf(a -> assertThat(a).isEqualTo(GATEWAY_ISSUER),
                    a -> assertThat(a).asList().contains(GATEWAY_ISSUER));
            assertThat(signIn.notAfter()).isAfter(Instant.now().minus(Duration.ofMinutes(1)));
            assertThat(signIn.identity().subject()).isNotNull();
        }
    }

    @FuzzTest
    void signedOidcClaims(FuzzedDataProvider data) throws JOSEException {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(data.consumeBoolean() ? providerKey.getKeyID() : data.consumeString(8)).build();
        Map<String, Object> claims = claims(data, provider.issuer(), AUDIENCE);
        String token = sign(header, claims, new ECDSASigner(providerKey), data);

        SignIn signIn = verifiedOrRefused(() -> oidc.signIn(token), token);

        if (signIn != null) {
            assertThat(claims.get("iss")).isEqualTo(provider.issuer());
            assertThat(claims.get("aud")).satisfiesAnyOf(a -> assertThat(a).isEqualTo(AUDIENCE),
                    a -> assertThat(a).asList().contains(AUDIENCE));
            assertThat(signIn.notAfter()).isAfter(Instant.now().minus(Duration.ofMinutes(5)));
            assertThat(signIn.identity().subject()).isNotBlank();
        }
    }

    /** Either a sign-in, or null after an AuthenticationException whose reason does not repeat the credential. */
    private static SignIn verifiedOrRefused(Verification verification, String credential) {
        try {
            return verification.signIn();
        } catch (AuthenticationException refused) {
            if (credential.length() >= 16) {
                assertThat(refused.getMessage()).doesNotContain(credential);
                String[] parts = credential.split("\\.");
                if (parts.length >= 3 && parts[2].length() >= 16) {
                    assertThat(refused.getMessage()).as("reason").doesNotContain(parts[2]);
                }
            }
            return null;
        }
    }

    @FunctionalInterface
    private interface Verification {
        SignIn signIn() throws AuthenticationException;
    }

    /**
     * The fuzzer's choice of claims: each known claim absent, right (the issuer, the audience, a time
     * near now) or any JSON value; or a payload that is not a JSON object at all.
     */
    private static Map<String, Object> claims(FuzzedDataProvider data, String issuer, String audience) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        for (String name : CLAIMS) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> { }
                case 1 -> claims.put(name, right(name, issuer, audience, now, data));
                default -> claims.put(name, anyValue(data, 2));
            }
        }
        return claims;
    }

    private static Object right(String name, String issuer, String audience, long now, FuzzedDataProvider data) {
        return switch (name) {
            case "iss", "idp" -> issuer;
            case "aud" -> data.consumeBoolean() ? audience : List.of(audience, data.consumeString(8));
            case "exp", "auth_exp" -> now + data.consumeInt(-120, 7200);
            case "iat", "nbf", "auth_time" -> now - data.consumeInt(-120, 7200);
            case "kind" -> data.pickValue(List.of("human", "service", "agent"));
            case "act" -> Map.of("iss", data.consumeString(20), "sub", data.consumeString(10));
            case "key" -> "key:" + data.consumeString(20);
            default -> data.consumeString(20);
        };
    }

    private static Object anyValue(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth > 0 ? 9 : 7)) {
            case 0 -> data.consumeString(30);
            case 1 -> data.consumeLong();
            case 2 -> data.consumeRegularDouble(); // JSON has no Infinity or NaN: the test's signer refused them, not the gateway
            case 3 -> data.consumeBoolean();
            case 4 -> null;
            case 5 -> data.consumeInt();
            case 6 -> data.consumeBoolean() ? Long.MAX_VALUE : Double.MAX_VALUE;
            case 7 -> "";
            case 8 -> {
                List<Object> list = new ArrayList<>();
                for (int i = data.consumeInt(0, 3); i > 0; i--) {
                    list.add(anyValue(data, depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = data.consumeInt(0, 3); i > 0; i--) {
                    map.put(data.consumeBoolean() ? data.pickValue(CLAIMS) : data.consumeString(8), anyValue(data, depth - 1));
                }
                yield map;
            }
        };
    }

    /** Signs the claims, or (when the fuzzer says so) raw payload text, as a compact JWS. */
    private static String sign(JWSHeader header, Map<String, Object> claims, JWSSigner signer, FuzzedDataProvider data)
            throws JOSEException {
        String payload = data.consumeBoolean() ? JSONObjectUtils.toJSONString(claims) : data.consumeRemainingAsString();
        JWSObject jws = new JWSObject(header, new Payload(payload));
        jws.sign(signer);
        return jws.serialize();
    }
}
