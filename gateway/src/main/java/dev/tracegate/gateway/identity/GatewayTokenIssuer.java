package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;

/**
 * Signs short-lived gateway tokens: JWTs with the gateway's Ed25519 key, {@code iss} and
 * {@code aud} set to the gateway's issuer name, and the identity's name, email, groups and kind
 * carried as claims, so a listener needs no lookup to accept them. The identity's own issuer
 * travels as {@code idp}, so an OIDC user keeps the same identity (issuer plus subject) whether
 * they present their provider's token or a gateway token. Each token also carries the sign-in it
 * derives from ({@link SignIn}), which bounds every renewal.
 */
public final class GatewayTokenIssuer {

    /** Explicit typing (RFC 8725 section 3.11): a gateway token cannot pass for another kind of JWT. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("tracegate+jwt");

    /** When the sign-in the token derives from happened (OIDC's claim name, NumericDate). */
    static final String AUTH_TIME = "auth_time";
    /** When that sign-in ends: no token derived from it, this one or a renewal, lives longer. */
    static final String AUTH_EXP = "auth_exp";
    /** The key the sign-in began with ({@link CredentialRef#toClaim()}), checked on every use. */
    static final String KEY = "key";
    /**
     * The reference of the console session the token was issued through (never the cookie): it is
     * refused once that session has signed out or ended, on every node.
     */
    static final String CONSOLE = "console";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final Duration maxLifetime;
    private final GatewayTokenSigningKey key;
    private final Clock clock;

    public GatewayTokenIssuer(GatewayTokensConfig config, GatewayTokenSigningKey key) {
        this(config, key, Clock.systemUTC());
    }

    GatewayTokenIssuer(GatewayTokensConfig config, GatewayTokenSigningKey key, Clock clock) {
        this.issuer = config.issuer();
        this.maxLifetime = Duration.ofSeconds(config.maxLifetimeSeconds());
        this.key = key;
        this.clock = clock;
    }

    public String issuer() {
        return issuer;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    /**
     * A token for the sign-in's identity, valid for {@code lifetime} but never longer than the
     * configured maximum, and never past the sign-in's end: a renewal cannot extend itself. The
     * token carries the sign-in forward ({@code auth_time}, {@code auth_exp}, {@code act},
     * {@code key}) so the next renewal is bounded the same way.
     *
     * @throws AuthenticationException when the sign-in has already ended
     */
    public IssuedGatewayToken issue(SignIn signIn, Duration lifetime) throws AuthenticationException {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token's lifetime must be positive");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // Whole seconds, rounded down: a NumericDate cannot say "a little after".
        Instant signInEnd = signIn.notAfter().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(lifetime.compareTo(maxLifetime) > 0 ? maxLifetime : lifetime);
        if (signInEnd.isBefore(expiresAt)) {
            expiresAt = signInEnd;
        }
        if (!expiresAt.isAfter(now)) {
            throw new AuthenticationException("the sign-in this credential stands for has ended; sign in again");
        }
        Identity identity = signIn.identity();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String tokenId = HexFormat.of().formatHex(id);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(issuer)
                .subject(identity.subject())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(tokenId)
                .claim("idp", identity.issuer())
                .claim("name", identity.name())
                .claim("email", identity.email())
                .claim("email_verified", identity.email() != null && !identity.emailVerified() ? Boolean.FALSE : null)
                .claim("groups", identity.groups())
                .claim("kind", identity.kind())
                .claim(AUTH_TIME, signIn.authenticatedAt().getEpochSecond())
                .claim(AUTH_EXP, signInEnd.getEpochSecond());
        if (signIn.actor() != null) {
            claims.claim("act", signIn.actor().toClaim());
        }
        if (signIn.key() != null) {
            claims.claim(KEY, signIn.key().toClaim());
        }
        if (signIn.console() != null) {
            claims.claim(CONSOLE, signIn.console().id());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(TYPE).keyID(key.keyId()).build(),
                claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a gateway token: " + e.getMessage(), e);
        }
        return new IssuedGatewayToken(jwt.serialize(), tokenId, now, expiresAt, signInEnd);
    }
}
