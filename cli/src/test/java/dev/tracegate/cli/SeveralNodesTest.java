package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.VerifierKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tracegate serve} processes on one PostgreSQL store, as operators run them: a statement
 * held through one node is decided through the other's API and released where it waits; pending
 * approvals and console sessions are the store's, so every node lists them and a restart keeps
 * them; a node killed with SIGKILL loses its clients, its held statements are withdrawn (by the
 * others once its lease lapses, or by itself when it starts again) and the other node carries
 * on. After all of it, one log: the bundle exported through one node verifies, and every
 * approval ended exactly once.
 */
class SeveralNodesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Held statements block their thread for as long as they wait: never on the common pool (one thread on two cores). */
    private static final ExecutorService CLIENTS = Executors.newVirtualThreadPerTaskExecutor();
    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: hold-ddl
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 10m
                reason: schema changes need a DBA
            """;

    @Test
    void nodesOnOneStoreShareTheLogApprovalsAndConsoleSessions(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Connection direct = postgres.getPostgresDatabase().getConnection(); Statement sql = direct.createStatement()) {
                sql.execute("CREATE DATABASE tracegate_store");
                sql.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            }
            Shared shared = Shared.create(dir, postgres.getPort());
            Node a = new Node(shared, dir.resolve("a"));
            Node b = new Node(shared, dir.resolve("b"));
            a.start();
            b.start();
            List<String> approved = new ArrayList<>();
            try {
                // Held through A, decided through B's API by one of two DBAs deciding at once on both nodes.
                CompletableFuture<String> held = a.runAsAnalyst("ALTER TABLE orders ADD COLUMN note text");
                String first = awaitPending(b, Optional.empty());
                assertThat(pendingIds(a)).as("every node lists it").contains(first);
                CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(() -> decide(a, first, "approve", "tg_dba_key"), CLIENTS);
                CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(() -> decide(b, first, "approve", "tg_dba2_key"), CLIENTS);
                List<Integer> statuses = List.of(onA.get(60, TimeUnit.SECONDS).statusCode(), onB.get(60, TimeUnit.SECONDS).statusCode());
                assertThat(statuses).as("exactly one approval wins, the other is told it was decided").containsExactlyInAnyOrder(200, 409);
                assertThat(held.get(60, TimeUnit.SECONDS)).as("released on A").isEqualTo("ok");
                assertThat(columns(postgres)).contains("note");
                approved.add(first);

                // A console session begun on A works on B.
                String cookie = signIn(a, "tg_admin_key");
                assertThat(me(b, cookie).path("subject").asText()).isEqualTo("apikey:admin");

                // A dies (SIGKILL) with a statement held: its client's session ends, B carries on, and once
                // A's lease lapses B withdraws the approval it can no longer release; approving it is refused.
                CompletableFuture<String> orphaned = a.runAsAnalyst("ALTER TABLE orders ADD COLUMN orphaned text");
                String second = awaitPending(b, Optional.of(first));
                a.kill();
                assertThat(orphaned.get(60, TimeUnit.SECONDS)).as("the client of the dead node is disconnected").startsWith("error");
                assertThat(b.runAsAnalyst("SELECT count(*) FROM orders").get(60, TimeUnit.SECONDS)).isEqualTo("ok");
                JsonNode withdrawn = awaitApproval(b, second, view -> !view.path("status").asText().equals("pending"));
                assertThat(withdrawn.path("status").asText()).isEqualTo("withdrawn");
                assertThat(withdrawn.path("decision").path("reason").asText()).contains("stopped");
                assertThat(decide(b, second, "approve", "tg_dba_key").statusCode()).isEqualTo(409);
                assertThat(columns(postgres)).doesNotContain("orphaned");

                // A restarts: it lists what B holds, a decision through A releases B's client, and the console
                // session begun before the restart still works on A.
                a.start();
                assertThat(me(a, cookie).path("subject").asText()).as("the console session survived").isEqualTo("apikey:admin");
                CompletableFuture<String> onBHeld = b.runAsAnalyst("ALTER TABLE orders ADD COLUMN denied text");
                String third = awaitPending(a, Optional.empty());
                assertThat(decide(a, third, "deny", "tg_dba_key").statusCode()).isEqualTo(200);
                assertThat(onBHeld.get(60, TimeUnit.SECONDS)).as("B's client is told").startsWith("error").contains("denied");

                // A statement held on A when A is killed and started again: withdrawn by A at start-up, or by B if A's
                // start took longer than the lease (a loaded machine); SharedApprovalsTest pins down the start-up rule.
                CompletableFuture<String> again = a.runAsAnalyst("ALTER TABLE orders ADD COLUMN restarted text");
                String fourth = awaitPending(b, Optional.empty());
                a.kill();
                assertThat(again.get(60, TimeUnit.SECONDS)).startsWith("error");
                a.start();
                JsonNode atStart = approval(b, fourth);
                assertThat(atStart.path("status").asText()).isEqualTo("withdrawn");
                assertThat(atStart.path("decision").path("reason").asText()).containsAnyOf("restarted", "stopped");
                assertThat(pendingIds(a)).isEmpty();
                assertThat(pendingIds(b)).isEmpty();

                // One log: exported through B, it verifies with the nodes' shared key; each approval ended once.
                Path bundle = dir.resolve("bundle");
                assertThat(Main.run("evidence", "export", "--out", bundle.toString(), "--server", b.api(), "--token",
                        "tg_admin_key")).isZero();
                VerificationReport report = BundleVerifier.verify(bundle, Optional.of(shared.verifierKey()));
                assertThat(report.ok()).as(report.summary()).isTrue();
                Map<String, List<String>> ends = approvalEnds(bundle);
                assertThat(ends.get(first)).containsExactly("approved");
                assertThat(ends.get(second)).containsExactly("withdrawn");
                assertThat(ends.get(third)).containsExactly("denied");
                assertThat(ends.get(fourth)).containsExactly("withdrawn");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /** What every node shares: the store, the policy, the keys, the callers. */
    private record Shared(Path dir, int postgresPort, Path signingKey, Path verifier) {

        static Shared create(Path dir, int postgresPort) throws Exception {
            LogKeyPair key = LogKeyPair.generate("tracegate.nodes.test/log");
            key.savePrivateKey(dir.resolve("log.key"));
            key.savePublicKey(dir.resolve("log.pub"));
            Files.writeString(dir.resolve("policy.yaml"), POLICY);
            Files.writeString(dir.resolve("masking.key"), "a-masking-key-the-nodes-share-0123456789");
            for (String name : List.of("analyst", "dba", "dba2", "admin")) {
                Files.writeString(dir.resolve(name), "tg_" + name + "_key");
            }
            return new Shared(dir, postgresPort, dir.resolve("log.key"), dir.resolve("log.pub"));
        }

        VerifierKey verifierKey() throws Exception {
            return VerifierKey.parse(Files.readString(verifier).strip());
        }
    }

    /** One {@code tracegate serve} process with its own data directory and ports, started again with the same ones. */
    private static final class Node implements AutoCloseable {

        private final Path config;
        private final int postgresPort;
        private final int apiPort;
        private GatewayProcess process;

        Node(Shared shared, Path dataDir) throws Exception {
            this.postgresPort = GatewayProcess.freePort();
            this.apiPort = GatewayProcess.freePort();
            Path d = shared.dir();
            this.config = d.resolve(dataDir.getFileName() + ".yaml");
            Files.writeString(config, String.join("\n",
                    "dataDir: " + dataDir,
                    "policyFile: " + d.resolve("policy.yaml"),
                    "listeners:",
                    "  postgres: {address: 127.0.0.1, port: " + postgresPort + "}",
                    "  api: {address: 127.0.0.1, port: " + apiPort + "}",
                    "store:",
                    "  type: postgresql",
                    "  url: jdbc:postgresql://127.0.0.1:" + shared.postgresPort() + "/tracegate_store",
                    "  username: postgres",
                    "evidence:",
                    "  origin: tracegate.nodes.test/log",
                    "  signingKey: file:" + shared.signingKey(),
                    "masking:",
                    "  hashKey: file:" + d.resolve("masking.key"),
                    "identities:",
                    "  apiKeys:",
                    "    - {name: analyst, key: 'file:" + d.resolve("analyst") + "', groups: [analysts], kind: human}",
                    "    - {name: dba, key: 'file:" + d.resolve("dba") + "', groups: [dba], kind: human}",
                    "    - {name: dba2, key: 'file:" + d.resolve("dba2") + "', groups: [dba], kind: human}",
                    "    - {name: admin, key: 'file:" + d.resolve("admin") + "', groups: [admins], kind: human}",
                    "connections:",
                    "  - {name: shop, host: 127.0.0.1, port: " + shared.postgresPort()
                            + ", database: postgres, username: postgres, upstreamAuth: trust}",
                    ""), StandardCharsets.UTF_8);
        }

        void start() throws Exception {
            process = GatewayProcess.start(config, "256m");
        }

        void kill() throws InterruptedException {
            process.kill();
        }

        String api() {
            return "http://127.0.0.1:" + apiPort;
        }

        /** Runs one statement through this node's PostgreSQL listener as the analyst: "ok", or "error: ..." with the server's message. */
        CompletableFuture<String> runAsAnalyst(String statement) {
            return CompletableFuture.supplyAsync(() -> {
                Properties props = new Properties();
                props.setProperty("user", "analyst");
                props.setProperty("password", "tg_analyst_key");
                props.setProperty("sslmode", "require");
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/shop", props);
                     Statement sql = c.createStatement()) {
                    sql.execute(statement);
                    return "ok";
                } catch (SQLException e) {
                    return "error: " + e.getMessage();
                }
            }, CLIENTS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) {
                process.close();
            }
        }
    }

    private static List<String> pendingIds(Node node) throws Exception {
        HttpResponse<String> response = HTTP.send(request(node, "/api/approvals", "tg_admin_key").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).valueStream().map(v -> v.path("id").asText()).toList();
    }

    /** Waits until {@code node} lists a pending approval other than {@code except}. */
    private static String awaitPending(Node node, Optional<String> except) throws Exception {
        for (int attempt = 0; attempt < 600; attempt++) {
            Optional<String> found = pendingIds(node).stream().filter(id -> except.map(e -> !e.equals(id)).orElse(true)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no pending approval appeared on " + node.api());
    }

    private static JsonNode approval(Node node, String id) throws Exception {
        HttpResponse<String> response = HTTP.send(request(node, "/api/approvals/" + id, "tg_admin_key").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode awaitApproval(Node node, String id, Predicate<JsonNode> until) throws Exception {
        for (int attempt = 0; attempt < 1200; attempt++) {
            JsonNode view = approval(node, id);
            if (until.test(view)) {
                return view;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("approval " + id + " never reached the expected state on " + node.api());
    }

    private static HttpResponse<String> decide(Node node, String id, String verb, String token) {
        try {
            return HTTP.send(request(node, "/api/approvals/" + id + "/" + verb, token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"checked on the nodes test\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String signIn(Node node, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.api() + "/console/signin/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", node.api())
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                        + "&next=%2Fconsole%2Fapprovals")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static JsonNode me(Node node, String cookie) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.api() + "/api/me"))
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpRequest.Builder request(Node node, String path, String token) {
        return HttpRequest.newBuilder(URI.create(node.api() + path)).header("Authorization", "Bearer " + token);
    }

    private static List<String> columns(EmbeddedPostgres postgres) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection direct = postgres.getPostgresDatabase().getConnection(); Statement sql = direct.createStatement();
             ResultSet rows = sql.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = 'orders'")) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        return columns;
    }

    /** Each approval's ending outcomes in the bundle (votes left out): exactly one each when decisions are taken once. */
    private static Map<String, List<String>> approvalEnds(Path bundle) throws Exception {
        Map<String, List<String>> ends = new HashMap<>();
        for (String line : Files.readAllLines(bundle.resolve("events.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (event.path("type").asText().equals("approval.decided") && !event.path("detail").path("outcome").asText().equals("vote")) {
                ends.computeIfAbsent(event.path("detail").path("id").asText(), id -> new ArrayList<>())
                        .add(event.path("detail").path("outcome").asText());
            }
        }
        return ends;
    }
}
