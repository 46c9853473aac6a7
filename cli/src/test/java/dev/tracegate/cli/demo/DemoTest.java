package dev.tracegate.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.cli.CliOutput;
import dev.tracegate.cli.Main;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as a newcomer meets it: printed lines, psql through the printed URI, then the recording. */
class DemoTest {

    private static final Pattern POSTGRES_LINE =
            Pattern.compile("^postgres: (postgresql://analyst:(\\S+)@127\\.0\\.0\\.1:(\\d+)/shop\\?sslmode=require)$", Pattern.MULTILINE);
    private static final Pattern READER_LINE =
            Pattern.compile("^postgres-reader: (postgresql://reader:\\S+@127\\.0\\.0\\.1:\\d+/shop\\?sslmode=require)$", Pattern.MULTILINE);
    private static final Pattern HTTP_LINE =
            Pattern.compile("^http: (http://127\\.0\\.0\\.1:\\d+/traces/) token=(\\S+)$", Pattern.MULTILINE);
    private static final Pattern DIRECT_LINE =
            Pattern.compile("^http-direct: (http://127\\.0\\.0\\.1:\\d+/traces/)$", Pattern.MULTILINE);
    private static final Pattern API_LINE = Pattern.compile("^api: (http://127\\.0\\.0\\.1:\\d+) token=(\\S+)$", Pattern.MULTILINE);
    private static final Pattern MCP_LINE = Pattern.compile("^mcp: (http://127\\.0\\.0\\.1:\\d+)/mcp token=(\\S+)$", Pattern.MULTILINE);
    private static final Pattern CONSOLE_LINE = Pattern.compile("^console: (http://127\\.0\\.0\\.1:\\d+)/$", Pattern.MULTILINE);

