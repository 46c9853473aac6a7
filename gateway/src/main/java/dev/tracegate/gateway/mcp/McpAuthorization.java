package dev.tracegate.gateway.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.engine.SignedInCaller;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Authorisation of {@code /mcp} as the MCP specification has it: every request carries a bearer
 * token (a gateway token, a service-account key or an OIDC token, verified by the gateway's
 * {@code IdentityVerifier} through {@link SessionAdmission}); without one, or with one refused,
 * the answer is 401 with {@code WWW-Authenticate} naming the protected-resource metadata
 * (RFC 9728). An MCP session belongs to the identity that opened it: another identity presenting
 * its session id is answered as if it did not exist.
 */
final class McpAuthorization implements Filter {

    static final String IDENTITY = "tracegate.identity";
    /** The key the caller signed in with ({@link SessionKey}), which the listeners running its calls check before each command. */
    static final String KEY = "tracegate.key";
    static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionAdmission admission;
    private final AgentSessions sessions;
    private final JsonRpcScreen screen;

    McpAuthorization(SessionAdmission admission, AgentSessions sessions, JsonRpcScreen screen) {
        this.admission = admission;
        this.sessions = sessions;
        this.screen = screen;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String method = request.getMethod();
        HttpServletResponse response = (HttpServletResponse) res;
        if (SessionAdmission.transportRefusal(request.isSecure(), request.getRemoteAddr(), true).isPresent()) {
            error(response, 403, "plain HTTP is accepted from this machine only: use https", null);
            return;
        }
        SignedInCaller caller = authenticate(request, response);
        if (caller == null) {
            return;
        }
        Identity identity = caller.identity();
        String sessionId = request.getHeader(SESSION_HEADER);
        // A session ended (its sign-in no longer stands, its client deleted it) may live on in the SDK:
        // only a session the gateway holds open, and for the sign-in that opened it, is served.
        boolean served = sessionId == null || sessions.serves(sessionId, identity, caller.key());
        if ("POST".equals(request.getMethod())) {
            HttpServletRequest asked = request;
            request = screen.screen(request, response, identity, served ? sessions.find(sessionId).orElse(null) : null,
                    () -> sessions.ofItsOwn(identity, caller.key(), asked.getRemoteAddr() + ":" + asked.getRemotePort(),
                            asked.getHeader("User-Agent")));
            if (request == null) {
                return;
            }
        }
        if (!served) {
            error(response, 404, "no such MCP session for this sign-in (it has ended, or another identity or"
                    + " credential opened it): initialize a new one", null);
            return;
        }
        request.setAttribute(IDENTITY, identity);
        request.setAttribute(KEY, caller.key());
        HttpServletRequest named = request;
        Consumer<String> open = opened -> sessions.open(opened, identity, caller.key(),
                named.getRemoteAddr() + ":" + named.getRemotePort(), named.getHeader("User-Agent"));
        // Opened the moment the SDK names it, before its answer can reach the client, whose next request
        // must find the session open; and after, should the SDK have set the header past the wrapper.
        chain.doFilter(request, sessionId != null ? response : new SessionNaming(response, open));
        String opened = response.getHeader(SESSION_HEADER);
        if (sessionId == null && opened != null) {
            open.accept(opened);
        }
        if (sessionId != null && "GET".equals(method) && named.isAsyncStarted()) {
            sessions.find(sessionId).ifPresent(session -> session.streaming(named.getAsyncContext()));
        }
        if (sessionId != null && "DELETE".equals(method)) {
            sessions.close(sessionId, "the client ended the session");
        }
    }

    /** A response that tells {@code named} the MCP session id the SDK gives it, as the header is set. */
    private static final class SessionNaming extends HttpServletResponseWrapper {

        private final Consumer<String> named;

        SessionNaming(HttpServletResponse response, Consumer<String> named) {
            super(response);
            this.named = named;
        }

        @Override
        public void setHeader(String name, String value) {
            name(name, value);
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            name(name, value);
            super.addHeader(name, value);
        }

        private void name(String header, String value) {
            if (SESSION_HEADER.equalsIgnoreCase(header) && value != null) {
                named.accept(value);
            }
        }
    }

    private SignedInCaller authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            error(response, 401, "send a bearer token: Authorization: Bearer <token>", metadataChallenge(request, null));
            return null;
        }
        try {
            SignedInCaller caller = admission.signIn(header.substring(7).strip(), reason -> new AuthFailure(
                    SourceAddress.parse(request.getRemoteAddr()), AgentSession.PROTOCOL,
                    request.getRemoteAddr() + ":" + request.getRemotePort(), reason, Map.of("path", "/mcp")));
            return new SignedInCaller(asAgent(caller.identity()), caller.key());
        } catch (AuthenticationException e) {
            error(response, 401, "the token was not accepted", metadataChallenge(request, "invalid_token"));
            return null;
        }
    }

    /** A caller who does not say what kind it is, coming in over MCP, is an agent. */
    static Identity asAgent(Identity identity) {
        return identity.kind() != null ? identity : new Identity(identity.issuer(), identity.subject(), identity.name(),
                identity.email(), identity.groups(), "agent", identity.emailVerified());
    }

    private static String metadataChallenge(HttpServletRequest request, String error) {
        return "Bearer " + (error == null ? "" : "error=\"" + error + "\", ") + "resource_metadata=\""
                + ProtectedResourceMetadata.metadataUrl(baseUrl(request)) + "\"";
    }

    /** The address the client used to reach this endpoint, for links back to it. */
    static String baseUrl(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
            host = request.getLocalAddr() + ":" + request.getLocalPort();
        }
        return (request.isSecure() ? "https" : "http") + "://" + host;
    }

    private static void error(HttpServletResponse response, int status, String message, String challenge) throws IOException {
        response.setStatus(status);
        if (challenge != null) {
            response.setHeader("WWW-Authenticate", challenge);
        }
        response.setContentType("application/json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        response.getOutputStream().write(JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
    }
}
