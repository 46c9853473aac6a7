package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.AllocatedBytes;
import dev.tracegate.gateway.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

    private StaticKeyIssuer provider;
    private MutableClock clock;
    private OidcVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        provider = new StaticKeyIssuer();
        clock = new MutableClock(Instant.now());
        verifier = new OidcVerifier(List.of(OidcIssuerConfig.of(provider.issuer(), "tracegate")), clock, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void aNewKeyIdTriggersARefetchAtMostOncePerInterval() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("2026-01").generate();
        ECKey second = new ECKeyGenerator(Curve.P_256).keyID("2026-02").generate();
        provider.publish(first.toPublicJWK());
        assertThat(verifier.verify(provider.es256Token(first, "alice", "tracegate", clock.instant())).subject()).isEqualTo("alice");
        assertThat(provider.keySetFetches()).isEqualTo(1);

        provider.publish(second.toPublicJWK());
        clock.advance(Duration.ofSeconds(31));
        String signedWithNewKey = provider.es256Token(second, "bob", "tracegate", clock.instant());

        assertThat(verifier.verify(signedWithNewKey).subject()).isEqualTo("bob");
        assertThat(provider.keySetFetches()).isEqualTo(2);
    }

    @Test
    void aTokenVerifiedBeforeIsRefusedOnceItsKeyIsNoLongerPublished() throws Exception {
        ECKey retired = new ECKeyGenerator(Curve.P_256).keyID("2026-01").generate();
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("2026-02").generate();
        provider.publish(retired.toPublicJWK());
        String token = provider.es256Token(retired, "alice", "tracegate", clock.instant().plus(Duration.ofMinutes(8)));
        clock.advance(Duration.ofMinutes(8));
        assertThat(verifier.verify(token).subject()).isEqualTo("alice");
        assertThat(verifier.verify(token).subject()).as("the second use, its signature remembered").isEqualTo("alice");

        provider.publish(next.toPublicJWK());
        clock.advance(OidcVerifier.KEY_SET_MAX_AGE);

        assertThatThrownBy(() -> verifier.verify(token)).hasMessage("signing key not found (unknown kid)");
    }

    @Test
    void aTokenPresentedAgainIsNeitherParsedNorVerifiedAgainWhileItsKeyIsPublished() throws Exception {
        ECKey published = new ECKeyGenerator(Curve.P_256).keyID("2026-01").generate();
        provider.publish(published.toPublicJWK());
        String token = provider.es256Token(published, "alice", "tracegate", clock.instant());
        for (int i = 0; i < 50; i++) {
            verifier.verify(token);
        }

        long allocated = AllocatedBytes.by(() -> verifier.verify(token));

        assertThat(verifier.verify(token).subject()).isEqualTo("alice");
        // Parsing the JWT's header and claims again costs about 30 KiB (twice: its shape, then nimbus's parse).
        assertThat(allocated).as("bytes allocated by the verification of a token verified before").isLessThan(12 * 1024);
    }

    @Test
    void unknownKeyIdsCannotMakeTheGatewayHammerTheProvider() throws Exception {
        ECKey published = new ECKeyGenerator(Curve.P_256).keyID("known").generate();
        provider.publish(published.toPublicJWK());
        verifier.verify(provider.es256Token(published, "alice", "tracegate", clock.instant()));

        presentMadeUpKeyIds(5);
        assertThat(provider.keySetFetches()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        presentMadeUpKeyIds(5);
        assertThat(provider.keySetFetches()).isEqualTo(2);
    }

    private void presentMadeUpKeyIds(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            ECKey madeUp = new ECKeyGenerator(Curve.P_256).keyID("made-up-" + i).generate();
            String token = provider.es256Token(madeUp, "mallory", "tracegate", clock.instant());
            assertThatThrownBy(() -> verifier.verify(token)).hasMessage("signing key not found (unknown kid)");
        }
    }

    @Test
    void ed25519TokensVerifyAgainstAPublishedOkpKey() throws Exception {
        KeyPair pair = Ed25519Keys.generate();
        provider.publish(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519Keys.rawPublicKey(pair.getPublic())))
                .keyID("ed").build());

        String token = provider.token(JWSAlgorithm.EdDSA, "ed", new Ed25519JwsSigner(pair.getPrivate()), "carol", "tracegate",
                clock.instant());

        assertThat(verifier.verify(token).subject()).isEqualTo("carol");
    }

    @Test
    void aKeyOfTheWrongTypeForTheAlgorithmVerifiesNothing() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
        provider.publish(key.toPublicJWK());
        KeyPair ed = Ed25519Keys.generate();

        String token = provider.token(JWSAlgorithm.EdDSA, "ec", new Ed25519JwsSigner(ed.getPrivate()), "mallory", "tracegate",
                clock.instant());

        assertThatThrownBy(() -> verifier.verify(token)).hasMessage("no published key fits algorithm EdDSA");
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerIsNotTrusted() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        provider.publish(key.toPublicJWK());
        provider.discoveryNamesIssuer("https://evil.example");

        String token = provider.es256Token(key, "alice", "tracegate", clock.instant());

        assertThatThrownBy(() -> verifier.verify(token)).hasMessage("signing keys of the issuer are unavailable");
        assertThat(provider.keySetFetches()).isZero();
    }

    @Test
    void aProviderOutageKeepsTheKeysAlreadyHeldInUse() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        provider.publish(key.toPublicJWK());
        verifier.verify(provider.es256Token(key, "alice", "tracegate", clock.instant()));

        provider.down(true);
        clock.advance(OidcVerifier.KEY_SET_MAX_AGE.plusMinutes(1));

        assertThat(verifier.verify(provider.es256Token(key, "alice", "tracegate", clock.instant())).subject()).isEqualTo("alice");
        assertThat(provider.keySetFetches()).as("the first fetch, then the refresh and its one retry").isEqualTo(3);
    }

    @Test
    void aProviderDownAtTheFirstTokenIsAskedAgainAfterFiveSeconds() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        provider.publish(key.toPublicJWK());
        provider.down(true);
        String token = provider.es256Token(key, "alice", "tracegate", clock.instant());
        assertThatThrownBy(() -> verifier.verify(token)).hasMessage("signing keys of the issuer are unavailable");

        provider.down(false);
        assertThatThrownBy(() -> verifier.verify(token)).as("still within the limit").hasMessage("signing keys of the issuer are unavailable");
        assertThat(provider.keySetFetches()).isZero();

        clock.advance(Duration.ofSeconds(5));
        assertThat(verifier.verify(token).subject()).isEqualTo("alice");
    }
}
