package dev.tracegate.gateway.console;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import java.time.Instant;

/**
 * A signed-in browser: who it is and the sign-in it stands for (which bounds the gateway tokens
 * it may ask for, and whose key must stay active), the token its state-changing requests must
 * echo (CSRF), and when the session ends. The id is the cookie's value and is never logged.
 *
 * @param signedInAt when the session was signed in, and its groups read; null for sessions kept
 *                   from before this was recorded
 */
public record ConsoleSession(String id, SignIn signIn, String csrfToken, Instant expiresAt, Instant signedInAt) {

    public Identity identity() {
        return signIn.identity();
    }

    @Override
    public String toString() {
        return "ConsoleSession[" + identity().subject() + ", until " + expiresAt + "]";
    }
}
