package dev.tracegate.gateway.identity;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import dev.tracegate.gateway.config.TokenExchangeRuleConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth 2.0 Token Exchange (RFC 8693) for CI jobs and agents: a job presents its provider's OIDC
 * token (GitHub Actions, GitLab CI, ...) as {@code subject_token}; when the token verifies and its
 * claims match a configured trust rule, the job receives a short-lived gateway token of the rule's
 * service account. No long-lived secret is stored in the CI system.
 *
 * <p>Transport-free: it takes the form parameters of the request and returns the response body,
 * so the API only has to route {@code POST /api/tokens/exchange} here.
 */
public final class TokenExchange {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final String SERVICE_ACCOUNT_PREFIX = "sa:";

    private static final Logger LOG = LoggerFactory.getLogger(TokenExchange.class);
    private static final Set<TokenTypeURI> SUBJECT_TOKEN_TYPES = Set.of(TokenTypeURI.JWT, TokenTypeURI.ID_TOKEN, TokenTypeURI.ACCESS_TOKEN);
    private static final Set<TokenTypeURI> ISSUED_TOKEN_TYPES = Set.of(TokenTypeURI.JWT, TokenTypeURI.ACCESS_TOKEN);

    /** How long after its end a subject token is remembered: the verifier accepts it for its issuer's clock skew. */
    private static final Duration REMEMBERED_PAST_END = Duration.ofSeconds(OidcIssuerConfig.MAX_CLOCK_SKEW_SECONDS);

    private final OidcVerifier subjectTokens;
    private final GatewayTokenIssuer issuer;
    private final ExchangedSubjectTokens exchanged;
    private final List<Rule> rules;
    private final Clock clock;

    /**
     * @param subjectTokens verifies subject tokens; it must know every rule's issuer
     * @param issuer        signs the gateway tokens handed out
     * @param exchanged     which subject tokens were exchanged already: each is exchanged once
     * @param rules         trust rules, tried in order
     */
    public TokenExchange(OidcVerifier subjectTokens, GatewayTokenIssuer issuer, ExchangedSubjectTokens exchanged,
                         List<TokenExchangeRuleConfig> rules) {
        this(subjectTokens, issuer, exchanged, rules, Clock.systemUTC());
    }

    TokenExchange(OidcVerifier subjectTokens, GatewayTokenIssuer issuer, ExchangedSubjectTokens exchanged,
                  List<TokenExchangeRuleConfig> rules, Clock clock) {
        this.clock = clock;
        this.subjectTokens = subjectTokens;
        this.issuer = issuer;
        this.exchanged = exchanged;
        this.rules = rules.stream().map(r -> new Rule(r, new ClaimConditions(r.claims()))).toList();
    }

    /**
     * @param form the request's form parameters ({@code application/x-www-form-urlencoded}), each name with its values
     */
    public TokenExchangeResult exchange(Map<String, List<String>> form) throws TokenExchangeException {
        TokenExchangeGrant grant = parse(form);
        String subjectToken = grant.getSubjectToken().getValue();
        if (JwtShape.of(subjectToken).flatMap(JwtShape::unverifiedIssuer).filter(issuer.issuer()::equals).isPresent()) {
            // A gateway token as subject would turn one identity into a service account's; renewal has its own bounded route.
            throw new TokenExchangeException("invalid_grant",
                    "subject_token is a gateway token; gateway tokens are renewed at POST /api/tokens, not exchanged");
        }
        VerifiedOidcToken presented;
        TokenActor priorActors;
        try {
            presented = subjectTokens.verifyToken(subjectToken, OidcVerifier.Use.EXCHANGE);
            priorActors = presented.actor();
        } catch (AuthenticationException e) {
            throw new TokenExchangeException("invalid_grant", "subject_token refused: " + e.getMessage());
        }
        Rule rule = match(presented);
        TokenExchangeRuleConfig config = rule.config();
        Identity serviceAccount = new Identity(ApiKeyVerifier.ISSUER, SERVICE_ACCOUNT_PREFIX + config.serviceAccount(),
                config.serviceAccount(), null, config.groups(), config.kind());
        Instant now = clock.instant();
        Duration lifetime = lifetime(config, presented, now);
        requireFirstExchange(subjectToken, presented);
        // The CI job acts now; whoever acted through its token before (a provider's own delegation) stays in the chain.
        Identity job = presented.identity();
        TokenActor actor = priorActors == null ? new TokenActor(job.issuer(), job.subject())
                : priorActors.actingAfter(job.issuer(), job.subject());
        // The exchange is the service account's sign-in, and its lifetime is all of it: renewals cannot extend it.
        SignIn signIn = new SignIn(serviceAccount, presented.authenticatedAt(now), now.plus(lifetime), actor, null,
                new CredentialRef(CredentialRef.OIDC_TOKEN, presented.claims().get("jti") instanceof String jti ? jti : null));
        IssuedGatewayToken token;
        try {
            token = issuer.issue(signIn, lifetime);
        } catch (AuthenticationException e) {
            throw new TokenExchangeException("invalid_grant", e.getMessage());
        }
        long expiresIn = Duration.between(token.issuedAt(), token.expiresAt()).toSeconds();
        LOG.info("token exchange: {} of {} became {} by rule {} (token {})", job.subject(), job.issuer(),
                serviceAccount.subject(), config.name(), token.tokenId());
        Map<String, List<String>> matched = new LinkedHashMap<>();
        config.claims().keySet().forEach(claim -> matched.put(claim, ClaimPath.strings(presented.claims(), claim)));
        return new TokenExchangeResult(token.token(), expiresIn, token.tokenId(), config.name(), serviceAccount, job, actor,
                token.expiresAt(), matched, signIn.presented().id());
    }

