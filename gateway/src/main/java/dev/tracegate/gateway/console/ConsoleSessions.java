package dev.tracegate.gateway.console;

import dev.tracegate.gateway.identity.Identity;
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

    /** A new session for someone who just proved who they are. */
    public ConsoleSession create(Identity identity) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
            sessions.values().stream().min(Comparator.comparing(ConsoleSession::expiresAt))
                    .filter(s -> sessions.size() >= MAX_SESSIONS)
                    .ifPresent(s -> sessions.remove(s.id()));
        }
        ConsoleSession session = new ConsoleSession(randomToken(), identity, randomToken(), now.plus(lifetime));
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
