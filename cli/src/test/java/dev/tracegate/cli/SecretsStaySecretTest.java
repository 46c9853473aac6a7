package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.ledger.note.LogKeyPair;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets stay secret (docs/reliability.md, "Secrets"): a gateway started as an operator starts it
 * ({@code tracegate serve}, every listener, logging at DEBUG) serves a realistic run, and every log
 * line, the evidence bundle, every API response and every console page of that run is searched
 * for each credential, token and key the run held or handed out. None may appear, except in the
 * one response that hands a credential to the caller who asked for it (a new token, a new
 * service-account key).
 *
 * <p>The run: pgjdbc and psql sessions with a static API key, an OIDC token, gateway tokens, a
 * service-account key and a token obtained by token exchange; refused log-ins with guessed
 * credentials; a DDL statement held until a DBA approves it through the API (with a signed
 * webhook to a receiver); masked and recorded HTTP requests to a target that needs the gateway's
 * own credential; an evidence export.
 */
class SecretsStaySecretTest {

    private static final String UPSTREAM_PASSWORD = "Upstream-Pw-7c41e9d2b8";
    private static final String ADMIN_KEY = "tg_admin_Secret_4f9a1c77";
    private static final String ANALYST_KEY = "tg_analyst_Secret_2b7e5510";
    private static final String DBA_KEY = "tg_dba_Secret_8d13c0aa";
    private static final String HASH_KEY = "Masking-Hash-Key-93be0c1f5a27";
    private static final String WEBHOOK_SECRET = "Webhook-Secret-61d0a8ff03";
    private static final String TARGET_TOKEN = "Trace-Store-Token-5e2c90d4";
    private static final String GUESSED_KEY = "tg_guessed_Secret_0e77aa91";
    private static final byte[] LOG_KEY_SEED = "a log key seed of 32 bytes......".getBytes(StandardCharsets.US_ASCII);
    private static final String ORIGIN = "tracegate.test/secrets";
    private static final String EMAIL = "ada.lovelace@example.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Every credential, token and key of the run; handed-out ones are added as they are issued. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    /** Everything the run produced that must hold none of them: name of the source to its text. */
    private final Map<String, String> produced = new LinkedHashMap<>();
    private String api;

