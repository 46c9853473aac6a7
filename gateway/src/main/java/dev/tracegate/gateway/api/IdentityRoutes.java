package dev.tracegate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CreatedServiceAccountKey;
import dev.tracegate.gateway.identity.GatewayIdentities;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.IssuedGatewayToken;
import dev.tracegate.gateway.identity.NewServiceAccountKey;
import dev.tracegate.gateway.identity.ServiceAccountKey;
import dev.tracegate.gateway.identity.SshPublicKey;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.identity.TokenExchangeException;
import dev.tracegate.gateway.identity.TokenExchangeResult;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Tokens and service accounts over the API: RFC 8693 token exchange for CI jobs and agents,
 * short-lived gateway tokens for a signed-in caller, the gateway's public keys, and service-account
 * keys and registered SSH public keys for administrators. Every change is an {@code admin.action} event; no secret is ever in one.
 */
final class IdentityRoutes {

    /** Paths that carry their own credential instead of a bearer token. */
    static final List<String> PUBLIC_PATHS = List.of("/api/tokens/exchange");

    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(15);
    /** More than any configurable maximum; the issuer caps the lifetime further. */
    private static final long MAX_REQUESTED_MINUTES = 24 * 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayIdentities identities;
    private final EvidenceLog evidence;
    private final SessionAdmission admission;

    private IdentityRoutes(GatewayIdentities identities, EvidenceLog evidence, SessionAdmission admission) {
        this.identities = identities;
        this.evidence = evidence;
        this.admission = admission;
    }

    static void register(RoutesConfig routes, GatewayIdentities identities, EvidenceLog evidence, SessionAdmission admission) {
        IdentityRoutes handlers = new IdentityRoutes(identities, evidence, admission);
        routes.post("/api/tokens/exchange", handlers::exchange);
        routes.post("/api/tokens", handlers::issue);
        routes.get("/.well-known/jwks.json", ctx -> ctx.json(identities.publicJwks()));
        routes.get("/api/service-accounts", handlers::listKeys);
        routes.post("/api/service-accounts", handlers::createKey);
        routes.post("/api/service-accounts/ssh-keys", handlers::registerSshKey);
        routes.delete("/api/service-accounts/keys/{id}", handlers::revokeKey);
    }

    private void exchange(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        try {
            TokenExchangeResult result = identities.tokenExchange().exchange(ctx.formParamMap());
            ObjectNode detail = EvidenceEvent.newDetail();
            detail.put("action", "token.exchange");
            detail.put("token_id", result.tokenId());
            detail.put("rule", result.rule());
            detail.put("issued_to", result.issuedTo().subject());
            detail.put("presented_by", String.valueOf(result.presentedBy()));
            detail.put("expires_at", result.expiresAt().toString());
            detail.set("act", JSON.valueToTree(result.actor().toClaim()));
            // What the token is bound to: the values of the rule's claims, and which CI token (job run) it came from.
            detail.set("matched_claims", JSON.valueToTree(result.matched()));
            if (result.subjectTokenId() != null) {
                detail.put("subject_token_jti", result.subjectTokenId());
            }
            recordBeforeHandingOut(result.issuedTo(), detail);
            ctx.json(result.responseBody());
        } catch (TokenExchangeException e) {
            long delay = admission.refuse(AuthFailure.http(e.getMessage(), ctx.ip(), "POST /api/tokens/exchange"));
            if (delay > 0) {
                // The RFC 8693 error body stays; the status says why the answer was late.
                ctx.header("Retry-After", Long.toString(SessionAdmission.retryAfterSeconds(delay)));
                ctx.status(HttpStatus.TOO_MANY_REQUESTS).json(e.responseBody());
            } else {
                ctx.status(e.status()).json(e.responseBody());
            }
        }
    }

