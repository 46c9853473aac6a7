package dev.tracegate.gateway.console;

import dev.tracegate.gateway.config.ConsoleConfig;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.GatewayIdentities;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web console, served by the gateway itself: sign-in and sign-out, the page shell for every
 * console URL, and its static assets (no CDN, no request leaves for anywhere else). The pages
 * themselves read and act through the REST API with the session cookie.
 */
public final class ConsoleRoutes {

    public static final String BASE = "/console";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css|svg)");
    /** Where a sign-in may return to: a console page, never another site ({@code //evil}) or the API. */
    private static final Pattern RETURN_TO = Pattern.compile("/console(/[A-Za-z0-9._~/-]*)?(\\?[A-Za-z0-9._~=&%+-]*)?");
    /** Scripts, styles and requests from the gateway only; the token form posts only to it; no framing. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleConfig config;
    private final ConsoleSessions sessions;
    private final OidcSignIn oidc;
    private final GatewayIdentities identities;
    private final EvidenceLog evidence;
    private final SessionAdmission admission;
    private final String configuredOrigin;
    private final byte[] shell;

    /**
     * @param consoleUrl the console's public base URL ({@code approvals.consoleUrl}), or null to
     *                   take the origin from each request's Host header
     */
    /** How recent a session's sign-in must be to approve or deny through it. */
    public Duration decisionSignIn() {
        return config.decisionSignIn();
    }

    public ConsoleRoutes(ConsoleConfig config, GatewayIdentities identities, EvidenceLog evidence,
                         String consoleUrl, Clock clock, SessionAdmission admission) {
        this.admission = admission;
        this.config = config;
        this.sessions = new ConsoleSessions(evidence.store().dataSource(), Duration.ofHours(config.sessionHours()), clock);
        this.oidc = config.oidc() ? new OidcSignIn(config, identities.oidc(), clock) : null;
        this.identities = identities;
        this.evidence = evidence;
        this.configuredOrigin = consoleUrl == null ? null : CrossSiteRequests.originOf(consoleUrl);
        this.shell = resource("index.html").orElseThrow(() -> new IllegalStateException("the console's index.html is missing"));
    }

    public void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect(BASE + "/", HttpStatus.FOUND));
        routes.get(BASE + "/signin", ctx -> page(ctx, HttpStatus.OK, SignInPage.render(config, returnTo(ctx.queryParam("next")), null)));
        routes.get(BASE + "/signin/oidc", this::beginOidc);
        routes.get(BASE + "/callback", this::finishOidc);
        routes.post(BASE + "/signin/token", this::tokenSignIn);
        routes.post(BASE + "/signout", this::signOut);
        routes.get(BASE + "/assets/{name}", this::asset);
        routes.get(BASE, this::shell);
        routes.get(BASE + "/*", this::shell);
    }

    /** The signed-in session this request's cookie names, if any. */
    public Optional<ConsoleSession> session(Context ctx) {
        Optional<ConsoleSession> session = sessions.find(ctx.cookie(ConsoleCookies.SESSION));
        if (session.isPresent()) {
            try {
                identities.requireCurrent(session.get().signIn());
            } catch (AuthenticationException e) {
                // A session opened with a key ends when the key is revoked, not hours later.
                sessions.end(session.get().id());
                evidence.authFailures().refused(AuthFailure.http("console session ended: " + e.getMessage(), ctx.ip(),
                        ctx.method() + " " + ctx.path()));
                return Optional.empty();
            }
        }
        return session;
    }

    /** The origin state-changing requests must come from. */
    public String ownOrigin(Context ctx) {
        return configuredOrigin != null ? configuredOrigin : ctx.scheme() + "://" + ctx.host();
    }

    private void shell(Context ctx) {
        if (session(ctx).isEmpty()) {
            String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            ctx.redirect(BASE + "/signin?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8),
                    HttpStatus.FOUND);
            return;
        }
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(shell);
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("name");
        Optional<byte[]> body = ASSET.matcher(name).matches() ? resource("assets/" + name) : Optional.empty();
        if (body.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).result("no such asset");
            return;
        }
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml").result(body.get());
    }

    private void beginOidc(Context ctx) {
        if (oidc == null) {
            page(ctx, HttpStatus.NOT_FOUND, SignInPage.render(config, BASE + "/", "single sign-on is not configured for this console"));
            return;
        }
        try {
            URI redirect = URI.create(ownOrigin(ctx) + BASE + "/callback");
            OidcSignIn.Start start = oidc.begin(redirect, returnTo(ctx.queryParam("next")));
            ConsoleCookies.set(ctx, ConsoleCookies.SIGN_IN, start.state(), OidcSignIn.MAX_SIGN_IN_TIME);
            ctx.redirect(start.authorizationUri().toString(), HttpStatus.FOUND);
        } catch (SignInException e) {
            page(ctx, HttpStatus.BAD_GATEWAY, SignInPage.render(config, returnTo(ctx.queryParam("next")), e.getMessage()));
        }
    }

    private void finishOidc(Context ctx) {
        ConsoleCookies.clear(ctx, ConsoleCookies.SIGN_IN);
        String error = ctx.queryParam("error");
        try {
            if (oidc == null) {
                throw new SignInException("single sign-on is not configured for this console");
            }
            if (error != null) {
                String description = ctx.queryParam("error_description");
                throw new SignInException("the identity provider refused the sign-in: " + error
                        + (description == null ? "" : " (" + description + ")"));
            }
            OidcSignIn.Completed done = oidc.complete(ctx.queryParam("state"), ctx.queryParam("code"), ctx.cookie(ConsoleCookies.SIGN_IN));
            startSession(ctx, sessions.createInteractive(done.signIn()), done.returnTo());
        } catch (SignInException e) {
            long delay = admission.refuse(AuthFailure.http("console sign-in: " + e.getMessage(), ctx.ip(), "GET " + BASE + "/callback"));
            refusedPage(ctx, HttpStatus.BAD_REQUEST, delay, BASE + "/", e.getMessage());
        }
    }

    private void tokenSignIn(Context ctx) {
        String next = returnTo(ctx.formParam("next"));
        if (!config.tokenSignIn()) {
            page(ctx, HttpStatus.NOT_FOUND, SignInPage.render(config, next, "sign-in with a token is turned off for this console"));
            return;
        }
        if (!CrossSiteRequests.sameOrigin(ctx, ownOrigin(ctx))) {
            page(ctx, HttpStatus.FORBIDDEN, SignInPage.render(config, next, "sign-in refused: the form was not posted from this console"));
            return;
        }
        String token = ctx.formParam("token");
        try {
            if (token == null || token.isBlank()) {
                throw new AuthenticationException("paste a token");
            }
            startSession(ctx, sessions.create(identities.verifier().signIn(token.strip())), next);
        } catch (AuthenticationException e) {
            long delay = admission.refuse(AuthFailure.http("console sign-in: " + e.getMessage(), ctx.ip(), "POST " + BASE + "/signin/token"));
            refusedPage(ctx, HttpStatus.UNAUTHORIZED, delay, next, "token refused: " + e.getMessage());
        }
    }

    private void signOut(Context ctx) {
        Optional<ConsoleSession> session = session(ctx);
        if (session.isPresent()) {
            String refusal = CrossSiteRequests.refusal(ctx, session.get(), ownOrigin(ctx));
            if (refusal != null) {
                ctx.status(HttpStatus.FORBIDDEN).json(Map.of("error", refusal));
                return;
            }
            sessions.end(session.get().id());
            // Like a key revoked here: what runs with a token issued through the session asks again
            // before its next statement, and what streams is ended now, not up to a second later.
            identities.keyRevocations().revoked();
        }
        ConsoleCookies.clear(ctx, ConsoleCookies.SESSION);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void startSession(Context ctx, ConsoleSession session, String returnTo) {
        ConsoleCookies.set(ctx, ConsoleCookies.SESSION, session.id(), sessions.lifetime());
        ctx.redirect(returnTo, HttpStatus.SEE_OTHER);
    }

    /** The sign-in page after a refused sign-in: {@code status}, or 429 with Retry-After once the address is past its allowance. */
    private void refusedPage(Context ctx, HttpStatus status, long delayMillis, String next, String reason) {
        if (delayMillis <= 0) {
            page(ctx, status, SignInPage.render(config, next, reason));
            return;
        }
        ctx.header("Retry-After", Long.toString(SessionAdmission.retryAfterSeconds(delayMillis)));
        page(ctx, HttpStatus.TOO_MANY_REQUESTS, SignInPage.render(config, next, reason + SessionAdmission.pastAllowance(delayMillis)));
    }

    private void page(Context ctx, HttpStatus status, String html) {
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
    }

    static String returnTo(String requested) {
        return requested != null && RETURN_TO.matcher(requested).matches() && !requested.contains("..") ? requested : BASE + "/";
    }

    private static Optional<byte[]> resource(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
