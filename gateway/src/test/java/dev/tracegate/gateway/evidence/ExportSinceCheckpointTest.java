package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.RequiredFreshness;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.VerifierKey;
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
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An auditor keeps each export's checkpoint and asks the next export to prove the log only grew
 * since ({@code GET /api/evidence/export?since_checkpoint=...}). Through the real API: the proof is
 * in the bundle and the offline verifier accepts it; after a rewrite by someone who could also
 * remove the anchor, the gateway cannot give the proof, and a bundle without it fails the check.
 */
class ExportSinceCheckpointTest {

    private static final String ADMIN = "tg_admin_Export_6e1f";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Identity TESTER = new Identity("tracegate", "tester", "tester", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void theNextExportProvesTheLogOnlyGrewSinceTheLastOne() throws Exception {
        String first;
        VerifierKey key;
        try (Gateway gateway = Gateway.start(config())) {
            key = gateway.checkpoints().verifierKey();
            append(gateway, 10, "first");
            first = checkpointOf(download(gateway, "", "first.zip"));
            append(gateway, 7, "second");

            Path next = download(gateway, "?since_checkpoint=" + encode(first), "next.zip");
            VerificationReport report = BundleVerifier.verify(next, Optional.of(key), Optional.of(first));
            assertThat(report.failure()).isEmpty();
            assertThat(report.consistencyProofsChecked()).isEqualTo(1);
            assertThat(report.results()).anyMatch(line -> line.contains("is a prefix of this one"))
                    .anyMatch(line -> line.endsWith("the selection exported: {\"export\":\"all\"}"));

            Path filtered = download(gateway, "?user=tester&since_checkpoint=" + encode(first), "filtered.zip");
            VerificationReport filteredReport = BundleVerifier.verify(filtered, Optional.of(key), Optional.of(first));
            assertThat(filteredReport.ok()).isTrue();
            assertThat(filteredReport.results()).as("what the bundle claims to be is signed with its manifest")
                    .anyMatch(line -> line.endsWith("the selection exported: {\"export\":\"filtered\",\"user\":\"tester\"}"));

            String foreign = LogKeyPair.generate("tracegate.test/export").signer()
                    .sign(new Checkpoint("tracegate.test/export", 3, new byte[32]));
            HttpResponse<String> notOurs = get(gateway, "?since_checkpoint=" + encode(foreign));
            assertThat(notOurs.statusCode()).isEqualTo(400);
            assertThat(notOurs.body()).contains("not one of this log's");
        }
    }

    @Test
    void anOlderWholeBundleHandedOverForTheCurrentOneSaysItsAgeAndFailsTheAgeTheAuditorRequires() throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            VerifierKey key = gateway.checkpoints().verifierKey();
            append(gateway, 5, "before");
            Path older = download(gateway, "", "older.zip");
            append(gateway, 6, "after"); // what the older bundle does not show
            Instant asked = Instant.now();
            Path current = download(gateway, "", "current.zip");

            VerificationReport currentReport = BundleVerifier.verify(current, Optional.of(key), Optional.empty(), Optional.empty(),
                    new RequiredFreshness(0, Optional.of(asked)));
            assertThat(currentReport.ok()).as(currentReport.summary()).isTrue();
            assertThat(currentReport.checkpointAt()).hasValueSatisfying(at -> assertThat(at).isAfterOrEqualTo(asked));

            VerificationReport olderReport = BundleVerifier.verify(older, Optional.of(key));
            assertThat(olderReport.ok()).as("the older bundle is genuine and whole").isTrue();
            assertThat(olderReport.summary()).as("but the verdict says which state of the log it shows")
                    .contains("the log as of " + olderReport.checkpointAt().orElseThrow() + " (when the export signed it)");
            assertThat(olderReport.checkpointAt().orElseThrow()).isBefore(asked);

            VerificationReport stale = BundleVerifier.verify(older, Optional.of(key), Optional.empty(), Optional.empty(),
                    new RequiredFreshness(0, Optional.of(asked)));
            assertThat(stale.ok()).isFalse();
            assertThat(stale.summary()).contains("FAILED MANIFEST.sig: the export signed its checkpoint at", "an older bundle than required");
            VerificationReport small = BundleVerifier.verify(older, Optional.of(key), Optional.empty(), Optional.empty(),
                    new RequiredFreshness(currentReport.treeSize(), Optional.empty()));
            assertThat(small.summary()).contains("FAILED checkpoint: covers " + olderReport.treeSize() + " events, fewer than the "
                    + currentReport.treeSize() + " required (--min-size)");
        }
    }

    @Test
    void aRewriteBetweenTwoExportsCannotBeHidden() throws Exception {
        String first;
        VerifierKey key;
        try (Gateway gateway = Gateway.start(config())) {
            key = gateway.checkpoints().verifierKey();
            append(gateway, 12, "honest");
            first = checkpointOf(download(gateway, "", "first.zip"));
        }
        // Someone who can write the store and the data directory: an event rewritten in proper form,
        // its hash files recomputed (the store's tables agree with it), the store's checkpoints and
        // the anchor removed, so the gateway starts, anchors afresh and signs the rewritten log.
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/store/tracegate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "tracegate", ""); Statement sql = c.createStatement()) {
            sql.execute("DELETE FROM checkpoint");
        }
        Path log = dir.resolve("data/evidence-log");
        // The event that says "honest 5", wherever the gateway's own start-up events put it.
        List<byte[]> leaves = LeafLogFiles.leaves(log);
        int index = IntStream.range(0, leaves.size())
                .filter(i -> new String(leaves.get(i), StandardCharsets.UTF_8).contains("honest 5\""))
                .findFirst().orElseThrow();
        byte[] forged = new String(leaves.get(index), StandardCharsets.UTF_8).replace("honest 5", "forged 5")
                .getBytes(StandardCharsets.UTF_8);
        LeafLogFiles.replaceLeaf(log, index, forged);
        deleteTree(log.resolve("merkle")); // the gateway recomputes them from the leaves, the forged one included
        Files.delete(dir.resolve("data/evidence-anchor"));

        try (Gateway gateway = Gateway.start(config())) {
            append(gateway, 3, "later");
            HttpResponse<String> refused = get(gateway, "?since_checkpoint=" + encode(first));
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("does not extend the earlier checkpoint of 13 events: it was rewritten");

            Path withoutProof = download(gateway, "", "rewritten.zip");
            VerificationReport report = BundleVerifier.verify(withoutProof, Optional.of(key), Optional.of(first));
            assertThat(report.ok()).as("the bundle verifies on its own, but not as an extension of the first").isFalse();
            assertThat(report.summary()).contains("proves nothing about the earlier checkpoint given (tree size 13)");
            assertThat(BundleVerifier.verify(withoutProof, Optional.of(key)).ok()).isTrue();
        }
    }

    @Test
    void aCheckpointLargerThanTheLogMeansItWasTruncated() throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            append(gateway, 4, "few");
            // As if this gateway had signed 400 events before someone cut the log back.
            String future = LogKeyPair.load(dir.resolve("data/keys/log.key")).signer()
                    .sign(new Checkpoint("tracegate.test/export", 400, new byte[32]));

            HttpResponse<String> refused = get(gateway, "?since_checkpoint=" + encode(future));

            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("fewer than the 400 of the earlier checkpoint: it was truncated");
        }
    }

    private static void append(Gateway gateway, int count, String note) throws Exception {
        for (int i = 0; i < count; i++) {
            var detail = EvidenceEvent.newDetail();
            detail.put("note", note + " " + i);
            gateway.evidence().appendDurably(new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, TESTER, null, null, null, detail));
        }
    }

    private Path download(Gateway gateway, String query, String name) throws Exception {
        HttpResponse<Path> response = HTTP.send(request(gateway, query), HttpResponse.BodyHandlers.ofFile(dir.resolve(name)));
        assertThat(response.statusCode()).as(() -> "the export failed: " + readQuietly(response.body())).isEqualTo(200);
        return response.body();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static HttpResponse<String> get(Gateway gateway, String query) throws Exception {
        return HTTP.send(request(gateway, query), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(Gateway gateway, String query) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.apiPort() + "/api/evidence/export" + query))
                .header("Authorization", "Bearer " + ADMIN).GET().build();
    }

    private static String checkpointOf(Path zip) throws Exception {
        try (ZipFile bundle = new ZipFile(zip.toFile())) {
            return new String(bundle.getInputStream(bundle.getEntry("checkpoint")).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private GatewayConfig config() throws Exception {
        Path key = dir.resolve("admin-key");
        if (!Files.exists(key)) {
            Files.writeString(key, ADMIN, StandardCharsets.UTF_8);
        }
        return new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/export", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("admin", SecretReference.of("file:" + key), List.of("admins"),
                        "human", null))), List.of(), 0, null, null);
    }
}
