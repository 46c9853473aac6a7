package dev.tracegate.gateway.console;

import dev.tracegate.gateway.identity.Identity;
import java.time.Instant;

/**
 * A signed-in browser: who it is, the token its state-changing requests must echo (CSRF), and
 * when the session ends. The id is the cookie's value and is never logged.
 */
public record ConsoleSession(String id, Identity identity, String csrfToken, Instant expiresAt) {

    @Override
    public String toString() {
        return "ConsoleSession[" + identity.subject() + ", until " + expiresAt + "]";
    }
}
