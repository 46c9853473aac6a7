package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Run-time service-account keys on both stores: embedded H2 and PostgreSQL. */
class ServiceAccountKeysTest {

    private static Store h2;
    private static Store postgres;

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql");
    }

    private static synchronized Store store(String type) throws Exception {
        if (type.equals("h2")) {
            if (h2 == null) {
                Path dir = Files.createTempDirectory("tracegate-identity-store");
                h2 = Store.open(new StoreConfig("h2", dir.resolve("store").toString(), null, null, null), dir);
            }
            return h2;
        }
        if (postgres == null) {
            String database = "identity_" + Long.toHexString(System.nanoTime());
            try (Connection c = TestTarget.get().getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
                sql.execute("CREATE DATABASE " + database);
            }
            postgres = Store.open(new StoreConfig("postgresql", null,
                    "jdbc:postgresql://127.0.0.1:" + TestTarget.port() + "/" + database, TestTarget.TRUST_USER, null),
                    Files.createTempDirectory("tracegate-identity-pg"));
        }
        return postgres;
    }

    @AfterAll
    static void close() {
        Stream.of(h2, postgres).filter(java.util.Objects::nonNull).forEach(Store::close);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aCreatedKeyAuthenticatesAsItsServiceAccountAndIsStoredOnlyAsADigest(String type) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        JdbcServiceAccountStore accounts = new JdbcServiceAccountStore(store(type).dataSource(), clock);
        ServiceAccountKeyVerifier verifier = new ServiceAccountKeyVerifier(accounts, clock, Duration.ofSeconds(5));

        CreatedServiceAccountKey created = accounts.create(new NewServiceAccountKey("etl-" + type, List.of("loaders", "readers"),
                null, "nightly load", null, "00u1admin"));

        assertThat(created.secret()).startsWith("tgsa_").hasSize(48);
        assertThat(created.toString()).doesNotContain(created.secret());
        Identity identity = verifier.verify(created.secret());
        assertThat(identity).isEqualTo(new Identity("tracegate", "sa:etl-" + type, "etl-" + type, null,
                List.of("loaders", "readers"), "service"));
        assertThat(accounts.find(created.key().id())).hasValueSatisfying(key -> {
            assertThat(key.lastUsedAt()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
            assertThat(key.createdBy()).isEqualTo("00u1admin");
            assertThat(key.description()).isEqualTo("nightly load");
        });
        assertThat(accounts.list()).extracting(ServiceAccountKey::id).contains(created.key().id());
        assertThat(everyStoredValue(store(type))).doesNotContain(created.secret())
                .contains(ServiceAccountSecret.hash(created.secret()));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aRevokedKeyIsRefusedWithinSeconds(String type) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        JdbcServiceAccountStore accounts = new JdbcServiceAccountStore(store(type).dataSource(), clock);
        ServiceAccountKeyVerifier verifier = new ServiceAccountKeyVerifier(accounts, clock, Duration.ofSeconds(5));
        CreatedServiceAccountKey created = accounts.create(new NewServiceAccountKey("agent-" + type, List.of(), "agent", null, null, null));
        assertThat(verifier.verify(created.secret()).kind()).isEqualTo("agent");

        assertThat(accounts.revoke(created.key().id(), clock.instant())).isTrue();
        assertThat(accounts.revoke(created.key().id(), clock.instant())).isFalse();
        clock.advance(Duration.ofSeconds(6));

        assertThatThrownBy(() -> verifier.verify(created.secret())).hasMessage("service account key revoked");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void forgettingAKeyMakesItsRevocationImmediateOnThisNode(String type) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        JdbcServiceAccountStore accounts = new JdbcServiceAccountStore(store(type).dataSource(), clock);
        ServiceAccountKeyVerifier verifier = new ServiceAccountKeyVerifier(accounts, clock, Duration.ofSeconds(5));
        CreatedServiceAccountKey created = accounts.create(new NewServiceAccountKey("ci-" + type, null, null, null, null, null));
        verifier.verify(created.secret());

        accounts.revoke(created.key().id(), clock.instant());
        verifier.forget(created.key().id());

        assertThatThrownBy(() -> verifier.verify(created.secret())).hasMessage("service account key revoked");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void anExpiredOrUnknownKeyIsRefused(String type) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        JdbcServiceAccountStore accounts = new JdbcServiceAccountStore(store(type).dataSource(), clock);
        ServiceAccountKeyVerifier verifier = new ServiceAccountKeyVerifier(accounts, clock, Duration.ofSeconds(5));
        CreatedServiceAccountKey shortLived = accounts.create(new NewServiceAccountKey("tmp-" + type, null, null, null,
                Duration.ofHours(1), null));
        verifier.verify(shortLived.secret());

        clock.advance(Duration.ofHours(1));

        assertThatThrownBy(() -> verifier.verify(shortLived.secret())).hasMessage("service account key expired");
        assertThatThrownBy(() -> verifier.verify(ServiceAccountSecret.generate())).hasMessage("unknown service account key");
        assertThatThrownBy(() -> verifier.verify("tg_alice_Token_3b1e8d")).isInstanceOf(UnrecognizedCredentialException.class);
    }

    @org.junit.jupiter.api.Test
    void anUnreachableStoreRefusesKeysRatherThanAcceptingThem() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-identity-closed");
        Store closed = Store.open(new StoreConfig("h2", dir.resolve("store").toString(), null, null, null), dir);
        JdbcServiceAccountStore accounts = new JdbcServiceAccountStore(closed.dataSource());
        CreatedServiceAccountKey created = accounts.create(new NewServiceAccountKey("etl", null, null, null, null, null));
        closed.close();

        assertThatThrownBy(() -> new ServiceAccountKeyVerifier(accounts).verify(created.secret()))
                .isExactlyInstanceOf(AuthenticationException.class)
                .hasMessage("service account keys are unavailable");
    }

    private static String everyStoredValue(Store store) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = store.dataSource().getConnection(); Statement sql = c.createStatement();
             ResultSet rows = sql.executeQuery("SELECT * FROM service_account_key")) {
            while (rows.next()) {
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    all.append(rows.getString(i)).append('\n');
                }
            }
        }
        return all.toString();
    }
}
