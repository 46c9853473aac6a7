package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.config.IdentitiesConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The gateway's identity services assembled from the configuration, in one place so
 * {@code Gateway} wires a single object: the {@link #verifier()} every listener uses, the token
 * exchange and token issuer the API exposes, and the service-account store.
 *
 * <p>Verification order: static keys, run-time service-account keys ({@code tgsa_...}), gateway
 * tokens (JWTs with the gateway's issuer), then OIDC tokens of the configured issuers.
 */
public final class GatewayIdentities {

    private final IdentityVerifier verifier;
    private final OidcVerifier oidc;
    private final GatewayTokenSigningKey signingKey;
    private final GatewayTokenIssuer tokenIssuer;
    private final TokenExchange tokenExchange;
    private final ServiceAccountStore serviceAccounts;
    private final ServiceAccountKeyVerifier serviceAccountKeys;
    private final ApiKeyVerifier apiKeys;
    private final KeyRevocations revocations = new KeyRevocations(this::requireActive);
    /** Console sessions, asked by their reference; other credentials are asked of their keys. */
    private final SignedInSessions consoleSessions;

    private GatewayIdentities(IdentitiesConfig config, DataSource store, Path dataDir, StaticKeyVersions keyVersions,
                              SignedInSessions consoleSessions) {
        Duration maxSession = Duration.ofSeconds(config.gatewayTokens().maxSessionSeconds());
        this.consoleSessions = consoleSessions;
        this.oidc = new OidcVerifier(config.oidc());
        this.signingKey = GatewayTokenSigningKey.load(config.gatewayTokens(), dataDir);
        this.tokenIssuer = new GatewayTokenIssuer(config.gatewayTokens(), signingKey);
        this.tokenExchange = new TokenExchange(oidc, tokenIssuer, new JdbcExchangedSubjectTokens(store),
                config.gatewayTokens().exchange());
        this.serviceAccounts = new JdbcServiceAccountStore(store);
        this.serviceAccountKeys = new ServiceAccountKeyVerifier(serviceAccounts, maxSession);
        this.apiKeys = new ApiKeyVerifier(config.apiKeys(), maxSession, Clock.systemUTC(), keyVersions);
        this.verifier = new CompositeIdentityVerifier(apiKeys, List.of(
                serviceAccountKeys, new GatewayTokenVerifier(config.gatewayTokens(), signingKey, this::requireActive), oidc));
    }

    /**
     * @param config  {@code identities} of the configuration
     * @param store   the gateway store's data source (service-account keys live there)
     * @param dataDir where a generated gateway token key is kept
     * @param keyVersions how credentials derived from a static key name the value it had: alike on every
     *                node, so a console session opened through one is checked alike on the others
     * @param consoleSessions whether a console session, which votes, grants and console-issued credentials
     *                name, is still signed in
     */
    public static GatewayIdentities create(IdentitiesConfig config, DataSource store, Path dataDir,
                                           StaticKeyVersions keyVersions, SignedInSessions consoleSessions) {
        return new GatewayIdentities(config, store, dataDir, keyVersions, consoleSessions);
    }

    /** The one verifier for listeners and the API. */
    public IdentityVerifier verifier() {
        return verifier;
    }

    public OidcVerifier oidc() {
        return oidc;
    }

    /** Signs gateway tokens, e.g. for {@code POST /api/tokens} on behalf of an authenticated caller. */
    public GatewayTokenIssuer tokenIssuer() {
        return tokenIssuer;
    }

    /** {@code POST /api/tokens/exchange}. */
    public TokenExchange tokenExchange() {
        return tokenExchange;
    }

    /** The public key set of gateway tokens, e.g. for {@code GET /.well-known/jwks.json}. */
    public Map<String, Object> publicJwks() {
        return signingKey.publicJwks();
    }

    /** Service accounts' registered SSH public keys, for the SSH listener. */
    public SshPublicKeyVerifier sshPublicKeys() {
        return serviceAccountKeys;
    }

    public ServiceAccountStore serviceAccounts() {
        return serviceAccounts;
    }

    /**
     * A sign-in kept beyond one request (a console session) is still good: it has not ended, and
     * the key it began with, if any, is still active.
     */
    public void requireCurrent(SignIn signIn) throws AuthenticationException {
        if (!Instant.now().isBefore(signIn.notAfter())) {
            throw new AuthenticationException("the sign-in has ended");
        }
        if (signIn.key() != null) {
            requireActive(signIn.key());
        }
    }

    /**
     * Whether a key is still active (not revoked, still configured), or a console session still signed
     * in: for what was done with a sign-in that began with it or was carried through it.
     */
    public ActiveKeys activeKeys() {
        return this::requireActive;
    }

    /** Who created each service-account key, from the store (static API keys have no creator the gateway knows). */
    public KeyCreators keyCreators() {
        return key -> CredentialRef.SERVICE_ACCOUNT_KEY.equals(key.type()) && key.id() != null
                ? serviceAccounts.find(key.id()).flatMap(ServiceAccountKey::creator) : Optional.empty();
    }

    /** What open sessions keep of their sign-in, to be checked again before each command. */
    public KeyRevocations keyRevocations() {
        return revocations;
    }

    private void requireActive(CredentialRef credential) throws AuthenticationException {
        if (CredentialRef.CONSOLE_SESSION.equals(credential.type())) {
            consoleSessions.requireSignedIn(credential);
        } else {
            requireKey(credential);
        }
    }

    private void requireKey(CredentialRef key) throws AuthenticationException {
        switch (key.type()) {
            case CredentialRef.SERVICE_ACCOUNT_KEY -> serviceAccountKeys.requireActive(key.id());
            case CredentialRef.API_KEY -> apiKeys.requireConfigured(key.id());
            default -> throw new AuthenticationException("unknown kind of key " + key.type());
        }
    }

    /**
     * Revokes a key and drops it from this node's cache at once (other nodes follow within seconds);
     * this node's open sessions ask again before their next command.
     */
    public boolean revokeServiceAccountKey(String id, Instant at) {
        boolean revoked = serviceAccounts.revoke(id, at);
        serviceAccountKeys.forget(id);
        revocations.revoked();
        return revoked;
    }
}
