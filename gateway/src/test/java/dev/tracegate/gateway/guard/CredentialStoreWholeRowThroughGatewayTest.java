package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SELECT pg_authid FROM pg_authid} is a whole-row reference: its one column is each row as a
 * record, the password hash included. A plain query of the credential stores' harmless columns
 * stays a read, so the store's name passed as one of its words; until 2026-12-07 a superuser
 * connection handed every role's SCRAM verifier to a caller the policy refused high-risk statements.
 */
class CredentialStoreWholeRowThroughGatewayTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), TestGateway.NO_BULK_WRITES_POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aWholeRowOfACredentialStoreIsRefusedWhileItsHarmlessColumnsAreRead() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String whole : List.of("SELECT pg_authid FROM pg_authid WHERE rolname = 'app_scram'",
                    "SELECT pg_catalog.pg_authid FROM pg_catalog.pg_authid WHERE rolname = 'app_scram'",
                    "SELECT rolname FROM pg_authid ORDER BY pg_authid", "SELECT pg_shadow FROM pg_shadow")) {
                assertThatThrownBy(() -> sql.executeQuery(whole)).as(whole).isInstanceOf(SQLException.class)
                        .hasMessageContaining("pg_");
            }
            try (ResultSet rows = sql.executeQuery("SELECT pg_authid.rolname FROM pg_authid WHERE rolname = 'app_scram'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("app_scram");
            }
        }
    }
}
