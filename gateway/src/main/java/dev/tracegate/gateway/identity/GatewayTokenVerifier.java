package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.KindRuleConfig;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Verifies the gateway's own tokens (see {@link GatewayTokenIssuer}). JWTs naming another issuer
 * are not its business: it raises {@link UnrecognizedCredentialException} for them, so a
 * {@link CompositeIdentityVerifier} passes them on to the OIDC verifier.
 */
public final class GatewayTokenVerifier implements IdentityVerifier {

    /** Gateway nodes sharing a key may disagree about the time by this much. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final String issuer;
    private final Duration maxLifetime;
    private final GatewayTokenSigningKey key;
    private final Clock clock;

    public GatewayTokenVerifier(GatewayTokensConfig config, GatewayTokenSigningKey key) {
        this(config, key, Clock.systemUTC());
    }

    GatewayTokenVerifier(GatewayTokensConfig config, GatewayTokenSigningKey key, Clock clock) {
        this.issuer = config.issuer();
        this.maxLifetime = Duration.ofSeconds(config.maxLifetimeSeconds());
        this.key = key;
        this.clock = clock;
    }

    @Override
    public Identity verify(String credential) throws AuthenticationException {
        return verifyToken(credential).identity();
    }

    public VerifiedGatewayToken verifyToken(String token) throws AuthenticationException {
        JwtShape shape = token == null ? null : JwtShape.of(token).orElse(null);
        if (shape == null || !shape.unverifiedIssuer().map(issuer::equals).orElse(false)) {
            throw new UnrecognizedCredentialException("not a gateway token");
        }
        if (shape.algorithm().equalsIgnoreCase("none")) {
            throw new AuthenticationException("algorithm none refused");
        }
        if (!Ed25519JwsSigner.ALGORITHMS.contains(JWSAlgorithm.parse(shape.algorithm()))) {
            throw new AuthenticationException("algorithm " + SigningAlgorithms.printable(shape.algorithm()) + " refused");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthenticationException("malformed token");
        }
        if (!GatewayTokenIssuer.TYPE.equals(jwt.getHeader().getType())) {
            throw new AuthenticationException("not a gateway token type");
        }
        if (!key.keyId().equals(jwt.getHeader().getKeyID())) {
            throw new AuthenticationException("signing key not found (unknown kid)");
        }
        try {
            if (!jwt.verify(key.verifier())) {
                throw new AuthenticationException("bad signature");
            }
        } catch (JOSEException e) {
            throw new AuthenticationException("bad signature");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(issuer)) {
            throw new AuthenticationException("audience not accepted");
        }
        Instant expiresAt = checkTimes(claims);
        return new VerifiedGatewayToken(identity(claims), claims.getJWTID(), expiresAt, actor(claims));
    }

    private Instant checkTimes(JWTClaimsSet claims) throws AuthenticationException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            throw new AuthenticationException("token has no expiry");
        }
        if (now.minus(CLOCK_SKEW).isAfter(exp.toInstant())) {
            throw new AuthenticationException("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (now.plus(CLOCK_SKEW).isBefore(iat.toInstant()) || (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant()))) {
            throw new AuthenticationException("token not yet valid");
        }
        // A signed token can only outlive the maximum if the maximum was lowered since; honour the new one.
        if (Duration.between(iat.toInstant(), exp.toInstant()).compareTo(maxLifetime) > 0) {
            throw new AuthenticationException("token lifetime exceeds the configured maximum");
        }
        return exp.toInstant();
    }

    private static Identity identity(JWTClaimsSet claims) throws AuthenticationException {
        Map<String, Object> all = claims.getClaims();
        if (claims.getSubject() == null || !(all.get("idp") instanceof String idp)
                || !(all.get("kind") instanceof String kind) || !KindRuleConfig.KINDS.contains(kind)) {
            throw new AuthenticationException("malformed token");
        }
        List<String> groups = ClaimPath.strings(all, "groups");
        String name = all.get("name") instanceof String n ? n : claims.getSubject();
        String email = all.get("email") instanceof String e ? e : null;
        return new Identity(idp, claims.getSubject(), name, email, groups, kind);
    }

    private static TokenActor actor(JWTClaimsSet claims) {
        if (claims.getClaim("act") instanceof Map<?, ?> act && act.get("iss") instanceof String iss
                && act.get("sub") instanceof String sub) {
            return new TokenActor(iss, sub);
        }
        return null;
    }
}
