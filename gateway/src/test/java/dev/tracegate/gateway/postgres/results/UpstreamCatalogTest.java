package dev.tracegate.gateway.postgres.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.PostgresUpstreamConnector;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalog connection against a real PostgreSQL: a query asked again and again is prepared once on the
 * connection and then only run (the server lists one prepared statement for it however often it is asked),
 * its answers are current ones, and after the server ends the connection the next question reconnects and
 * prepares it again.
 */
class UpstreamCatalogTest {

    private static final String REPEATED = "SELECT count(*) FROM pg_catalog.pg_prepared_statements";

    @Test
    void aRepeatedQueryIsPreparedOnceAndPreparedAgainOnANewConnection() throws Exception {
        PostgresConnectionConfig connection = new PostgresConnectionConfig("catalog", "127.0.0.1",
                TestTarget.get().getPort(), TestTarget.DATABASE, TestTarget.TRUST_USER, null, UpstreamTlsMode.DISABLE,
                UpstreamAuth.TRUST, null, null);
        try (PostgresUpstreamConnector connector = new PostgresUpstreamConnector();
             UpstreamCatalog catalog = new UpstreamCatalog(() -> connector.connect(connection,
                     Map.of("application_name", "catalog-test"), 1 << 20))) {
            assertThat(catalog.repeated(REPEATED)).as("the first run sees its own statement").isEqualTo(List.of(List.of("1")));
            for (int i = 0; i < 3; i++) {
                assertThat(catalog.repeated(REPEATED)).as("no second statement for the same text").isEqualTo(List.of(List.of("1")));
            }
            assertThat(catalog.query(REPEATED)).as("a plain query prepares nothing").isEqualTo(List.of(List.of("1")));

            try (Connection admin = TestTarget.get().getPostgresDatabase().getConnection();
                 Statement sql = admin.createStatement()) {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'catalog-test'");
            }
            assertThatThrownBy(() -> catalog.repeated(REPEATED)).isInstanceOf(CatalogUnavailableException.class);
            assertThat(catalog.repeated(REPEATED)).as("prepared again on the new connection").isEqualTo(List.of(List.of("1")));
        }
    }
}
