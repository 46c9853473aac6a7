package dev.tracegate.gateway.console;

import io.javalin.http.Context;
import java.time.Duration;

/**
 * The console's two cookies. Both are {@code __Host-} cookies (Secure, Path=/, no Domain, so no
 * sibling host can set or read them) and HttpOnly (no script reads them). SameSite is Lax, not
 * Strict: an approval link opened from Slack or an e-mail is a cross-site navigation, and with
 * Strict the approver would land signed out. Lax still keeps the cookie off cross-site POSTs,
 * and every state-changing request must also carry the session's CSRF token (see {@link CrossSiteRequests}).
 * Browsers accept Secure cookies over plain HTTP only from loopback addresses; anywhere else the
 * console must be reached over HTTPS.
 */
public final class ConsoleCookies {

    public static final String SESSION = "__Host-tracegate-session";
    static final String SIGN_IN = "__Host-tracegate-signin";

    private ConsoleCookies() {
    }

    static void set(Context ctx, String name, String value, Duration maxAge) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; Secure; SameSite=Lax");
    }

    static void clear(Context ctx, String name) {
        ctx.res().addHeader("Set-Cookie", name + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax");
    }
}