    @Test
    void printsItsLinesAndRecordsWhatPsqlDid(@TempDir Path dataDir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (DemoEnvironment demo = DemoEnvironment.start(dataDir, freePortBase(), new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            demo.printWelcome(new PrintStream(printed, true, StandardCharsets.UTF_8));
            String out = printed.toString(StandardCharsets.UTF_8);
            Matcher postgres = POSTGRES_LINE.matcher(out);
            Matcher api = API_LINE.matcher(out);
            assertThat(postgres.find()).as(out).isTrue();
            assertThat(api.find()).as(out).isTrue();
            assertThat(out).containsPattern("(?m)^tracegate ready$");
            assertThat(out.indexOf("tracegate ready")).isGreaterThan(out.indexOf("console: "));
            Matcher console = CONSOLE_LINE.matcher(out);
            assertThat(console.find()).as(out).isTrue();
            assertThat(console.group(1)).as("the console is on the API port").isEqualTo(api.group(1));
            assertConsoleSignsInWithTheApproverToken(console.group(1), demo.token("dba"));
            Matcher mcp = MCP_LINE.matcher(out);
            assertThat(mcp.find()).as(out).isTrue();
            assertThat(mcp.group(1)).as("MCP is on the API port").isEqualTo(api.group(1));
            assertAnAgentGetsTheAnalystsMasking(mcp.group(1), mcp.group(2));
            assertThePrintedSshCommandReachesTheHost(out);

            String psql = run(List.of("psql", postgres.group(1), "-X", "-At", "-c",
                    "SELECT count(*) FROM customers; SELECT count(*) FROM orders"));
            assertThat(psql).isEqualTo("1000\n10000\n");

            String sessions = cli("sessions", "list", "--server", api.group(1), "--token", api.group(2));
            Matcher session = Pattern.compile("^([0-9a-f-]{36}) .*analyst.*shop", Pattern.MULTILINE).matcher(sessions);
            assertThat(session.find()).as(sessions).isTrue();
            String shown = cli("sessions", "show", session.group(1), "--server", api.group(1), "--token", api.group(2));
            assertThat(shown).contains("session opened by analyst")
                    .contains("SELECT count(*) FROM customers; SELECT count(*) FROM orders")
                    .contains("SELECT 1, SELECT 1")
                    .doesNotContain(postgres.group(2));

            // Masking: the analyst sees masked personal data, the reader (pii-readers) sees it in clear.
            Matcher reader = READER_LINE.matcher(out);
            assertThat(reader.find()).as(out).isTrue();
            String query = "SELECT email, card_number, national_id, date_of_birth FROM customers WHERE email IS NOT NULL"
                    + " AND card_number IS NOT NULL AND national_id IS NOT NULL AND date_of_birth IS NOT NULL ORDER BY id LIMIT 3";
            String clear = run(List.of("psql", reader.group(1), "-X", "-At", "-c", query));
            String masked = run(List.of("psql", postgres.group(1), "-X", "-At", "-c", query));
            assertThat(clear.lines()).hasSize(3).allMatch(line -> line.matches("[^|]+@[^|]+\\|\\d{4}[ -]?\\d.*\\|\\d{3}-\\d{2}-\\d{4}\\|\\d{4}-\\d{2}-\\d{2}"));
            assertThat(masked.lines()).hasSize(3).allMatch(line -> line.matches("[0-9a-f]{12}@[0-9a-f]{8}\\.example\\|[* -]+\\d{4}\\|\\*{3}-\\*{2}-\\d{4}\\|"));
            String clearEmail = clear.lines().findFirst().orElseThrow().split("\\|")[0];
            assertThePrintedMysqlCommandMasksAndBlocks(out,
                    run(List.of("psql", reader.group(1), "-X", "-At", "-c", "SELECT email FROM customers ORDER BY id LIMIT 1")));
            // The analyst writes personal data into a statement: it runs as written, the evidence keeps it masked.
            String noteCard = "5555 5555 5555 4444";
            String noteEmail = "ada.note@example.com";
            run(List.of("psql", postgres.group(1), "-X", "-c", "INSERT INTO customers (id, name, notes) VALUES (100001,"
                    + " 'Note Writer', 'paid with " + noteCard + ", mail " + noteEmail + "')"));

            // HTTP: a trace written through the gateway reaches the store masked; a DELETE waits for the DBA.
            Matcher http = HTTP_LINE.matcher(out);
            Matcher direct = DIRECT_LINE.matcher(out);
            assertThat(http.find()).as(out).isTrue();
            assertThat(direct.find()).as(out).isTrue();
            String created = run(List.of("curl", "-sS", "-H", "Authorization: Bearer " + http.group(2),
                    "-H", "Content-Type: application/json",
                    "-H", "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    "-d", "{\"step\":\"lookup\",\"note\":\"mail ada@example.com, card 4111 1111 1111 1111\"}",
                    http.group(1)));
            Matcher id = Pattern.compile("\"id\":\"(\\w+)\"").matcher(created);
            assertThat(id.find()).as(created).isTrue();
            // The same agent task queries PostgreSQL; both steps show as one trace.
            run(List.of("psql", postgres.group(1), "-X", "-At", "-c",
                    "SELECT count(*) FROM orders /*traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/"));
            String timeline = cli("traces", "show", "0af7651916cd43dd8448eb211c80319c", "--server", api.group(1),
                    "--token", api.group(2));
            assertThat(timeline).contains("HTTP: POST /").contains("masked for the client")
                    .contains("SELECT count(*) FROM orders").contains(" postgres ").contains(" http ")
                    .doesNotContain("ada@example.com");
            String stored = run(List.of("curl", "-sS", direct.group(1) + id.group(1)));
            assertThat(stored).contains("lookup").contains("[EMAIL]").doesNotContain("ada@example.com")
                    .doesNotContain("4111 1111 1111 1111");
            Process delete = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
                    "-H", "Authorization: Bearer " + http.group(2), http.group(1) + id.group(1))
                    .redirectErrorStream(true).start();
            String heldDelete = awaitPendingHttpApproval(demo);
            assertThat(delete.isAlive()).as("curl waits for the approval").isTrue();
            cli("approvals", "approve", heldDelete, "--reason", "cleanup", "--server", api.group(1), "--token", demo.token("dba"));
            assertThat(delete.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(delete.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("204");

            // Guardrails: a bulk delete is refused, DDL waits until the DBA approves through the CLI.
            Process blocked = new ProcessBuilder("psql", postgres.group(1), "-X", "-c", "DELETE FROM orders")
                    .redirectErrorStream(true).start();
            String refused = new String(blocked.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(blocked.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(refused).contains("no-bulk-writes");
            Process held = new ProcessBuilder("psql", postgres.group(1), "-X", "-c", "ALTER TABLE orders ADD COLUMN note text")
                    .redirectErrorStream(true).start();
            java.io.BufferedReader heldOutput = new java.io.BufferedReader(
                    new java.io.InputStreamReader(held.getInputStream(), StandardCharsets.UTF_8));
            String approvalId = null;
            String noticeLine = null;
            for (String line = heldOutput.readLine(); line != null && approvalId == null; line = heldOutput.readLine()) {
                Matcher approve = Pattern.compile("tracegate approvals approve ([a-z0-9]+)").matcher(line);
                if (approve.find()) {
                    approvalId = approve.group(1);
                    noticeLine = line;
                }
            }
            assertThat(approvalId).as("psql shows the approval command").isNotNull();
            assertThat(noticeLine).as("and the approval's page in the console")
                    .contains("or opens " + console.group(1) + "/console/approvals/" + approvalId);
            assertThat(held.isAlive()).as("psql waits for the approval").isTrue();
            String approved = cli("approvals", "approve", approvalId, "--reason", "planned change",
                    "--server", api.group(1), "--token", demo.token("dba"));
            assertThat(approved).contains("approved " + approvalId);
            assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(held.exitValue()).isZero();

            Path bundle = dataDir.resolve("bundle");
            cli("evidence", "export", "--out", bundle.toString(), "--server", api.group(1), "--token", api.group(2));
            Path logKey = dataDir.resolve("gateway").resolve("keys").resolve("log.pub");
            String verified = cli("evidence", "verify", bundle.toString(), "--key", logKey.toString());
            assertThat(verified).contains("VERIFIED").contains("trusted key");
            String exported = Files.readString(bundle.resolve("events.jsonl"));
            assertThat(exported).contains("\"masking.applied\"").contains("public.customers.email")
                    .doesNotContain(clearEmail);
            // The demo publishes its checkpoints outside the store, and the next export proves the log only grew.
            assertThat(Files.readString(DemoEnvironment.publishDirectory(dataDir).resolve("latest")))
                    .isEqualTo(Files.readString(bundle.resolve("checkpoint")));
            Path next = dataDir.resolve("bundle-next");
            cli("evidence", "export", "--out", next.toString(), "--since-checkpoint", bundle.resolve("checkpoint").toString(),
                    "--server", api.group(1), "--token", api.group(2));
            assertThat(cli("evidence", "verify", next.toString(), "--key", logKey.toString(), "--since-checkpoint",
                    bundle.resolve("checkpoint").toString())).contains("is a prefix of this one").contains("VERIFIED");
            try (Stream<Path> files = Files.walk(bundle)) {
                assertThat(files.filter(Files::isRegularFile).map(DemoTest::read))
                        .as("the analyst's note is in no file of the bundle in clear")
                        .noneMatch(content -> content.contains(noteCard) || content.contains(noteEmail));
            }

            Path events = bundle.resolve("events.jsonl");
            byte[] bytes = Files.readAllBytes(events);
            bytes[bytes.length / 2] ^= 0x01;
            Files.write(events, bytes);
            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                assertThat(Main.run("evidence", "verify", bundle.toString(), "--key", logKey.toString())).isEqualTo(1);
            } finally {
                System.setOut(original);
            }
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("FAILED").contains("events.jsonl");
        }
    }

    /**
     * The demo's own database is not a way around the gateway: over TCP every role, the superuser
     * included, needs its SCRAM password, which lives in owner-only files. A data directory from
     * an older demo, whose superuser had no password, gets one on its next start.
     */
    @Test
    void theDemoDatabaseAsksEveryoneForAPassword(@TempDir Path dataDir) throws Exception {
        try (EmbeddedPostgres older = EmbeddedPostgres.builder().setPort(17460).setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false).start()) {
            assertThat(older.getPort()).isEqualTo(17460);
        }
        try (DemoEnvironment demo = DemoEnvironment.start(dataDir, 17450, new PrintStream(OutputStream.nullOutputStream()))) {
            Path secrets = dataDir.resolve("secrets");
            for (String role : List.of("postgres", "shop_app")) {
                Path password = secrets.resolve(role + ".password");
                assertThat(Files.getPosixFilePermissions(password)).containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                String uri = "postgresql://" + role + "@127.0.0.1:17460/shop";
                assertThat(directPsql(uri, null)).as(role + " without a password").contains("password");
                assertThat(directPsql(uri, "wrong-" + role)).as(role + " with a wrong password")
                        .contains("password authentication failed");
                assertThat(directPsql(uri, Files.readString(password).strip())).isEqualTo("1000\n");
            }
            assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).doesNotContain("trust");
        }
    }

    /** psql straight to the demo database, never prompting; the output, or the error it printed. */
    private static String directPsql(String uri, String password) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("psql", uri, "-X", "-At", "-w", "-c", "SELECT count(*) FROM customers")
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        if (password != null) {
            builder.environment().put("PGPASSWORD", password);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** The printed MCP line works with the official Java SDK client, and the agent sees what the analyst sees. */
    private static void assertAnAgentGetsTheAnalystsMasking(String server, String token) {
        try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(server).endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build()).build()) {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("query", java.util.Map.of(
                    "connection", "shop", "sql", "SELECT email FROM customers WHERE email IS NOT NULL ORDER BY id LIMIT 2")));
            assertThat(result.isError()).as(result.toString()).isFalse();
            assertThat(result.structuredContent().toString()).containsPattern("[0-9a-f]{12}@[0-9a-f]{8}\\.example")
                    .doesNotContainPattern("@[a-z.]*example\\.(com|org|net)");
        }
    }

