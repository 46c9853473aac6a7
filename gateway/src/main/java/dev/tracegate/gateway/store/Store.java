package dev.tracegate.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tracegate.gateway.config.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The gateway's database: embedded H2 by default, PostgreSQL for production and for several
 * nodes sharing one log. Both run the same Flyway migrations; the few types that differ are
 * placeholders.
 */
public final class Store implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final boolean embedded;

    private Store(HikariDataSource dataSource, boolean embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    /** Opens the store and brings its schema up to date. */
    public static Store open(StoreConfig config, Path dataDir) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tracegate-store");
        hikari.setMaximumPoolSize(8);
        // Fail fast: a command waits for its evidence, so a store that is gone must surface as an error.
        hikari.setConnectionTimeout(5_000);
        Map<String, String> placeholders;
        if (config.embedded()) {
            Path file = config.path() != null ? Path.of(config.path()) : dataDir.resolve("store").resolve("tracegate");
            // Durability of evidence comes from the evidence journal, not from H2's commits, so
            // H2 may write its pages lazily (see EvidenceLog).
            hikari.setJdbcUrl("jdbc:h2:file:" + file.toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE");
            hikari.setUsername("tracegate");
            hikari.setPassword("");
            placeholders = Map.of("bytes", "VARBINARY", "blob", "BINARY LARGE OBJECT");
        } else {
            hikari.setJdbcUrl(config.url());
            // Several nodes share the log and take turns on its head row: each batch's rows must go out as
            // multi-row INSERTs (one statement per 128 rows), not one statement per event, to keep that turn short.
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
            hikari.setUsername(config.username());
            if (config.password() != null) {
                hikari.setPassword(config.password().resolve());
            }
            placeholders = Map.of("bytes", "BYTEA", "blob", "BYTEA");
        }
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .placeholders(placeholders)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot prepare the store: " + e.getMessage(), e);
        }
        return new Store(dataSource, config.embedded());
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean embedded() {
        return embedded;
    }

    /**
     * A connection of its own, outside the pool, for a caller that keeps it open for as long as it
     * runs (a PostgreSQL {@code LISTEN}): held from the pool it would shrink the pool for good.
     */
    public Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
    }

    /** A transaction on a pooled connection; closing it without {@link StoreTransaction#commit()} rolls it back. */
    public StoreTransaction begin() throws SQLException {
        return StoreTransaction.on(dataSource.getConnection());
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
