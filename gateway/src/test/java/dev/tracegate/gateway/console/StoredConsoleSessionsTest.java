package dev.tracegate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.MutableClock;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.identity.TokenActor;
import dev.tracegate.gateway.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Console sessions in the store: a session begun through one gateway is found by another on the
 * same store and after a restart, the store never holds the cookie's value, and sign-out and
 * expiry end it everywhere.
 */
class StoredConsoleSessionsTest {

    private static final Identity ADA = new Identity("https://idp.example.com", "ada", "Ada", "ada@example.com",
            List.of("dba"), "human");
    private static final Instant NOW = Instant.parse("2026-12-04T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aSessionIsFoundThroughAnotherGatewayAndAfterARestartWithEverythingItStandsFor() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        SignIn signIn = new SignIn(ADA, NOW.minusSeconds(60), NOW.plus(Duration.ofHours(2)),
                new TokenActor("https://idp.example.com", "agent-7"), new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k1"),
                new CredentialRef(CredentialRef.OIDC_TOKEN, "jti-1"));
        ConsoleSession created;
        try (Store store = store()) {
            created = new ConsoleSessions(store.dataSource(), Duration.ofHours(8), clock).create(signIn);
            ConsoleSession elsewhere = new ConsoleSessions(store.dataSource(), Duration.ofHours(8), clock).find(created.id()).orElseThrow();
            assertThat(elsewhere).isEqualTo(created);
        }
        try (Store reopened = store()) {
            ConsoleSession afterRestart = new ConsoleSessions(reopened.dataSource(), Duration.ofHours(8), clock)
                    .find(created.id()).orElseThrow();
            assertThat(afterRestart.signIn()).isEqualTo(created.signIn());
            assertThat(afterRestart.signIn().actor().subject()).isEqualTo("agent-7");
            assertThat(afterRestart.expiresAt()).as("a pasted credential's end bounds the session").isEqualTo(signIn.notAfter());
            assertThat(afterRestart.csrfToken()).isEqualTo(created.csrfToken());
        }
    }

    @Test
    void theStoreHoldsOnlyAHashOfTheSessionId() throws Exception {
        try (Store store = store()) {
            ConsoleSession session = new ConsoleSessions(store.dataSource(), Duration.ofHours(8), new MutableClock(NOW))
                    .createInteractive(new SignIn(ADA, NOW, NOW.plusSeconds(300), null, null,
                            new CredentialRef(CredentialRef.OIDC_TOKEN, null)));

            List<String> stored = everyValue(store);
            assertThat(stored).isNotEmpty().noneMatch(value -> value.contains(session.id()));
            assertThat(stored).contains(ConsoleSessions.hash(session.id()));
        }
    }

    @Test
    void signOutAndExpiryEndTheSessionForEveryGateway() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (Store store = store()) {
            ConsoleSessions one = new ConsoleSessions(store.dataSource(), Duration.ofHours(8), clock);
            ConsoleSessions other = new ConsoleSessions(store.dataSource(), Duration.ofHours(8), clock);
            SignIn signIn = new SignIn(ADA, NOW, NOW.plus(Duration.ofDays(1)), null, null,
                    new CredentialRef(CredentialRef.OIDC_TOKEN, null));
            ConsoleSession signedOut = one.createInteractive(signIn);
            ConsoleSession expiring = one.createInteractive(signIn);

            other.end(signedOut.id());
            assertThat(one.find(signedOut.id())).isEmpty();
            assertThat(one.find(expiring.id())).isPresent();
            clock.advance(Duration.ofHours(8));
            assertThat(other.find(expiring.id())).isEmpty();
            assertThat(one.find("not-a-session")).isEmpty();
            assertThat(one.find("")).isEmpty();
        }
    }

    /**
     * A vote or grant keeps the reference of the console session it was given in; every gateway asks
     * the store whether that session is still signed in, so signing out, or the session's end, makes
     * them lapse. A session kept from before it had a reference signs in again.
     */
    @Test
    void whatWasGivenInASessionStandsOnlyWhileItIsSignedIn() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (Store store = store()) {
            ConsoleSessions sessions = new ConsoleSessions(store.dataSource(), Duration.ofHours(8), clock);
            ConsoleSessionStanding standing = new ConsoleSessionStanding(store.dataSource(), clock);
            SignIn signIn = new SignIn(ADA, NOW, NOW.plus(Duration.ofDays(1)), null, null,
                    new CredentialRef(CredentialRef.OIDC_TOKEN, null));
            ConsoleSession signedOut = sessions.createInteractive(signIn);
            ConsoleSession expiring = sessions.createInteractive(signIn);
            ConsoleSession older = sessions.createInteractive(signIn);
            CredentialRef expiringRef = expiring.signIn().presented();
            assertThat(expiringRef.id()).isNotNull().isNotEqualTo(expiring.id()).isNotEqualTo(ConsoleSessions.hash(expiring.id()));

            standing.requireSignedIn(signedOut.signIn().presented());
            sessions.end(signedOut.id());
            assertThatThrownBy(() -> standing.requireSignedIn(signedOut.signIn().presented()))
                    .hasMessage("the console session has signed out or ended");
            try (Connection c = store.dataSource().getConnection(); Statement sql = c.createStatement()) {
                sql.executeUpdate("UPDATE console_session SET ref = NULL WHERE id_hash = '" + ConsoleSessions.hash(older.id()) + "'");
            }
            assertThat(sessions.find(older.id())).as("a session from before references signs in again").isEmpty();
            standing.requireSignedIn(expiringRef);
            clock.advance(Duration.ofHours(8));
            assertThatThrownBy(() -> standing.requireSignedIn(expiringRef)).hasMessage("the console session has signed out or ended");
            assertThatThrownBy(() -> standing.requireSignedIn(new CredentialRef(CredentialRef.CONSOLE_SESSION, null)))
                    .hasMessageContaining("before the gateway kept which one it was");
            assertThatThrownBy(() -> standing.requireSignedIn(new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, "k1")))
                    .hasMessage("a service-account-key is not a console session");

        }
    }

    private Store store() {
        return Store.open(new StoreConfig(null, null, null, null, null), dir);
    }

    private static List<String> everyValue(Store store) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement sql = c.createStatement();
             ResultSet rows = sql.executeQuery("SELECT * FROM console_session")) {
            ResultSetMetaData columns = rows.getMetaData();
            while (rows.next()) {
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    values.add(String.valueOf(rows.getObject(i)));
                }
            }
        }
        return values;
    }
}
