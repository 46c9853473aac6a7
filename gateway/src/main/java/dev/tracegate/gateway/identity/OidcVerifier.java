package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies OpenID Connect ID and access tokens (JWTs) from any number of configured issuers.
 *
 * <p>Checks, in order: the token is a signed JWT with an accepted asymmetric algorithm; its
 * {@code iss} is configured; its signature verifies with a key the issuer publishes (found by
 * discovery, cached, refetched on an unknown {@code kid}); {@code exp}, {@code nbf} and
 * {@code iat} hold within the issuer's clock skew; {@code aud} names an accepted audience; the
 * authorized party, when configured, is accepted; the issuer's required claims hold. The identity
 * is issuer plus subject, with name, email, groups (from the issuer's groups claim path) and kind
 * (from its kind rules).
 *
 * <p>A credential that is not a JWT at all raises {@link UnrecognizedCredentialException} so a
 * {@link CompositeIdentityVerifier} can ask another verifier. Every other refusal names its reason
 * and never echoes the token.
 */
public final class OidcVerifier implements IdentityVerifier {

    /** What the token is presented for. */
    public enum Use {
        /** Directly at a listener or the API. */
        SIGN_IN,
        /** As the subject token of a token exchange; exchange-only issuers are accepted too. */
        EXCHANGE
    }

    static final Duration KEY_SET_MAX_AGE = Duration.ofMinutes(15);
    static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);

    private final Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    private final Clock clock;
    private final VerifiedSignatures signatures;

    public OidcVerifier(List<OidcIssuerConfig> issuers) {
        this(issuers, Clock.systemUTC(), MIN_REFETCH_INTERVAL);
    }

    /**
     * @param clock              the time tokens are checked against (tests move it)
     * @param minRefetchInterval least time between two fetches of one issuer's keys
     */
    OidcVerifier(List<OidcIssuerConfig> issuers, Clock clock, Duration minRefetchInterval) {
        this.clock = clock;
        this.signatures = new VerifiedSignatures(clock);
        for (OidcIssuerConfig config : issuers) {
            this.issuers.put(config.issuer(), new TrustedIssuer(config,
                    new IssuerKeys(config, clock, KEY_SET_MAX_AGE, minRefetchInterval),
                    new ClaimConditions(config.requiredClaims()),
                    config.kinds().stream().map(rule -> Map.entry(rule.kind(), new ClaimConditions(rule.when()))).toList()));
        }
    }

    @Override
    public SignIn signIn(String credential) throws AuthenticationException {
        return verifyToken(credential, Use.SIGN_IN).signIn(clock.instant());
    }

    /** Verifies {@code token} for {@code use}; see the class comment for the checks. */
    public VerifiedOidcToken verifyToken(String token, Use use) throws AuthenticationException {
        if (token == null || token.isEmpty()) {
            throw new UnrecognizedCredentialException("no credential presented");
        }
        VerifiedJwt known = signatures.verified(token);
        if (known != null) {
            TrustedIssuer issuer = issuer(known.claims(), use);
            if (issuer.keys().candidates(known.header().getKeyID()).stream().anyMatch(known::verifiedBy)) {
                return checked(known.claims(), issuer);
            }
        }
        JwtShape shape = JwtShape.of(token).orElseThrow(() -> new UnrecognizedCredentialException("not a JWT"));
        if (shape.encrypted()) {
            throw new AuthenticationException("encrypted tokens are not accepted");
        }
        JWSAlgorithm algorithm = SigningAlgorithms.accept(shape.algorithm());
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthenticationException("malformed token");
        }
        TrustedIssuer issuer = issuer(claims, use);
        verifySignature(token, jwt, claims, algorithm, issuer.keys());
        return checked(claims, issuer);
    }

    /** The token's issuer, when it is configured and accepted for {@code use}. */
    private TrustedIssuer issuer(JWTClaimsSet claims, Use use) throws AuthenticationException {
        if (claims.getIssuer() == null) {
            throw new AuthenticationException("token has no issuer");
        }
        TrustedIssuer issuer = issuers.get(claims.getIssuer());
        if (issuer == null) {
            throw new AuthenticationException("issuer not configured");
        }
        if (use == Use.SIGN_IN && issuer.config().exchangeOnly()) {
            throw new AuthenticationException("issuer accepted only for token exchange");
        }
        return issuer;
    }

    /** Every check after the signature's, on every use of a token, its signature verified now or before. */
    private VerifiedOidcToken checked(JWTClaimsSet claims, TrustedIssuer issuer) throws AuthenticationException {
        Instant exp = checkTimes(claims, Duration.ofSeconds(issuer.config().clockSkewSeconds()));
        Instant claimsEnd = claimsEnd(claims, issuer.config(), exp);
        if (claims.getClaim("auth_time") instanceof Number authTime) {
            NumericDates.of(authTime, "auth_time"); // read later as the sign-in's start
        }
        checkAudience(claims, issuer.config());
        checkAuthorizedParty(claims, issuer.config());
        if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
            throw new AuthenticationException("token has no subject");
        }
        Map<String, Object> all = claims.getClaims();
        Optional<String> unmet = issuer.required().firstMismatch(all);
        if (unmet.isPresent()) {
            throw new AuthenticationException("required claim " + SigningAlgorithms.printable(unmet.get())
                    + (unmet.get().equals(ClaimConditions.EMAIL) && !ClaimConditions.emailVerified(all)
                            ? " is not verified (email_verified is not true)" : " does not match"));
        }
        return new VerifiedOidcToken(identity(claims, issuer), all, claimsEnd.isBefore(exp) ? claimsEnd : exp, claimsEnd);
    }

    /**
     * The signature, against each key the issuer publishes under the token's {@code kid}; the token,
     * its header and claims are remembered with the key that verified it ({@link VerifiedSignatures}),
     * so a later use that key still verifies is neither parsed nor verified again.
     */
    private void verifySignature(String token, SignedJWT jwt, JWTClaimsSet claims, JWSAlgorithm algorithm,
                                 IssuerKeys keys) throws AuthenticationException {
        boolean anyKeyFits = false;
        for (JWK key : keys.candidates(jwt.getHeader().getKeyID())) {
            Optional<JWSVerifier> verifier = SigningAlgorithms.verifier(algorithm, key);
            if (verifier.isEmpty()) {
                continue;
            }
            anyKeyFits = true;
            try {
                if (jwt.verify(verifier.get())) {
                    signatures.remember(token, new VerifiedJwt(key, jwt.getHeader(), claims));
                    return;
                }
            } catch (JOSEException e) {
                // Counts as a signature that does not verify.
            }
        }
        throw new AuthenticationException(anyKeyFits ? "bad signature"
                : "no published key fits algorithm " + algorithm.getName());
    }

    private Instant checkTimes(JWTClaimsSet claims, Duration skew) throws AuthenticationException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new AuthenticationException("token has no expiry");
        }
        if (now.minus(skew).isAfter(exp.toInstant())) {
            throw new AuthenticationException("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        Date iat = claims.getIssueTime();
        if ((nbf != null && now.plus(skew).isBefore(nbf.toInstant())) || (iat != null && now.plus(skew).isBefore(iat.toInstant()))) {
            throw new AuthenticationException("token not yet valid");
        }
        return exp.toInstant();
    }

    /**
     * When the gateway stops acting on the token's claims: {@code claimsMaxAgeSeconds} after its
     * {@code iat} (its {@code exp}, without one). Groups are a snapshot of the provider's directory
     * when the token was issued; a provider that issues day-long tokens would otherwise keep a user
     * removed from a group in it for a day, in every session open with the token.
     */
    private Instant claimsEnd(JWTClaimsSet claims, OidcIssuerConfig config, Instant exp) throws AuthenticationException {
        Duration maxAge = Duration.ofSeconds(config.claimsMaxAgeSeconds());
        Date iat = claims.getIssueTime();
        if (iat == null) {
            if (exp.isAfter(clock.instant().plus(maxAge))) {
                throw new AuthenticationException("token has no iat and lives longer than claimsMaxAgeSeconds ("
                        + maxAge.toSeconds() + " s): how old its groups are cannot be told");
            }
            return exp;
        }
        Instant end = iat.toInstant().plus(maxAge);
        // Like exp, within the issuer's clock skew; the sign-in still ends at the moment itself.
        if (clock.instant().minusSeconds(config.clockSkewSeconds()).isAfter(end)) {
            throw new AuthenticationException("token issued more than claimsMaxAgeSeconds (" + maxAge.toSeconds()
                    + " s) ago: its groups may have changed since; get a new token");
        }
        return end;
    }

    private static void checkAudience(JWTClaimsSet claims, OidcIssuerConfig config) throws AuthenticationException {
        List<String> audience = claims.getAudience();
        if (audience == null || audience.stream().noneMatch(config.audiences()::contains)) {
            throw new AuthenticationException("audience not accepted");
        }
    }

    /**
     * OIDC Core's {@code azp} names the client the token was issued to. Access tokens without one
     * carry the client as {@code client_id} (RFC 9068), {@code cid} (Okta) or {@code appid}
     * (Entra ID v1).
     */
    private static void checkAuthorizedParty(JWTClaimsSet claims, OidcIssuerConfig config) throws AuthenticationException {
        if (config.authorizedParties().isEmpty()) {
            return;
        }
        for (String name : List.of("azp", "client_id", "cid", "appid")) {
            if (claims.getClaim(name) instanceof String party) {
                if (config.authorizedParties().contains(party)) {
                    return;
                }
                break;
            }
        }
        throw new AuthenticationException("authorized party not accepted");
    }

    private static Identity identity(JWTClaimsSet claims, TrustedIssuer issuer) {
        Map<String, Object> all = claims.getClaims();
        String kind = issuer.kinds().stream().filter(rule -> rule.getValue().matches(all)).map(Map.Entry::getKey)
                .findFirst().orElse(issuer.config().defaultKind());
        String email = all.get("email") instanceof String e ? e : null;
        String name = List.of("name", "preferred_username", "email").stream()
                .map(all::get).filter(v -> v instanceof String s && !s.isBlank()).map(String.class::cast)
                .findFirst().orElse(claims.getSubject());
        List<String> groups = ClaimPath.strings(all, issuer.config().groupsClaim());
        return new Identity(claims.getIssuer(), claims.getSubject(), name, email, groups, kind,
                email == null || ClaimConditions.emailVerified(all));
    }

    /** One configured issuer with its key cache and compiled claim rules. */
    private record TrustedIssuer(OidcIssuerConfig config, IssuerKeys keys, ClaimConditions required,
                                 List<Map.Entry<String, ClaimConditions>> kinds) {
    }
}
