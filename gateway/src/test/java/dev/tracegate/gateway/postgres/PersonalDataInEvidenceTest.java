package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.evidence.EvidenceExporter;
import dev.tracegate.gateway.evidence.EvidenceReader;
import dev.tracegate.gateway.evidence.ExportFilter;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.masking.HashKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An analyst writes personal data into statements, with psql (simple protocol) and pgjdbc
 * (extended protocol): the exported evidence bundle holds none of it in clear, in any file, and
 * still verifies; each masked value has a keyed hash that confirms it. Approvers see held
 * statements masked, and whole: a fake private-key header hides nothing from them.
 */
class PersonalDataInEvidenceTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              record: personal-data
              profiles:
                personal-data:
                  hints: [email, phone, card, ssn, date_of_birth, person_name, secret]
                  columns:
                    - {match: pii_customers.email, entity: email, strategy: "hash:format"}
                    - {match: pii_customers.national_id, entity: ssn, strategy: "partial:4"}
                    - {match: pii_customers.name, entity: person_name, strategy: hash}
            rules:
              - name: hold-vip
                tables: [pii_vip]
                exceptGroups: [admins]
                action: approve
                approvers: [admins]
                timeout: 2m
              - name: hold-support-cases
                tables: [pii_cases]
                exceptGroups: [admins]
                action: approve
                approvers: [admins]
                approversSee: clear
                timeout: 2m
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every value below is written by the analyst somewhere; none may reach the evidence. */
    private static final List<String> CLEAR = List.of(
            "Ada Lovelace", "ada.lovelace@example.com", "+44 20 7946 0958", "4111 1111 1111 1111", "536-22-1234",
            "+1 415 555 2671", "Grace Hopper", "grace.hopper@example.org", "5555 5555 5555 4444", "bob@example.net",
            "457-55-5462", "carol@example.com", "4000 0566 5566 5556", "4012888888881881", "1815-12-10",
            "Katherine Johnson", "katherine@example.com", "6011 1111 1111 1117", "dan@example.org", "321-54-9876",
            "Dorothy Vaughan", "dora@example.com", "erin@example.com", "3782 822463 10005", "frank@example.com",
            "Mary Jackson", "mary@example.com", "zoe@example.com", "ivy.case@example.com", "Hedy Lamarr", "Annie Easley",
            "Joan Clarke", "Rosalind Franklin", "Lise Meitner", "lin.hua@example.net");

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS pii_customers, pii_vip, pii_decoy, pii_cases");
            sql.execute("CREATE TABLE pii_customers (id int PRIMARY KEY, name text, email text, phone text, card_number text,"
                    + " national_id text, date_of_birth text, notes text)");
            sql.execute("CREATE TABLE pii_vip (id int PRIMARY KEY, email text)");
            sql.execute("CREATE TABLE pii_decoy (id int)");
            sql.execute("CREATE TABLE pii_cases (id int, contact text)");
            sql.execute("INSERT INTO pii_vip VALUES (1, 'someone@example.com')");
            sql.execute("GRANT ALL ON pii_customers, pii_vip, pii_decoy, pii_cases TO PUBLIC");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anExportedBundleHoldsNoPersonalDataInClearAndStillVerifies(@TempDir Path dir) throws Exception {
        psql("INSERT INTO pii_customers (id, name, email, phone, card_number, national_id, date_of_birth, notes) VALUES"
                + " (1, 'Ada Lovelace', 'ada.lovelace@example.com', '+44 20 7946 0958', '4111 1111 1111 1111', '536-22-1234',"
                + " '1815-12-10', 'call +1 415 555 2671'),"
                + " (2, 'Grace Hopper', 'grace.hopper@example.org', NULL, NULL, NULL, NULL, $$card 5555 5555 5555 4444$$)");
        psql("INSERT INTO pii_customers (id, name, notes) VALUES (2, 'x', 'y') ON CONFLICT (id) DO UPDATE"
                + " SET notes = E'mail bob\\x40example.net, ssn 457-55-5462' /* ask carol@example.com */");
        psql("SELECT count(*) FROM pii_customers WHERE card_number = '4000 0566 5566 5556' OR 4012888888881881 > 0");
        // Names reach their column through a derived table, a function or a row: no detector finds a name.
        psql("UPDATE pii_customers SET name = v.n FROM (VALUES (2, 'Hedy Lamarr')) v(id, n) WHERE pii_customers.id = v.id");
        psql("SELECT count(*) FROM pii_customers WHERE strpos(name, 'Annie Easley') > 0 OR (id, name) = (9, 'Joan Clarke')");
        psql("INSERT INTO pii_customers SELECT * FROM json_populate_record(null::pii_customers,"
                + " '{\"id\": 7, \"name\": \"Rosalind Franklin\"}')");

        // What a client calls itself (libpq sends it in the start-up packet) is client-written text too.
        ClientProcess named = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app")
                + "&application_name=export%20for%20lin.hua%40example.net", "-X", "-c", "SELECT 1"));
        assertThat(named.exitCode()).as(named.output()).isZero();

        Properties extended = new Properties();
        extended.setProperty("prepareThreshold", "1");
        try (Connection c = gateway.connect("app", extended)) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO pii_customers (id, name, email, card_number, national_id, notes) VALUES (?, ?, ?, ?, ?, ?),"
                            + " (?, ?, ?, NULL, NULL, ?)")) {
                int p = 0;
                insert.setInt(++p, 3);
                insert.setString(++p, "Katherine Johnson");
                insert.setString(++p, "katherine@example.com");
                insert.setString(++p, "6011 1111 1111 1117");
                insert.setString(++p, "321-54-9876");
                insert.setString(++p, "reach me at dan@example.org");
                insert.setInt(++p, 4);
                insert.setString(++p, "Mary Jackson");
                insert.setString(++p, "mary@example.com");
                insert.setString(++p, "backup zoe@example.com");
                assertThat(insert.executeUpdate()).isEqualTo(2);
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE pii_customers SET notes = ? WHERE email = ? AND name = ?")) {
                update.setString(1, "card 3782 822463 10005");
                update.setString(2, "erin@example.com");
                update.setString(3, "Dorothy Vaughan");
                update.executeUpdate();
            }
            try (PreparedStatement row = c.prepareStatement("INSERT INTO pii_customers SELECT * FROM"
                    + " json_populate_record(null::pii_customers, ?::json)")) {
                row.setString(1, "{\"id\": 8, \"name\": \"Lise Meitner\"}");
                assertThat(row.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO pii_customers (id, email) VALUES (?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET email = ?")) {
                upsert.setInt(1, 4);
                upsert.setString(2, "frank@example.com");
                upsert.setString(3, "frank@example.com");
                upsert.executeUpdate();
            }
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT email, notes FROM pii_customers WHERE id = 2")) {
            rs.next();
            assertThat(rs.getString(2)).as("statements run as the client wrote them").isEqualTo("mail bob@example.net, ssn 457-55-5462");
        }
        heldStatementsAreShownMaskedToApprovers();

        Path bundle = dir.resolve("bundle");
        new EvidenceExporter(gateway.gateway().evidence(), gateway.gateway().checkpoints()).export(ExportFilter.ALL, bundle);
        VerificationReport report = BundleVerifier.verify(bundle, Optional.of(gateway.gateway().checkpoints().verifierKey()));
        assertThat(report.ok()).as(report.summary()).isTrue();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(bundle)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anyMatch(f -> f.toString().contains("blobs"));
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (String value : CLEAR) {
                assertThat(indexOf(bytes, value.getBytes(StandardCharsets.UTF_8))).as(value + " in " + bundle.relativize(file))
                        .isNegative();
            }
        }
        String events = Files.readString(bundle.resolve("events.jsonl"));
        assertThat(events).contains("\"application_name\":\"export for [EMAIL]\"")
                .contains("INSERT INTO pii_customers (id, name, email, phone, card_number, national_id, date_of_birth, notes)")
                .contains("ON CONFLICT (id) DO UPDATE SET notes = '").contains("\"redactions\"");
        assertThat(hashes(events)).as("an auditor with the key confirms each value").contains(
                hmac("Ada Lovelace"), hmac("ada.lovelace@example.com"), hmac("+44 20 7946 0958"), hmac("4111 1111 1111 1111"),
                hmac("536-22-1234"), hmac("1815-12-10"), hmac("5555 5555 5555 4444"), hmac("bob@example.net"),
                hmac("carol@example.com"), hmac("4000 0566 5566 5556"), hmac("4012888888881881"), hmac("Katherine Johnson"),
                hmac("6011 1111 1111 1117"), hmac("dan@example.org"), hmac("zoe@example.com"), hmac("erin@example.com"),
                hmac("Dorothy Vaughan"), hmac("frank@example.com"), hmac("dora@example.com"), hmac("Hedy Lamarr"),
                hmac("Annie Easley"), hmac("Joan Clarke"));
    }

    @Test
    void aRuleThatLetsApproversSeeClearTextShowsThemTheValuesButTheEvidenceKeepsThemMasked() throws Exception {
        Process insert = psqlInBackground("INSERT INTO pii_cases VALUES (1, 'ivy.case@example.com')");
        PendingApproval held = awaitPending("INSERT INTO pii_cases");
        JsonNode shown = api("/api/approvals/" + held.id());
        assertThat(shown.path("command").asText()).isEqualTo("INSERT INTO pii_cases VALUES (1, 'ivy.case@example.com')");
        assertThat(shown.path("command_shown").asText()).isEqualTo("clear");
        assertThat(held.request().recordedCommand()).isEqualTo("INSERT INTO pii_cases VALUES (1, '[VALUE]')");
        approve(held.id());
        assertThat(insert.waitFor(60, TimeUnit.SECONDS)).isTrue();
        gateway.gateway().evidence().awaitStored();
        List<String> leaves = new ArrayList<>();
        try (EvidenceReader reader = gateway.gateway().evidence().reader()) {
            reader.scan(0, reader.size(), (index, leaf) -> leaves.add(new String(leaf, StandardCharsets.UTF_8)));
        }
        assertThat(leaves).as("the log's events").anyMatch(leaf -> leaf.contains("pii_cases"));
        assertThat(leaves).noneMatch(leaf -> leaf.contains("ivy.case@example.com"));
    }

    /** A held UPDATE with an e-mail: the API shows it masked, and approving runs it as written. */
    private static void heldStatementsAreShownMaskedToApprovers() throws Exception {
        Process update = psqlInBackground("UPDATE pii_vip SET email = 'dora@example.com' WHERE id = 1");
        PendingApproval held = awaitPending("UPDATE pii_vip");
        JsonNode shown = api("/api/approvals/" + held.id());
        assertThat(shown.path("command").asText()).startsWith("UPDATE pii_vip SET email = '").doesNotContain("dora@example.com")
                .endsWith("' WHERE id = 1");
        assertThat(shown.path("command_shown").asText()).isEqualTo("masked");
        approve(held.id());
        assertThat(update.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT email FROM pii_vip WHERE id = 1")) {
            rs.next();
            assertThat(rs.getString(1)).as("the approved statement ran as written").isEqualTo("dora@example.com");
        }
    }

    /**
     * Issue: a fake private-key header in a comment made the redaction run to the end of the text,
     * so approvers saw only the ALTER while approving ran the DROP too. The approver sees both.
     */
    @Test
    void aFakePrivateKeyHeaderHidesNoStatementFromTheApprover() throws Exception {
        String hidden = "ALTER TABLE pii_vip ADD COLUMN n text; -- -----BEGIN PRIVATE KEY-----\nDROP TABLE pii_decoy CASCADE;";
        Process ddl = psqlInBackground(hidden);
        PendingApproval fake = awaitPending("ALTER TABLE pii_vip");
        String command = api("/api/approvals/" + fake.id()).path("command").asText();
        assertThat(command).isEqualTo("ALTER TABLE pii_vip ADD COLUMN n text; -- [SECRET]\nDROP TABLE pii_decoy CASCADE;");
        assertThat(fake.request().recordedCommand()).isEqualTo(command);
        gateway.gateway().approvals().deny(fake.id(), admin(), "a hidden DROP");
        assertThat(ddl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT to_regclass('pii_decoy') IS NOT NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("denied: nothing ran").isTrue();
        }
    }

    private static void psql(String sql) throws Exception {
        ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-v", "ON_ERROR_STOP=1",
                "-c", sql));
        assertThat(psql.exitCode()).as(psql.output()).isZero();
    }

    private static Process psqlInBackground(String sql) throws Exception {
        return new ProcessBuilder("psql", gateway.libpqUri("app"), "-X", "-c", sql).redirectErrorStream(true).start();
    }

    private static PendingApproval awaitPending(String prefix) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.gateway().approvals().pending().stream()
                .filter(p -> p.request().command().startsWith(prefix)).findFirst().orElse(null), p -> p != null);
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void approve(String id) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/approvals/" + id + "/approve"))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"fine\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static Identity admin() {
        return new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human");
    }

    private static String hmac(String value) throws Exception {
        HashKey key = HashKey.of(Files.readString(gateway.dataDir().resolve("keys/masking.key")).strip()
                .getBytes(StandardCharsets.UTF_8));
        return key.hmacHex(value);
    }

    private static Set<String> hashes(String events) throws Exception {
        Set<String> hashes = new HashSet<>();
        for (String line : events.split("\n")) {
            JSON.readTree(line).path("detail").path("redactions").forEach(r -> hashes.add(r.path("hmac").asText()));
        }
        return hashes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
