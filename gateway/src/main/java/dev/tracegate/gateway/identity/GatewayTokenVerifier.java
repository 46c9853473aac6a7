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
 *
 * <p>Besides signature, audience and lifetime, every token must carry the sign-in it derives from
 * ({@code auth_time}, {@code auth_exp}) and must not outlive it; a token derived from a key is
 * refused as soon as that key is revoked, expired or no longer configured ({@link ActiveKeys}), and
 * one issued through a console session as soon as that session signs out or ends (its
 * {@code console} claim, asked of the store on every use; when the store cannot say, refused).
 */
public final class GatewayTokenVerifier implements IdentityVerifier {

    /** Gateway nodes sharing a key may disagree about the time by this much. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final String issuer;
    private final Duration maxLifetime;
    private final Duration maxSession;
    private final GatewayTokenSigningKey key;
    private final ActiveKeys activeKeys;
    private final Clock clock;
    private final VerifiedSignatures signatures;

    public GatewayTokenVerifier(GatewayTokensConfig config, GatewayTokenSigningKey key, ActiveKeys activeKeys) {
        this(config, key, activeKeys, Clock.systemUTC());
    }

    /** For tokens that name no key: any that does is refused. */
    GatewayTokenVerifier(GatewayTokensConfig config, GatewayTokenSigningKey key) {
        this(config, key, ActiveKeys.NONE, Clock.systemUTC());
    }

    GatewayTokenVerifier(GatewayTokensConfig config, GatewayTokenSigningKey key, Clock clock) {
        this(config, key, ActiveKeys.NONE, clock);
    }

    GatewayTokenVerifier(GatewayTokensConfig config, GatewayTokenSigningKey key, ActiveKeys activeKeys, Clock clock) {
        this.issuer = config.issuer();
        this.maxLifetime = Duration.ofSeconds(config.maxLifetimeSeconds());
        this.maxSession = Duration.ofSeconds(config.maxSessionSeconds());
        this.key = key;
        this.activeKeys = activeKeys;
        this.clock = clock;
        this.signatures = new VerifiedSignatures(clock);
    }

    @Override
    public SignIn signIn(String credential) throws AuthenticationException {
        return verifyToken(credential).signIn();
    }

    public VerifiedGatewayToken verifyToken(String token) throws AuthenticationException {
        JWTClaimsSet claims = signed(token).claims();
        if (claims.getAudience() == null || !claims.getAudience().contains(issuer)) {
            throw new AuthenticationException("audience not accepted");
        }
        Instant expiresAt = checkTimes(claims);
        Identity identity = identity(claims);
        SignIn signIn = new SignIn(identity, instant(claims, GatewayTokenIssuer.AUTH_TIME),
                instant(claims, GatewayTokenIssuer.AUTH_EXP), TokenActor.fromClaim(claims.getClaim("act"), issuer),
                sourceKey(claims), new CredentialRef(CredentialRef.GATEWAY_TOKEN, claims.getJWTID()), consoleSession(claims));
        checkSignIn(signIn, expiresAt);
        if (signIn.key() != null) {
            activeKeys.requireActive(signIn.key());
        }
        if (signIn.console() != null) {
            activeKeys.requireActive(signIn.console());
        }
        return new VerifiedGatewayToken(signIn, claims.getJWTID(), expiresAt);
    }

    /**
     * The token's header and claims under a verified signature: remembered when this key verified
     * the same token before ({@link VerifiedSignatures}: a client presents it on every request),
     * otherwise parsed, its header checked and its signature verified.
     */
    private VerifiedJwt signed(String token) throws AuthenticationException {
        VerifiedJwt known = token == null ? null : signatures.verified(token);
        if (known != null && known.verifiedBy(key)) {
            return known;
        }
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
        VerifiedJwt verified = new VerifiedJwt(key, jwt.getHeader(), claims);
        signatures.remember(token, verified);
        return verified;
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

    /**
     * The token lives within its sign-in. Tokens of an older gateway, which carried no sign-in,
     * are refused: they could be renewed for ever. A key's sign-in is held to the session maximum
     * in force now, so lowering it applies to tokens already issued.
     */
    private void checkSignIn(SignIn signIn, Instant expiresAt) throws AuthenticationException {
        if (expiresAt.isAfter(signIn.notAfter())) {
            throw new AuthenticationException("token outlives the sign-in it derives from");
        }
        if (signIn.key() != null
                && Duration.between(signIn.authenticatedAt(), signIn.notAfter()).compareTo(maxSession) > 0) {
            throw new AuthenticationException("the sign-in this token derives from exceeds the configured session maximum");
        }
    }

    private static Instant instant(JWTClaimsSet claims, String name) throws AuthenticationException {
        if (!(claims.getClaim(name) instanceof Number seconds)) {
            throw new AuthenticationException("token carries no " + name + " (issued by an older gateway?); get a new one");
        }
        return NumericDates.of(seconds, name);
    }

    private static CredentialRef sourceKey(JWTClaimsSet claims) throws AuthenticationException {
        Object claim = claims.getClaim(GatewayTokenIssuer.KEY);
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof String text)) {
            throw new AuthenticationException("malformed key claim");
        }
        return CredentialRef.keyFromClaim(text).orElseThrow(() -> new AuthenticationException("malformed key claim"));
    }

    private static CredentialRef consoleSession(JWTClaimsSet claims) throws AuthenticationException {
        Object claim = claims.getClaim(GatewayTokenIssuer.CONSOLE);
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof String ref) || ref.isEmpty()) {
            throw new AuthenticationException("malformed console claim");
        }
        return new CredentialRef(CredentialRef.CONSOLE_SESSION, ref);
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
        // The address the sign-in's issuer did not vouch for stays marked so through the exchange.
        return new Identity(idp, claims.getSubject(), name, email, groups, kind,
                !Boolean.FALSE.equals(all.get("email_verified")));
    }
}