    private static String awaitPendingHttpApproval(DemoEnvironment demo) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            var pending = demo.gateway().approvals().pending().stream()
                    .filter(p -> p.request().protocol().equals("http")).findFirst();
            if (pending.isPresent()) {
                return pending.get().id();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no HTTP request was held for approval");
    }

    /** A port base whose demo ports (N..N+4, N+10, N+20, N+30, N+40) are free now: other test runs may use the default. */
    private static int freePortBase() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + 10 * random.nextInt(3_000);
            if (IntStream.of(0, 1, 2, 3, 4, 10, 20, 30, 40).allMatch(offset -> free(base + offset))) {
                return base;
            }
        }
        throw new IOException("no free port base for the demo");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cli(String... args) {
        return CliOutput.run(args);
    }

    /** The {@code ssh:} line is a complete command: appended arguments run on the demo's host, sudo does not. */
    private static void assertThePrintedSshCommandReachesTheHost(String out) throws Exception {
        Matcher ssh = Pattern.compile("^ssh: (ssh -p \\d+ .*)$", Pattern.MULTILINE).matcher(out);
        assertThat(ssh.find()).as(out).isTrue();
        assertThat(run(List.of("bash", "-c", ssh.group(1) + " -- 'echo demo-ssh-$((2+3))' 2>&1 | tail -1")))
                .as("$((...)) cannot be read without running it: blocked").contains("blocked by policy rule default:high-risk");
        assertThat(run(List.of("bash", "-c", ssh.group(1) + " -- 'echo demo-ssh-ok'"))).isEqualTo("demo-ssh-ok\n");
    }

    /**
     * With MariaDB installed, the {@code mysql:} line (after {@code ssh:}, before the ready line) is a
     * complete command: the analyst reads the MariaDB copy of the shop masked, and a bulk delete is
     * refused by the demo policy. Without it, there is no such line.
     */
    private static void assertThePrintedMysqlCommandMasksAndBlocks(String out, String clearFirstEmail) throws Exception {
        Matcher mysql = Pattern.compile("^mysql: (mariadb --ssl .* -u analyst -p\\S+ shop-mysql)$", Pattern.MULTILINE)
                .matcher(out);
        if (!Files.isExecutable(DemoMariaDb.MARIADBD)) {
            assertThat(mysql.find()).as(out).isFalse();
            assertThat(out).contains("no MySQL target: /usr/sbin/mariadbd is not installed");
            return;
        }
        assertThat(mysql.find()).as(out).isTrue();
        assertThat(mysql.start()).as("after the ssh: line, before the ready line")
                .isGreaterThan(out.indexOf("\nssh: ")).isLessThan(out.indexOf("tracegate ready"));
        assertThat(clearFirstEmail).contains("@");
        String email = run(List.of("bash", "-c", mysql.group(1) + " -e 'SELECT email FROM customers ORDER BY id LIMIT 1'"));
        assertThat(email).as("the analyst's email column is masked").matches("email\n[0-9a-f]{12}@[0-9a-f]{8}\\.example\n")
                .doesNotContain(clearFirstEmail.strip());
        String count = run(List.of("bash", "-c", mysql.group(1) + " -N -e 'SELECT count(*) FROM orders'"));
        assertThat(count).as("the same rows as PostgreSQL's").isEqualTo(ShopSampleData.ORDERS + "\n");
        String refused = run(List.of("bash", "-c", mysql.group(1) + " -e 'DELETE FROM orders' 2>&1; echo \"exit=$?\""));
        assertThat(refused).contains("ERROR 1227").contains("blocked by policy rule no-bulk-writes").endsWith("exit=1\n");
        assertThat(run(List.of("bash", "-c", mysql.group(1) + " -N -e 'SELECT count(*) FROM orders'")))
                .as("nothing was deleted").isEqualTo(ShopSampleData.ORDERS + "\n");
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** The console redirects to its sign-in page, and the approver's token signs in from it. */
    private static void assertConsoleSignsInWithTheApproverToken(String base, String token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base + "/console/approvals"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).contains("/console/signin?next=%2Fconsole%2Fapprovals");
        HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(base + "/console/signin/token"))
                .header("Origin", base).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&next=/console/approvals")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(303);
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(base + "/api/me"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.body()).contains("\"roles\":[\"approver\",\"user\"]");
    }
}