    /**
     * The rule's lifetime, but never past the subject token's end: the CI provider said how long the
     * job's proof holds (GitHub: minutes; GitLab: the job's timeout), and a gateway token minted from
     * it must not outlast it, nor the job it stands for.
     */
    private Duration lifetime(TokenExchangeRuleConfig config, VerifiedOidcToken presented, Instant now)
            throws TokenExchangeException {
        Duration rule = Duration.ofSeconds(config.lifetimeSeconds((int) issuer.maxLifetime().toSeconds()));
        Duration left = Duration.between(now, presented.expiresAt()).withNanos(0);
        if (left.toSeconds() < 1) {
            throw new TokenExchangeException("invalid_grant", "subject_token refused: token expired");
        }
        return left.compareTo(rule) < 0 ? left : rule;
    }

    /** Each subject token is exchanged once, on whichever node ({@link ExchangedSubjectTokens}). */
    private void requireFirstExchange(String subjectToken, VerifiedOidcToken presented) throws TokenExchangeException {
        // Without a jti, what the provider signed (header and claims) names the token: its signature's
        // encoding can vary (spare base64 bits, an ECDSA signature's twin) and still verify.
        String tokenKey = presented.claims().get("jti") instanceof String jti && !jti.isEmpty()
                ? CredentialDigest.hex(presented.identity().issuer() + "\n" + jti)
                : CredentialDigest.hex(subjectToken.substring(0, subjectToken.lastIndexOf('.')));
        boolean first;
        try {
            first = exchanged.firstExchange(tokenKey, presented.expiresAt().plus(REMEMBERED_PAST_END));
        } catch (AuthenticationException e) {
            throw new TokenExchangeException("invalid_grant", "subject_token refused: " + e.getMessage());
        }
        if (!first) {
            throw new TokenExchangeException("invalid_grant", "subject_token was exchanged already: each CI token is"
                    + " exchanged once; ask the CI provider for a new one");
        }
    }

    private TokenExchangeGrant parse(Map<String, List<String>> form) throws TokenExchangeException {
        String grantType = single(form, "grant_type");
        if (grantType == null) {
            throw new TokenExchangeException("invalid_request", "grant_type is required");
        }
        if (!GRANT_TYPE.equals(grantType)) {
            throw new TokenExchangeException("unsupported_grant_type", "only " + GRANT_TYPE + " is supported here");
        }
        TokenExchangeGrant grant;
        try {
            grant = TokenExchangeGrant.parse(form);
        } catch (ParseException e) {
            throw new TokenExchangeException("invalid_request",
                    e.getErrorObject() != null && e.getErrorObject().getDescription() != null
                            ? e.getErrorObject().getDescription() : "malformed token exchange request");
        }
        if (!SUBJECT_TOKEN_TYPES.contains(grant.getSubjectTokenType())) {
            throw new TokenExchangeException("invalid_request", "subject_token_type must be a JWT, ID token or access token");
        }
        if (grant.getActorToken() != null) {
            throw new TokenExchangeException("invalid_request", "actor_token is not supported");
        }
        if (grant.getRequestedTokenType() != null && !ISSUED_TOKEN_TYPES.contains(grant.getRequestedTokenType())) {
            throw new TokenExchangeException("invalid_request", "requested_token_type must be an access token or a JWT");
        }
        List<String> targets = new java.util.ArrayList<>(form.getOrDefault("resource", List.of()));
        if (grant.getAudience() != null) {
            grant.getAudience().stream().map(Audience::getValue).forEach(targets::add);
        }
        if (targets.stream().anyMatch(t -> !t.equals(issuer.issuer()))) {
            throw new TokenExchangeException("invalid_target", "this gateway issues tokens only for " + issuer.issuer());
        }
        return grant;
    }

    private Rule match(VerifiedOidcToken presented) throws TokenExchangeException {
        String tokenIssuer = presented.identity().issuer();
        List<Rule> candidates = rules.stream().filter(r -> r.config().issuer().equals(tokenIssuer)).toList();
        if (candidates.isEmpty()) {
            throw new TokenExchangeException("invalid_grant", "no exchange rule for the subject token's issuer");
        }
        for (Rule rule : candidates) {
            Optional<String> unmet = rule.conditions().firstMismatch(presented.claims());
            if (unmet.isEmpty()) {
                return rule;
            }
            LOG.info("token exchange: {} of {} does not match rule {}: claim {} differs", presented.identity().subject(),
                    tokenIssuer, rule.config().name(), unmet.get());
        }
        throw new TokenExchangeException("invalid_grant", "no exchange rule matches the subject token's claims");
    }

    private static String single(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private record Rule(TokenExchangeRuleConfig config, ClaimConditions conditions) {
    }
}