    @Test
    void noCredentialTokenOrKeyAppearsInLogsEvidenceApiResponsesOrConsolePages(@TempDir Path dir) throws Exception {
        LogKeyPair logKey = LogKeyPair.fromSeed(ORIGIN, LOG_KEY_SEED);
        secrets.putAll(Map.of("upstream password", UPSTREAM_PASSWORD, "admin key", ADMIN_KEY, "analyst key", ANALYST_KEY,
                "dba key", DBA_KEY, "masking hash key", HASH_KEY, "webhook secret", WEBHOOK_SECRET,
                "http target credential", TARGET_TOKEN, "guessed key", GUESSED_KEY,
                "log signing key", logKey.privateKeyLine()));
        secrets.put("log signing key seed (base64)", Base64.getEncoder().encodeToString(LOG_KEY_SEED));
        secrets.put("log signing key seed (hex)", HexFormat.of().formatHex(LOG_KEY_SEED));

        List<String> targetAuthorizations = new CopyOnWriteArrayList<>();
        List<String> webhooks = new CopyOnWriteArrayList<>();
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/api", exchange -> {
            targetAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.createContext("/hooks", exchange -> {
            webhooks.add(exchange.getRequestHeaders().getFirst("X-Tracegate-Signature") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.start();
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        try (EmbeddedPostgres postgres = upstream(dir)) {
            Path config = configure(dir, logKey, postgres.getPort(), provider,
                    "http://127.0.0.1:" + target.getAddress().getPort());
            Path log = dir.resolve("gateway.log");
            Process gateway = serve(config, log);
            try {
                Ports ports = awaitReady(log, gateway, config);
                api = "http://127.0.0.1:" + ports.api();
                secrets.put("gateway token signing key", pemBody(dir.resolve("data/keys/gateway-token-key.pem")));
                run(ports, provider, webhooks);
                assertThat(targetAuthorizations).as("the target received the held credential").contains("Bearer " + TARGET_TOKEN);
                assertThat(webhooks).as("a signed webhook announced the held DDL").anyMatch(w -> w.startsWith("sha256="));
                webhooks.forEach(w -> produced.put("webhook delivery", produced.getOrDefault("webhook delivery", "") + w));
            } finally {
                gateway.destroy();
                gateway.waitFor(30, TimeUnit.SECONDS);
            }
            String logged = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(logged).as("the gateway logged at DEBUG").contains("DEBUG");
            produced.put("the gateway's log (stdout and stderr, DEBUG)", logged);
        } finally {
            provider.shutdown();
            target.stop(0);
        }

        assertThat(secrets).hasSizeGreaterThanOrEqualTo(18);
        assertThat(produced).as("sources searched").hasSizeGreaterThan(50);
        List<String> found = new ArrayList<>();
        produced.forEach((where, text) -> secrets.forEach((what, secret) -> {
            if (text.contains(secret)) {
                found.add(what + " in " + where);
            }
        }));
        assertThat(found).as("secrets found in what the run produced (%d sources searched)", produced.size()).isEmpty();
    }

    /** The realistic run; records every response and page it sees in {@link #produced}. */
    private void run(Ports ports, MockOAuth2Server provider, List<String> webhooks) throws Exception {
        // A static key over pgjdbc: the analyst's e-mails come back masked.
        assertThat(query(ports, "analyst", ANALYST_KEY, "SELECT email FROM customers")).doesNotContain(EMAIL);
        // An OIDC token over psql.
        String oidcToken = provider.issueToken("corp", "alice", "tracegate", Map.of("groups", List.of("analysts")), 3600)
                .serialize();
        secrets.put("OIDC token", oidcToken);
        secrets.put("OIDC token signature", oidcToken.substring(oidcToken.lastIndexOf('.') + 1));
        assertThat(psql(ports, "alice", oidcToken, "SELECT count(*) FROM customers")).contains("1");
        // Gateway tokens for a key and for the OIDC sign-in.
        String adminToken = handedOut("gateway token (admin)", post("/api/tokens", ADMIN_KEY, "").path("token").asText());
        assertThat(query(ports, "admin", adminToken, "SELECT email FROM customers")).contains(EMAIL);
        String aliceToken = handedOut("gateway token (OIDC)", post("/api/tokens", oidcToken, "").path("token").asText());
        assertThat(psql(ports, "alice", aliceToken, "SELECT 1")).contains("1");
        // A service-account key, used directly and for a gateway token.
        JsonNode created = post("/api/service-accounts", ADMIN_KEY,
                "{\"account\": \"nightly-report\", \"groups\": [\"analysts\"], \"description\": \"reports\"}");
        String accountKey = handedOut("service-account key", created.path("secret").asText());
        assertThat(query(ports, "nightly", accountKey, "SELECT count(*) FROM customers")).contains("1");
        String accountToken = handedOut("gateway token (service account)",
                post("/api/tokens", accountKey, "").path("token").asText());
        assertThat(psql(ports, "nightly", accountToken, "SELECT 2")).contains("2");
        // Token exchange: a CI job's OIDC token for a gateway token.
        String ciToken = provider.issueToken("ci", "repo:acme/shop:ref:refs/heads/main", "tracegate-ci",
                Map.of("repository", "acme/shop", "ref", "refs/heads/main"), 600).serialize();
        secrets.put("CI token", ciToken);
        String form = "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token="
                + encode(ciToken) + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:id_token");
        HttpResponse<String> exchanged = send(HttpRequest.newBuilder(URI.create(api + "/api/tokens/exchange"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String exchangedToken = handedOut("exchanged token", JSON.readTree(exchanged.body()).path("access_token").asText());
        assertThat(psql(ports, "deployer", exchangedToken, "SELECT 3")).contains("3");
        // Guessed credentials at every listener.
        assertThat(psql(ports, "mallory", GUESSED_KEY, "SELECT 1")).containsIgnoringCase("authentication");
        record("API refusal of a guessed key", get("/api/me", GUESSED_KEY));
        record("HTTP gateway refusal of a guessed key", sendRecorded(httpGateway(ports, GUESSED_KEY)));
        // The HTTP gateway: the caller's e-mail is masked on its way to the target and back.
        assertThat(sendRecorded(httpGateway(ports, ANALYST_KEY)).body()).doesNotContain(EMAIL);
        // A held DDL statement, approved by the DBA through the API.
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
            try {
                return query(ports, "analyst", ANALYST_KEY, "ALTER TABLE orders ADD COLUMN note text");
            } catch (SQLException e) {
                return e.getMessage();
            }
        });
        String approval = awaitApproval();
        record("approval", get("/api/approvals/" + approval, DBA_KEY));
        record("approval activity", get("/api/approvals/" + approval + "/activity", DBA_KEY));
        recordPost("/api/approvals/" + approval + "/approve", DBA_KEY, "{\"reason\": \"planned\"}");
        assertThat(held.get(60, TimeUnit.SECONDS)).doesNotContain("ERROR");
        for (int i = 0; i < 100 && webhooks.isEmpty(); i++) {
            Thread.sleep(100);
        }
        // Everything an admin, the DBA and the analyst can read back.
        readEveryApiRoute();
        readTheConsole();
        exportEvidence();
    }

    private String handedOut(String what, String credential) {
        assertThat(credential).as(what).isNotBlank();
        secrets.put(what, credential);
        return credential;
    }

    private void readEveryApiRoute() throws Exception {
        JsonNode sessions = JSON.readTree(record("sessions", get("/api/sessions?limit=100", ADMIN_KEY)));
        Set<String> paths = new LinkedHashSet<>(List.of("/api/health", "/api/me", "/api/connections", "/api/policy",
                "/api/openapi.json", "/api/service-accounts", "/api/approvals", "/api/approvals?all=true", "/api/evidence",
                "/.well-known/jwks.json"));
        for (JsonNode session : sessions.isArray() ? sessions : sessions.path("sessions")) {
            String id = session.path("id").asText(session.path("session").asText());
            paths.add("/api/sessions/" + id);
            JsonNode detail = JSON.readTree(get("/api/sessions/" + id, ADMIN_KEY).body());
            Matcher blobs = Pattern.compile("\"(?:blob|data)\"\\s*:\\s*\"([A-Za-z0-9_.-]+)\"").matcher(detail.toString());
            while (blobs.find()) {
                paths.add("/api/sessions/" + id + "/data/" + blobs.group(1));
            }
            Matcher traces = Pattern.compile("\"trace_id\"\\s*:\\s*\"([0-9a-f]{32})\"").matcher(detail.toString());
            while (traces.find()) {
                paths.add("/api/traces/" + traces.group(1));
            }
        }
        for (String path : paths) {
            for (String caller : List.of(ADMIN_KEY, DBA_KEY, ANALYST_KEY)) {
                record("GET " + path, get(path, caller));
            }
        }
        record("checkpoint", sendRecorded(HttpRequest.newBuilder(URI.create(api + "/api/evidence/checkpoints"))
                .header("Authorization", "Bearer " + ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody())));
    }

    /** The console's pages and every script and style they load, signed in and not. */
    private void readTheConsole() throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        List<String> pending = new ArrayList<>(List.of("/console", "/console/sessions", "/console/approvals",
                "/console/evidence", "/console/signin"));
        while (!pending.isEmpty()) {
            String path = pending.removeFirst();
            if (!seen.add(path)) {
                continue;
            }
            for (String caller : List.of("", ADMIN_KEY)) {
                String page = record("console " + path, get(path, caller));
                Matcher links = Pattern.compile("(?:src|href)=\"(/console/[^\"?#]+)\"|from ['\"](\\./[^'\"]+|/console/[^'\"]+)['\"]"
                        + "|import\\(['\"](\\./[^'\"]+)['\"]\\)").matcher(page);
                while (links.find()) {
                    String link = links.group(1) != null ? links.group(1) : links.group(2) != null ? links.group(2) : links.group(3);
                    pending.add(link.startsWith("./") ? path.substring(0, path.lastIndexOf('/') + 1) + link.substring(2) : link);
                }
            }
        }
        assertThat(seen).as("console pages and assets fetched").hasSizeGreaterThan(5);
    }

    private void exportEvidence() throws Exception {
        HttpResponse<byte[]> bundle = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/evidence/export"))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bundle.statusCode()).isEqualTo(200);
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle.body()))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                produced.put("evidence bundle " + entry.getName(), new String(zip.readAllBytes(), StandardCharsets.ISO_8859_1));
                entries++;
            }
        }
        assertThat(entries).isGreaterThan(1);
        assertThat(String.join("\n", produced.keySet())).contains("evidence bundle");
    }

    private String awaitApproval() throws Exception {
        for (int i = 0; i < 300; i++) {
            Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([a-z0-9]+)\"").matcher(get("/api/approvals", DBA_KEY).body());
            if (id.find()) {
                return id.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the DDL statement was never held");
    }

    private String query(Ports ports, String user, String password, String sql) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/shop?sslmode=require",
                props); Statement statement = c.createStatement()) {
            StringBuilder rows = new StringBuilder();
            if (statement.execute(sql)) {
                try (ResultSet rs = statement.getResultSet()) {
                    while (rs.next()) {
                        rows.append(rs.getString(1)).append('\n');
                    }
                }
            }
            return rows.toString();
        }
    }

    /** psql with the token as PGPASSWORD; its whole output is one of the things searched. */
    private String psql(Ports ports, String user, String password, String sql) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p",
                String.valueOf(ports.postgres()), "-U", user, "-d", "shop", "-c", sql).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        builder.environment().put("PGSSLMODE", "require");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        produced.put("psql as " + user + ": " + sql + " #" + produced.size(), output);
        return output;
    }

    private HttpRequest.Builder httpGateway(Ports ports, String bearer) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.http() + "/traces/items"))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"step\": \"plan\", \"note\": \"mail " + EMAIL + "\"}"));
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path));
        if (!bearer.isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    /** A POST whose answer hands out a credential: its body is checked by the caller, not searched. */
    private JsonNode post(String path, String bearer, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isBetween(200, 201);
        response.headers().map().forEach((name, values) -> produced.put("headers of POST " + path + " " + produced.size(),
                name + ": " + values));
        return JSON.readTree(response.body());
    }

    private void recordPost(String path, String bearer, String body) throws Exception {
        HttpResponse<String> response = sendRecorded(HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
    }

    private HttpResponse<String> sendRecorded(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = send(request);
        record(request.build().method() + " " + request.build().uri(), response);
        return response;
    }

    private String record(String where, HttpResponse<String> response) {
        produced.put(where + " #" + produced.size(), response.statusCode() + " " + response.headers().map() + "\n"
                + response.body());
        return response.body();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The upstream database: its role logs in with a SCRAM password only the gateway holds. */
    private static EmbeddedPostgres upstream(Path dir) throws IOException, SQLException {
        Path hba = Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n", "local all all trust",
                "host all postgres 127.0.0.1/32 trust", "host all shop_app 127.0.0.1/32 scram-sha-256", ""));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("hba_file", hba.toString()).start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("SET password_encryption = 'scram-sha-256'");
            sql.execute("CREATE ROLE shop_app LOGIN PASSWORD '" + UPSTREAM_PASSWORD + "'");
            sql.execute("CREATE DATABASE shop OWNER shop_app");
        }
        try (Connection c = postgres.getDatabase("postgres", "shop").getConnection(); Statement sql = c.createStatement()) {
            sql.execute("SET ROLE shop_app");
            sql.execute("CREATE TABLE customers (id int PRIMARY KEY, name text, email text)");
            sql.execute("INSERT INTO customers VALUES (1, 'Ada', '" + EMAIL + "')");
            sql.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount numeric)");
        }
        return postgres;
    }

    /** The configuration, with every secret given by file reference as an operator would. */
    private static Path configure(Path dir, LogKeyPair logKey, int upstreamPort, MockOAuth2Server provider, String target)
            throws Exception {
        Path secretsDir = Files.createDirectories(dir.resolve("secrets"));
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, String> secret : Map.of("upstream", UPSTREAM_PASSWORD, "admin", ADMIN_KEY,
                "analyst", ANALYST_KEY, "dba", DBA_KEY, "hash", HASH_KEY, "webhook", WEBHOOK_SECRET, "target", TARGET_TOKEN,
                "log", logKey.privateKeyLine()).entrySet()) {
            Path file = Files.writeString(secretsDir.resolve(secret.getKey()), secret.getValue() + "\n");
            files.put(secret.getKey(), "'file:" + file + "'");
        }
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                defaults:
                  action: allow
                masking:
                  profiles:
                    personal-data:
                      strategies: {email: hash}
                rules:
                  - name: mask-personal-data
                    exceptGroups: [admins]
                    mask: personal-data
                  - name: hold-ddl
                    classes: [ddl]
                    action: approve
                    approvers: [dba]
                    timeout: 5m
                """);
        int apiPort = GatewayProcess.freePort();
        return Files.writeString(dir.resolve("tracegate.yaml"), """
                dataDir: %s
                policyFile: %s
                listeners:
                  postgres: {address: 127.0.0.1, port: %d}
                  api: {address: 127.0.0.1, port: %d}
                  http: {address: 127.0.0.1, port: %d, allowCleartextOnLoopback: true}
                evidence:
                  origin: %s
                  signingKey: %s
                masking:
                  hashKey: %s
                approvals:
                  consoleUrl: http://127.0.0.1:%d/console
                  notifications:
                    webhooks:
                      - {url: '%s/hooks', secret: %s, attempts: 1}
                identities:
                  apiKeys:
                    - {name: admin, key: %s, groups: [admins], kind: human}
                    - {name: analyst, key: %s, groups: [analysts], kind: human}
                    - {name: dba, key: %s, groups: [dba], kind: human}
                  oidc:
                    - {issuer: '%s', audiences: [tracegate], groupsClaim: groups}
                    - {issuer: '%s', audiences: [tracegate-ci], exchangeOnly: true}
                  gatewayTokens:
                    exchange:
                      - name: shop-deploys
                        issuer: '%s'
                        claims: {repository: acme/shop, ref: refs/heads/main}
                        serviceAccount: shop-deployer
                        groups: [deployers]
                        kind: service
                        maxLifetimeSeconds: 600
                connections:
                  - {name: shop, host: 127.0.0.1, port: %d, database: shop, username: shop_app, password: %s}
                  - name: traces
                    protocol: http
                    url: '%s/api'
                    credential: {type: bearer, secret: %s}
                """.formatted(dir.resolve("data"), policy, GatewayProcess.freePort(), apiPort, GatewayProcess.freePort(),
                ORIGIN, files.get("log"), files.get("hash"), apiPort, target, files.get("webhook"), files.get("admin"),
                files.get("analyst"), files.get("dba"), provider.issuerUrl("corp"), provider.issuerUrl("ci"),
                provider.issuerUrl("ci"), upstreamPort, files.get("upstream"), target, files.get("target")));
    }

    /** {@code tracegate serve}, logging at DEBUG, everything it prints going to {@code log}. */
    private static Process serve(Path config, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TRACEGATE_LOG_LEVEL", "DEBUG");
        return builder.start();
    }

    private record Ports(int postgres, int api, int http) {
    }

    private static Ports awaitReady(Path log, Process gateway, Path config) throws Exception {
        for (int i = 0; i < 1200; i++) {
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            if (printed.contains("tracegate ready")) {
                String yaml = Files.readString(config, StandardCharsets.UTF_8);
                return new Ports(port(yaml, "postgres"), port(yaml, "api"), port(yaml, "http"));
            }
            if (!gateway.isAlive()) {
                throw new AssertionError("the gateway exited:\n" + printed);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not get ready:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static int port(String yaml, String listener) {
        Matcher m = Pattern.compile(listener + ": \\{address: 127.0.0.1, port: (\\d+)").matcher(yaml);
        assertThat(m.find()).as(listener).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The base64 body of a PEM file, the part that is the key. */
    private static String pemBody(Path pem) throws IOException {
        return Files.readString(pem, StandardCharsets.UTF_8).lines().filter(line -> !line.startsWith("-----"))
                .reduce("", String::concat);
    }
}
