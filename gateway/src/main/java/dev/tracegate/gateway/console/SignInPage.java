package dev.tracegate.gateway.console;

import dev.tracegate.gateway.config.ConsoleConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The sign-in page, rendered on the server so it works before any script runs. */
final class SignInPage {

    private SignInPage() {
    }

    static String render(ConsoleConfig config, String next, String error) {
        StringBuilder body = new StringBuilder();
        if (error != null) {
            body.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>\n");
        }
        if (config.oidc()) {
            body.append("<p><a class=\"button primary\" href=\"/console/signin/oidc?next=").append(escape(urlEncode(next)))
                    .append("\">Sign in with single sign-on</a></p>\n");
        }
        if (config.tokenSignIn()) {
            body.append("""
                    <form method="post" action="/console/signin/token" class="stack">
                      <input type="hidden" name="next" value="%s">
                      <label for="token">%s</label>
                      <input id="token" name="token" type="password" autocomplete="off" required>
                      <p class="hint">An API key, a service-account key, or a gateway token from <code>tracegate token --gateway</code>.</p>
                      <button type="submit" class="%s">Sign in with token</button>
                    </form>
                    """.formatted(escape(next), config.oidc() ? "Or paste a token" : "Token", config.oidc() ? "" : "primary"));
        }
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>Sign in · Tracegate</title>
                  <link rel="stylesheet" href="/console/assets/console.css">
                </head>
                <body class="signin">
                  <main class="card">
                    <h1>Tracegate</h1>
                    <p>Sign in to review approvals, sessions and evidence.</p>
                    %s
                  </main>
                </body>
                </html>
                """.formatted(body);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String urlEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
