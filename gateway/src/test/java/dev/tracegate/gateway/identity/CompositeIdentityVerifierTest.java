package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of credential through the one verifier listeners use, each failure with its specific reason. */
class CompositeIdentityVerifierTest {

    private static final String STATIC_KEY = "tg_ops_Key_51c0e2";
    private static final GatewayTokensConfig TOKENS = new GatewayTokensConfig("https://tracegate.example.com", null, 0, null);

    private static MockIdentityProvider idp;
    private static Store store;
    private static JdbcServiceAccountStore accounts;
    private static GatewayTokenIssuer gatewayTokens;
    private static MutableClock clock;
    private static CompositeIdentityVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockIdentityProvider();
        Path dir = Files.createTempDirectory("tracegate-composite");
        Path keyFile = Files.writeString(dir.resolve("ops.key"), STATIC_KEY);
        store = Store.open(new StoreConfig("h2", dir.resolve("store").toString(), null, null, null), dir);
        accounts = new JdbcServiceAccountStore(store.dataSource());
        clock = new MutableClock(Instant.now());
        GatewayTokenSigningKey key = GatewayTokenSigningKey.generate();
        gatewayTokens = new GatewayTokenIssuer(TOKENS, key, clock);
        verifier = new CompositeIdentityVerifier(
                new ApiKeyVerifier(List.of(new ApiKeyConfig("ops", SecretReference.of("file:" + keyFile), List.of("admins"), "human", null))),
                List.of(new ServiceAccountKeyVerifier(accounts, clock, Duration.ofSeconds(5)),
                        new GatewayTokenVerifier(TOKENS, key, clock),
                        new OidcVerifier(List.of(OidcIssuerConfig.of(idp.issuer("okta"), "tracegate")))));
    }

    @AfterAll
    static void stop() {
        idp.close();
        store.close();
    }

    private static SignIn signIn(Identity identity) {
        return new SignIn(identity, clock.instant(), clock.instant().plus(Duration.ofHours(1)), null, null,
                new CredentialRef(CredentialRef.OIDC_TOKEN, null));
    }

    @Test
    void eachKindOfCredentialReachesItsVerifier() throws Exception {
        CreatedServiceAccountKey saKey = accounts.create(new NewServiceAccountKey("etl", List.of("loaders"), null, null, null, null));
        Identity human = new Identity(idp.issuer("okta"), "00u1alice", "alice", null, List.of("analysts"), "human");

        assertThat(verifier.verify(STATIC_KEY).subject()).isEqualTo("apikey:ops");
        assertThat(verifier.verify(saKey.secret()).subject()).isEqualTo("sa:etl");
        assertThat(verifier.verify(gatewayTokens.issue(signIn(human), Duration.ofMinutes(5)).token())).isEqualTo(human);
        assertThat(verifier.verify(idp.token("okta", "00u1alice", "tracegate", Map.of("groups", List.of("analysts")))))
                .isEqualTo(new Identity(idp.issuer("okta"), "00u1alice", "00u1alice", null, List.of("analysts"), "human"));
    }

    @Test
    void theVerifierThatRecognisesACredentialGivesTheReason() throws Exception {
        CreatedServiceAccountKey saKey = accounts.create(new NewServiceAccountKey("old", null, null, null, null, null));
        accounts.revoke(saKey.key().id(), Instant.now());
        String gatewayToken = gatewayTokens.issue(signIn(new Identity("tracegate", "sa:x", "x", null, null, "service")),
                Duration.ofMinutes(1)).token();
        clock.advance(Duration.ofMinutes(2));

        assertRefused(saKey.secret(), "service account key revoked");
        assertRefused(gatewayToken, "token expired");
        assertRefused(idp.token("okta", "00u1alice", "another-api", Map.of()), "audience not accepted");
        assertRefused(idp.token("elsewhere", "00u1alice", "tracegate", Map.of()), "issuer not configured");
        assertRefused("tg_ops_Key_wrong", "unknown or revoked key");
        assertRefused("", "no credential presented");
    }

    /**
     * A refusal is an outcome, not a fault: made without a stack trace, so that a credential that
     * passes over the static keys (every gateway token) and one made up to be refused cost no walk
     * of the request's stack.
     */
    @Test
    void aRefusalCarriesItsReasonAndNoStackTrace() {
        assertThatThrownBy(() -> verifier.verify("tg_ops_Key_wrong"))
                .hasMessage("unknown or revoked key")
                .satisfies(refused -> org.assertj.core.api.Assertions.assertThat(refused.getStackTrace()).isEmpty());
    }

    private static void assertRefused(String credential, String reason) {
        assertThatThrownBy(() -> verifier.verify(credential))
                .isExactlyInstanceOf(AuthenticationException.class)
                .hasMessage(reason);
    }
}