    /**
     * A short-lived gateway token for the caller, e.g. {@code PGPASSWORD=$(tracegate token)}. The
     * token never outlives the sign-in behind the caller's credential; presenting a gateway token
     * here renews it within that bound ({@code token.renew}), keeping its actor chain and key.
     */
    private void issue(Context ctx) {
        SignIn signIn = ctx.attribute(ApiServer.SIGN_IN);
        Duration lifetime = requestedLifetime(ctx);
        IssuedGatewayToken token;
        try {
            token = identities.tokenIssuer().issue(signIn, lifetime);
        } catch (AuthenticationException e) {
            evidence.authFailures().refused(AuthFailure.http(e.getMessage(), ctx.ip(), "POST /api/tokens"));
            throw new ApiException(HttpStatus.UNAUTHORIZED, e.getMessage());
        }
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("action", signIn.renewal() ? "token.renew" : "token.issue");
        detail.put("token_id", token.tokenId());
        detail.put("expires_at", token.expiresAt().toString());
        detail.put("sign_in_at", signIn.authenticatedAt().toString());
        detail.put("sign_in_ends_at", token.signInEnd().toString());
        ObjectNode presented = detail.putObject("presented");
        presented.put("type", signIn.presented().type());
        if (signIn.presented().id() != null) {
            presented.put("id", signIn.presented().id());
        }
        if (signIn.key() != null) {
            detail.put("key", signIn.key().toClaim());
        }
        if (signIn.actor() != null) {
            detail.set("act", JSON.valueToTree(signIn.actor().toClaim()));
        }
        recordBeforeHandingOut(signIn.identity(), detail);
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("token", token.token(), "expires_at", token.expiresAt().toString(),
                "sign_in_ends_at", token.signInEnd().toString()));
    }

    /** {@code ?minutes=N}, 1 to the longest a token may live; 15 minutes when absent. */
    private Duration requestedLifetime(Context ctx) {
        String minutes = ctx.queryParam("minutes");
        if (minutes == null) {
            return DEFAULT_TOKEN_LIFETIME;
        }
        try {
            long value = Long.parseLong(minutes.strip());
            if (value > 0 && value <= MAX_REQUESTED_MINUTES) {
                return Duration.ofMinutes(value);
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw new ApiException(HttpStatus.BAD_REQUEST, "minutes must be a whole number from 1 to " + MAX_REQUESTED_MINUTES);
    }

    private void listKeys(Context ctx) {
        ApiServer.requireGroup(ctx, "admins");
        ctx.json(identities.serviceAccounts().list());
    }

    private void createKey(Context ctx) {
        Identity caller = ApiServer.requireGroup(ctx, "admins");
        NewServiceAccountKey request = keyRequest(ctx.bodyAsClass(JsonNode.class), caller);
        CreatedServiceAccountKey created = identities.serviceAccounts().create(request);
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("action", "service_account.key.create");
        detail.put("key_id", created.key().id());
        detail.put("account", created.key().account());
        record(caller, detail);
        ctx.status(HttpStatus.CREATED).json(Map.of("key", created.key(), "secret", created.secret(),
                "note", "the secret is shown once; store it now"));
    }

    /**
     * Registers an OpenSSH public key to a service account: its holder signs in to the SSH listener
     * with {@code ssh -i}, as the account, with the groups and kind given here. Revoked like any key.
     */
    private void registerSshKey(Context ctx) {
        Identity caller = ApiServer.requireGroup(ctx, "admins");
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        NewServiceAccountKey request = keyRequest(body, caller);
        ServiceAccountKey key;
        try {
            key = identities.serviceAccounts().register(request, SshPublicKey.parse(body.path("public_key").asText(null)));
        } catch (IllegalArgumentException e) {
            throw new ApiException(e.getMessage().contains("registered already") ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST,
                    e.getMessage());
        }
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("action", "service_account.ssh_key.register");
        detail.put("key_id", key.id());
        detail.put("account", key.account());
        detail.put("fingerprint", key.sshKey());
        record(caller, detail);
        ctx.status(HttpStatus.CREATED).json(Map.of("key", key));
    }

    private static NewServiceAccountKey keyRequest(JsonNode body, Identity caller) {
        List<String> groups = body.path("groups").valueStream().map(JsonNode::asText).toList();
        Duration lifetime = body.hasNonNull("lifetime_days") ? Duration.ofDays(body.get("lifetime_days").asLong()) : null;
        try {
            return new NewServiceAccountKey(body.path("account").asText(null), groups,
                    body.path("kind").asText("service"), body.path("description").asText(null), lifetime, caller.subject(), caller.email());
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private void revokeKey(Context ctx) {
        Identity caller = ApiServer.requireGroup(ctx, "admins");
        String id = ctx.pathParam("id");
        if (!identities.revokeServiceAccountKey(id, Instant.now())) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no active key " + id);
        }
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("action", "service_account.key.revoke");
        detail.put("key_id", id);
        record(caller, detail);
        ctx.json(Map.of("revoked", id));
    }

    /** A token leaves only once its issue is durable in the evidence log: no credential without its record. */
    private void recordBeforeHandingOut(Identity actor, ObjectNode detail) {
        try {
            evidence.appendDurably(new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, actor, null, null, null, detail));
        } catch (EvidenceLogUnavailableException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "no token issued: " + e.getMessage());
        }
    }

    private void record(Identity actor, ObjectNode detail) {
        evidence.append(new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, actor, null, null, null, detail));
    }
}
