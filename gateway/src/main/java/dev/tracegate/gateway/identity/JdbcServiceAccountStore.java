package dev.tracegate.gateway.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.store.StoreException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Service-account keys in the gateway's store (table {@code service_account_key}, migration V2),
 * so every gateway node sharing a PostgreSQL store sees a key, and its revocation, at once. An SSH
 * public key's row holds its fingerprint where a secret key's holds its digest ({@link SshPublicKey}).
 */
public final class JdbcServiceAccountStore implements ServiceAccountStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, account, groups_json, kind, description, created_at, created_by, "
            + "expires_at, revoked_at, last_used_at, secret_hash, created_by_email";

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcServiceAccountStore(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    JdbcServiceAccountStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public CreatedServiceAccountKey create(NewServiceAccountKey request) {
        String secret = ServiceAccountSecret.generate();
        return new CreatedServiceAccountKey(insert(request, ServiceAccountSecret.hash(secret), null), secret);
    }

    @Override
    public ServiceAccountKey register(NewServiceAccountKey request, SshPublicKey key) {
        Optional<ServiceAccountKey> existing = findBySecretHash(key.stored());
        if (existing.isPresent()) {
            // Rows are never deleted, so a revoked key stays revoked: a new key is the way back.
            throw new IllegalArgumentException("the SSH key " + key.fingerprint() + " is registered already (key "
                    + existing.get().id() + " of " + existing.get().account() + (existing.get().revoked() ? ", revoked" : "") + ")");
        }
        return insert(request, key.stored(), key.fingerprint());
    }

    private ServiceAccountKey insert(NewServiceAccountKey request, String secretHash, String sshKey) {
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ServiceAccountKey key = new ServiceAccountKey(HexFormat.of().formatHex(idBytes), request.account(), request.groups(),
                request.kind(), request.description(), now, request.createdBy(), request.createdByEmail(),
                request.lifetime() == null ? null : now.plus(request.lifetime()), null, null, sshKey);
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO service_account_key (id, account, secret_hash, groups_json, kind, description, created_at, "
                        + "created_by, expires_at, created_by_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.id());
            insert.setString(2, key.account());
            insert.setString(3, secretHash);
            insert.setString(4, JSON.writeValueAsString(key.groups()));
            insert.setString(5, key.kind());
            insert.setString(6, key.description());
            insert.setObject(7, time(key.createdAt()));
            insert.setString(8, key.createdBy());
            insert.setObject(9, time(key.expiresAt()));
            insert.setString(10, key.createdByEmail());
            insert.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot create a key for service account " + request.account() + ": " + e.getMessage(), e);
        }
        return key;
    }

    @Override
    public List<ServiceAccountKey> list() {
        return query("SELECT " + COLUMNS + " FROM service_account_key ORDER BY account, created_at, id", null);
    }

    @Override
    public Optional<ServiceAccountKey> find(String id) {
        return query("SELECT " + COLUMNS + " FROM service_account_key WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public Optional<ServiceAccountKey> findBySecretHash(String secretHash) {
        return query("SELECT " + COLUMNS + " FROM service_account_key WHERE secret_hash = ?", secretHash).stream().findFirst();
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return update("UPDATE service_account_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at, id) == 1;
    }

    @Override
    public void recordUse(String id, Instant at) {
        update("UPDATE service_account_key SET last_used_at = ? WHERE id = ?", at, id);
    }

    private int update(String sql, Instant at, String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(sql)) {
            update.setObject(1, time(at.truncatedTo(ChronoUnit.MILLIS)));
            update.setString(2, id);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update service account key " + id + ": " + e.getMessage(), e);
        }
    }

    private List<ServiceAccountKey> query(String sql, String parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            List<ServiceAccountKey> keys = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(new ServiceAccountKey(rows.getString(1), rows.getString(2),
                            JSON.readValue(rows.getString(3), new TypeReference<List<String>>() { }), rows.getString(4),
                            rows.getString(5), instant(rows, 6), rows.getString(7), rows.getString(12), instant(rows, 8), instant(rows, 9),
                            instant(rows, 10), SshPublicKey.fromStored(rows.getString(11)).map(SshPublicKey::fingerprint)
                            .orElse(null)));
                }
            }
            return keys;
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read service account keys: " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
