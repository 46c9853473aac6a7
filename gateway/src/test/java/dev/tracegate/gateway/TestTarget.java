package dev.tracegate.gateway;

import dev.tracegate.gateway.config.UpstreamAuth;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One real PostgreSQL per test JVM, reached over TCP with real password authentication: a role
 * per method (SCRAM-SHA-256, MD5, cleartext) so the gateway's upstream logins are all exercised.
 */
public final class TestTarget {

    public static final String DATABASE = "appdb";
    public static final String SCRAM_USER = "app_scram";
    public static final String MD5_USER = "app_md5";
    public static final String CLEARTEXT_USER = "app_clear";
    public static final String TRUST_USER = "postgres";
    /** The held credential; tests assert it never reaches a client, a log or the evidence. */
    public static final String PASSWORD = "Upstream-Secret-7f3a9c";

    private static EmbeddedPostgres postgres;

    private TestTarget() {
    }

    public static synchronized EmbeddedPostgres get() {
        if (postgres == null) {
            try {
                Path dir = Files.createTempDirectory("tracegate-target");
                Path hba = dir.resolve("pg_hba.conf");
                Files.writeString(hba, String.join("\n",
                        "local all all trust",
                        "host all postgres 127.0.0.1/32 trust",
                        "host all " + SCRAM_USER + " 127.0.0.1/32 scram-sha-256",
                        "host all " + MD5_USER + " 127.0.0.1/32 md5",
                        "host all " + CLEARTEXT_USER + " 127.0.0.1/32 password",
                        ""), StandardCharsets.UTF_8);
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("hba_file", hba.toString())
                        .setServerConfig("max_connections", "300")
                        .start();
                createRoles();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // The JVM is exiting.
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return postgres;
    }

    /** The login each role's pg_hba line asks for, as a connection's upstreamAuth must allow it. */
    public static UpstreamAuth loginOf(String user) {
        return switch (user) {
            case MD5_USER -> UpstreamAuth.MD5;
            case CLEARTEXT_USER -> UpstreamAuth.PASSWORD;
            case TRUST_USER -> UpstreamAuth.TRUST;
            default -> UpstreamAuth.SCRAM;
        };
    }

    public static int port() {
        return get().getPort();
    }

    /** A superuser connection straight to the target, bypassing the gateway. */
    public static Connection direct() throws SQLException {
        return get().getDatabase(TRUST_USER, DATABASE).getConnection();
    }

    /** (Re)creates {@code table (id int)} with a trigger that fails every INSERT, COPY included, before any row is read. */
    public static void createRefusingTable(String table) throws SQLException {
        try (Connection c = direct(); Statement sql = c.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS " + table);
            sql.execute("CREATE TABLE " + table + " (id int)");
            sql.execute("CREATE OR REPLACE FUNCTION tracegate_test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN RAISE EXCEPTION '% refuses rows', TG_TABLE_NAME; END $$");
            sql.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + table + " FOR EACH STATEMENT"
                    + " EXECUTE FUNCTION tracegate_test_refuse()");
        }
    }

    /** The OID of a function, for fast-path FunctionCalls, e.g. {@code textcat(text,text)}. */
    public static int functionOid(String signature) throws SQLException {
        try (Connection c = direct(); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT '" + signature + "'::regprocedure::oid")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void createRoles() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("CREATE DATABASE " + DATABASE);
            sql.execute("SET password_encryption = 'scram-sha-256'");
            sql.execute("CREATE ROLE " + SCRAM_USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
            sql.execute("CREATE ROLE " + CLEARTEXT_USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            sql.execute("SET password_encryption = 'md5'");
            sql.execute("CREATE ROLE " + MD5_USER + " LOGIN PASSWORD '" + PASSWORD + "'");
        }
    }
}
