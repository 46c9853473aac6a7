package dev.tracegate.gateway.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A successful token exchange: the response to send and what to record about it.
 * {@link #toString()} leaves the token out.
 *
 * @param accessToken the gateway token
 * @param expiresIn   its lifetime in seconds
 * @param tokenId     its {@code jti}, safe to record
 * @param rule        the trust rule that matched
 * @param issuedTo    the identity the token names (the rule's service account)
 * @param presentedBy the identity of the subject token (the CI job), for the evidence log
 * @param actor       the token's actor chain: the CI job, then whoever acted through its token before
 * @param expiresAt   when the token, and every renewal of it, ends
 * @param matched     the subject token's values of the claims the rule names (its repository, ref,
 *                    environment, ...): what the evidence says the token was bound to
 * @param subjectTokenId the subject token's {@code jti}, or null: ties the exchange to the CI job's run
 */
public record TokenExchangeResult(String accessToken, long expiresIn, String tokenId, String rule, Identity issuedTo,
                                  Identity presentedBy, TokenActor actor, java.time.Instant expiresAt,
                                  Map<String, List<String>> matched, String subjectTokenId) {

    public TokenExchangeResult {
        matched = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(matched));
    }

    /** The RFC 8693 section 2.2.1 response body, to send as JSON with {@code Cache-Control: no-store}. */
    public Map<String, Object> responseBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("issued_token_type", TokenExchange.ACCESS_TOKEN_TYPE);
        body.put("token_type", "Bearer");
        body.put("expires_in", expiresIn);
        return body;
    }

    @Override
    public String toString() {
        return "TokenExchangeResult[tokenId=" + tokenId + ", rule=" + rule + ", issuedTo=" + issuedTo.subject()
                + ", presentedBy=" + presentedBy.issuer() + " " + presentedBy.subject() + ", expiresIn=" + expiresIn + "]";
    }
}
