package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * The test MariaDB behind a gateway that runs a test's own policy, and the two clients the tests
 * reach it with: Connector/J and the real {@code mariadb} command-line client, both signing in as
 * the {@code analyst} account with a caller's token. One per test class: each class sets up its
 * own tables and policy, so what one test masks never depends on another's.
 */
final class MysqlGatewayFixture implements AutoCloseable {

    final TestMariaDb mariadb;
    final TestGateway gateway;

    private MysqlGatewayFixture(TestMariaDb mariadb, TestGateway gateway) {
        this.mariadb = mariadb;
        this.gateway = gateway;
    }

    /**
     * A policy that masks one column, written as a masking profile's column entry ({@code "{match:
     * t.name, entity: person_name, strategy: hash}"}), for every caller outside {@code admins}, and
     * lets the MySQL text the classifier cannot read run: the shape the lineage tests attack.
     */
    static String maskingPolicy(String column) {
        return """
                defaults:
                  action: allow
                masking:
                  profiles:
                    personal-data:
                      columns:
                        - %s
                rules:
                  - name: mask-personal-data
                    connections: [shop]
                    exceptGroups: [admins]
                    mask: personal-data
                  - name: mysql-text
                    connections: [shop]
                    classes: [unknown]
                    action: allow
                """.formatted(column);
    }

    /** Runs {@code setUp} as root on the shared server, then starts a gateway with {@code policy}. */
    static MysqlGatewayFixture start(String policy, String... setUp) throws IOException {
        TestMariaDb mariadb = TestMariaDb.get();
        if (setUp.length > 0) {
            mariadb.sql(setUp);
        }
        return new MysqlGatewayFixture(mariadb,
                TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), policy, 4 * 1024 * 1024));
    }

    /** A Connector/J connection to the {@code shop} database through the gateway, over TLS. */
    Connection connect(String token) throws SQLException {
        return connect(token, "");
    }

    /** The same, with more URL options ({@code "&useServerPrepStmts=true"}). */
    Connection connect(String token, String options) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port()
                + "/shop?sslMode=trust&user=analyst&password=" + token + options);
    }

    /** What the {@code mariadb} client prints for {@code sql} in batch mode without column names, stripped. */
    String mariadbClient(String token, String sql) throws IOException, InterruptedException {
        Process cli = new ProcessBuilder("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", Integer.toString(port()),
                "--ssl", "-u", "analyst", "-p" + token, "-A", "shop", "-N", "-B", "-e", sql)
                .redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the mariadb client finished").isTrue();
        return output.strip();
    }

    private int port() {
        return gateway.gateway().port(MysqlEngine.PROTOCOL);
    }

    @Override
    public void close() {
        gateway.close();
    }
}
