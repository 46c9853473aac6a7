package dev.tracegate.gateway.console;

import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses state-changing requests that a cookie carries but another site started. Two checks,
 * each enough alone against a browser: the request must echo the session's CSRF token in a
 * header (which a cross-site form cannot set and a cross-site script cannot read), and an
 * {@code Origin} header, which browsers send on every cross-origin POST, must name the console's
 * own origin. Requests with a bearer token need neither: the browser never adds one by itself.
 */
public final class CrossSiteRequests {

    public static final String CSRF_HEADER = "X-Tracegate-Csrf";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSiteRequests() {
    }

    private static boolean changesState(Context ctx) {
        return !SAFE_METHODS.contains(ctx.method().name());
    }

    /**
     * Null when a request with the session cookie may go on, otherwise why not. Browsers say where
     * a request comes from in {@code Sec-Fetch-Site}; the API answers cookie-carrying requests only
     * from the console itself ({@code same-origin}) or typed in the address bar ({@code none}), so
     * another site cannot even make a signed-in browser start an export. Requests that change
     * something must in addition pass {@link #stateChangeRefusal}.
     */
    public static String refusal(Context ctx, ConsoleSession session, String ownOrigin) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "cross-site request refused: the API answers the console's cookie only from the console (Sec-Fetch-Site: "
                    + site + ")";
        }
        return changesState(ctx) ? stateChangeRefusal(ctx, session, ownOrigin) : null;
    }

    /** Null when a state-changing request carries the session's CSRF token from the console's origin, otherwise why not. */
    public static String stateChangeRefusal(Context ctx, ConsoleSession session, String ownOrigin) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equalsIgnoreCase(ownOrigin)) {
            return "cross-site request refused: it comes from " + origin + ", not " + ownOrigin;
        }
        String token = ctx.header(CSRF_HEADER);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            return "cross-site request refused: send the session's CSRF token in " + CSRF_HEADER;
        }
        return null;
    }

    /**
     * For forms posted before any session exists (token sign-in): the Origin header, or without
     * one the Referer, must be the console's own. A login CSRF would otherwise sign a victim in as
     * the attacker.
     */
    public static boolean sameOrigin(Context ctx, String ownOrigin) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            String referer = ctx.header("Referer");
            origin = referer == null ? null : originOf(referer);
        }
        return origin != null && origin.equalsIgnoreCase(ownOrigin);
    }

    /** {@code scheme://host[:port]} of a URL, or null when it is not one. */
    public static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                    + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
