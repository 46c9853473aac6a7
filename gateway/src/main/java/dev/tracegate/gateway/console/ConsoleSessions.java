package dev.tracegate.gateway.console;

import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.gateway.store.StoredJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Console sessions, in the store (console_session), so a signed-in browser is signed in on every
 * gateway node that shares the store and stays signed in across a restart. The store keeps only
 * the SHA-256 of a session id (the cookie's value), never the id: whoever reads the store cannot
 * sign in with what they read. Ids and CSRF tokens are 256 random bits. The number of sessions is
 * capped; at the cap the session closest to its end makes room.
 */
public final class ConsoleSessions {

    static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource store;
    private final Duration lifetime;
    private final Clock clock;

    public ConsoleSessions(DataSource store, Duration lifetime, Clock clock) {
        this.store = store;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * A session for someone who just signed in at the identity provider in this browser: the
     * provider has confirmed them now, and the session lasts the console's own lifetime, or as long
     * as the gateway acts on the groups the provider asserted ({@code claimsMaxAgeSeconds}), if that
     * is sooner: a person removed from a group is asked to sign in again by then.
     */
    public ConsoleSession createInteractive(SignIn signIn) {
        Instant lasts = clock.instant().plus(lifetime);
        Instant end = lasts.isBefore(signIn.notAfter()) ? lasts : signIn.notAfter();
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
        // The reference, not the id: what is done through the session names it without the cookie's value.
        String ref = randomToken();
        ConsoleSession session = new ConsoleSession(randomToken(),
                signIn.presentedAs(new CredentialRef(CredentialRef.CONSOLE_SESSION, ref), end), randomToken(), end, now);
        try (Connection connection = store.getConnection()) {
            makeRoom(connection, now);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO console_session (id_hash, sign_in, csrf_token, expires_at, signed_in_at, ref, carried_through)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, hash(session.id()));
                insert.setString(2, StoredJson.write(session.signIn()));
                insert.setString(3, session.csrfToken());
                insert.setObject(4, time(end));
                insert.setObject(5, time(now));
                insert.setString(6, ref);
                // Opened with a token another console session issued: it ends when that one signs out.
                insert.setString(7, signIn.console() == null ? null : signIn.console().id());
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot keep the console session: " + e.getMessage(), e);
        }
        return session;
    }

    /**
     * The live session with this id; expired ones are forgotten on the way, and so are sessions kept
     * from before they had a reference (what was done through them could not be tied to them: they
     * sign in again). A store that does not answer signs nobody in.
     */
    public Optional<ConsoleSession> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        try (Connection connection = store.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT sign_in, csrf_token, expires_at, signed_in_at, ref FROM console_session WHERE id_hash = ?")) {
            select.setString(1, hash(id));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Instant expiresAt = rows.getObject(3, OffsetDateTime.class).toInstant();
                if (!expiresAt.isAfter(clock.instant()) || rows.getString(5) == null) {
                    end(id);
                    return Optional.empty();
                }
                OffsetDateTime signedInAt = rows.getObject(4, OffsetDateTime.class);
                return Optional.of(new ConsoleSession(id, StoredJson.read(rows.getString(1), SignIn.class),
                        rows.getString(2), expiresAt, signedInAt == null ? null : signedInAt.toInstant()));
            }
        } catch (SQLException | StoreException e) {
            return Optional.empty();
        }
    }

    /**
     * Ends the session, and every session carried through it: opened by pasting a token it issued,
     * or a token one of those issued, and so on. Each is a session signed in with such a token, and
     * someone who signs out expects none of them to go on in their name.
     */
    public void end(String id) {
        if (id == null || id.isEmpty()) {
            return;
        }
        try (Connection connection = store.getConnection()) {
            Deque<String> ended = new ArrayDeque<>(refs(connection, "id_hash", hash(id)));
            delete(connection, "id_hash", hash(id));
            for (String ref; (ref = ended.poll()) != null; ) {
                ended.addAll(refs(connection, "carried_through", ref));
                delete(connection, "carried_through", ref);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot end the console session: " + e.getMessage(), e);
        }
    }

    /** The references of the sessions whose {@code column} (a fixed name, not input) is {@code value}. */
    private static List<String> refs(Connection connection, String column, String value) throws SQLException {
        List<String> refs = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT ref FROM console_session WHERE " + column + " = ?")) {
            select.setString(1, value);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getString(1) != null) {
                        refs.add(rows.getString(1));
                    }
                }
            }
        }
        return refs;
    }

    private static void delete(Connection connection, String column, String value) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM console_session WHERE " + column + " = ?")) {
            delete.setString(1, value);
            delete.executeUpdate();
        }
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Forgets ended sessions; at the cap, also the one closest to its end. */
    private static void makeRoom(Connection connection, Instant now) throws SQLException {
        try (PreparedStatement expired = connection.prepareStatement("DELETE FROM console_session WHERE expires_at <= ?")) {
            expired.setObject(1, time(now));
            expired.executeUpdate();
        }
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM console_session");
             ResultSet rows = count.executeQuery()) {
            rows.next();
            if (rows.getLong(1) < MAX_SESSIONS) {
                return;
            }
        }
        try (PreparedStatement oldest = connection.prepareStatement("DELETE FROM console_session WHERE id_hash IN"
                + " (SELECT id_hash FROM (SELECT id_hash FROM console_session ORDER BY expires_at LIMIT 1) s)")) {
            oldest.executeUpdate();
        }
    }

    /** What the store keeps of a session id: its SHA-256, hex. */
    static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
