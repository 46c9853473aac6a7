package dev.tracegate.gateway.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who acts through a token that names another subject (RFC 8693 {@code act}): the CI job whose
 * provider token was exchanged for a service account's token, for instance. Delegation chains
 * nest: {@code prior} is whoever acted before this actor (the {@code act} inside the {@code act}),
 * so the outermost actor is the current one, as RFC 8693 section 4.1 describes.
 *
 * @param issuer  the actor's issuer
 * @param subject the actor's subject at that issuer, e.g. {@code repo:acme/shop:ref:refs/heads/main}
 * @param prior   the actor before this one, or null
 */
public record TokenActor(String issuer, String subject, TokenActor prior) {

    /** Longest chain accepted: a real delegation chain is a few links; a deeper one is an attack or a bug. */
    static final int MAX_DEPTH = 8;

    public TokenActor {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        if (prior != null && prior.depth() >= MAX_DEPTH) {
            throw new IllegalArgumentException("an actor chain has at most " + MAX_DEPTH + " links");
        }
    }

    public TokenActor(String issuer, String subject) {
        this(issuer, subject, null);
    }

    /** This chain with {@code current} acting now, on behalf of everyone in it. */
    public TokenActor actingAfter(String currentIssuer, String currentSubject) {
        return new TokenActor(currentIssuer, currentSubject, this);
    }

    int depth() {
        return 1 + (prior == null ? 0 : prior.depth());
    }

    /** The {@code act} claim: {@code {"iss": ..., "sub": ..., "act": {...}}}. */
    public Map<String, Object> toClaim() {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("iss", issuer);
        claim.put("sub", subject);
        if (prior != null) {
            claim.put("act", prior.toClaim());
        }
        return claim;
    }

    /**
     * The chain in an {@code act} claim, or null when there is none. An actor without {@code iss}
     * is relative to the issuer of the token (or actor) that contains it (RFC 8693 section 4.1).
     *
     * @throws AuthenticationException when the claim is there but is not a well-formed chain
     */
    public static TokenActor fromClaim(Object claim, String containingIssuer) throws AuthenticationException {
        return fromClaim(claim, containingIssuer, 1);
    }

    private static TokenActor fromClaim(Object claim, String containingIssuer, int depth) throws AuthenticationException {
        if (claim == null) {
            return null;
        }
        if (depth > MAX_DEPTH) {
            throw new AuthenticationException("act claim nests more than " + MAX_DEPTH + " actors");
        }
        if (!(claim instanceof Map<?, ?> act) || !(act.get("sub") instanceof String sub) || sub.isEmpty()
                || (act.containsKey("iss") && !(act.get("iss") instanceof String))) {
            throw new AuthenticationException("malformed act claim");
        }
        String iss = act.get("iss") instanceof String i ? i : containingIssuer;
        return new TokenActor(iss, sub, fromClaim(act.get("act"), iss, depth + 1));
    }
}
