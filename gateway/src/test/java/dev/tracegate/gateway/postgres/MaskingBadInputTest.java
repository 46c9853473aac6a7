package dev.tracegate.gateway.postgres;

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
 * Hostile results through a masking gateway: each ends in a masked value or a clear error, memory
 * stays bounded by the configured limits, and other sessions are served throughout.
 */
class MaskingBadInputTest {

    private static final String POLICY = """
            masking:
              profiles:
                everything: {}
            rules:
              - {name: mask-all, mask: everything}
            """;
    private static final int LIMIT = 64 * 1024 * 1024;

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), POLICY, LIMIT);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void tenMegabytesOfDigitsAreWithheldWithoutScanningAndTheSessionGoesOn() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT repeat('4', 10000000) AS notes")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("[OVERSIZED]");
            }
            assertThat(one(sql)).isEqualTo(1);
        }
    }

    @Test
    void jsonNestedTenThousandDeepBecomesAMarkerNotACrash() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT (repeat('[', 10000) || repeat(']', 10000))::json AS doc")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("\"[TOO_DEEP]\"");
            }
            assertThat(one(sql)).isEqualTo(1);
        }
    }

    @Test
    void aHundredMegabyteCellEndsOnlyItsOwnSessionWithAClearError() throws SQLException {
        try (Connection bystander = gateway.connect("app"); Statement other = bystander.createStatement();
             Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.executeQuery("SELECT decode(repeat('ab', 50000000), 'hex') AS blob"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("cannot be relayed").hasMessageContaining("exceeds limit " + LIMIT);
            assertThat(one(other)).as("the other session is still served").isEqualTo(1);
        }
        try (Connection fresh = gateway.connect("app"); Statement sql = fresh.createStatement()) {
            assertThat(one(sql)).as("and new sessions too").isEqualTo(1);
        }
    }

    private static int one(Statement sql) throws SQLException {
        try (ResultSet rs = sql.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
