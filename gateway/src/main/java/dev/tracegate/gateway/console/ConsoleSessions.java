package dev.tracegate.gateway.console;

import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.SignIn;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sessions, in memory: a restart signs everyone out, which costs a click and keeps no
 * session secret on disk. Ids and CSRF tokens are 256 random bits. The number of sessions is
 * capped; at the cap the session closest to its end makes room.
 */
public final class ConsoleSessions {

    static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final Clock clock;

    public ConsoleSessions(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * A session for someone who just signed in at the identity provider in this browser: the
     * provider has confirmed them now, and the session lasts the console's own lifetime.
     */
    public ConsoleSession createInteractive(SignIn signIn) {
        Instant end = clock.instant().plus(lifetime);
        return create(new SignIn(signIn.identity(), signIn.authenticatedAt(), end, signIn.actor(), signIn.key(),
                signIn.presented()));
    }

    /**
     * A session for someone who pasted a credential: it ends when the console's lifetime does, or
     * when the credential's sign-in does if that is sooner, so a short-lived token cannot become an
     * eight-hour session (nor a way to mint tokens beyond its own end).
     */
    public ConsoleSession create(SignIn signIn) {
        Instant now = clock.instant();
        Instant end = now.plus(lifetime).isBefore(signIn.notAfter()) ? now.plus(lifetime) : signIn.notAfter();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
            sessions.values().stream().min(Comparator.comparing(ConsoleSession::expiresAt))
                    .filter(s -> sessions.size() >= MAX_SESSIONS)
                    .ifPresent(s -> sessions.remove(s.id()));
        }
        String id = randomToken();
        ConsoleSession session = new ConsoleSession(id,
                signIn.presentedAs(new CredentialRef(CredentialRef.CONSOLE_SESSION, null), end), randomToken(), end);
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id; expired ones are forgotten on the way. */
    public Optional<ConsoleSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        ConsoleSession session = sessions.get(id);
        if (session != null && !session.expiresAt().isAfter(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.ofNullable(session);
    }

    public void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    public Duration lifetime() {
        return lifetime;
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
