package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Result data is stored off the relay's thread: readable at once, in the segment files (embedded
 * store) or the store's table (PostgreSQL's, here on H2) soon after, once per digest.
 */
class BlobWriterTest {

    @Test
    void laterBlobsAreReadableAtOnceAndStoredSoonAfter() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            BlobStore blobs = gateway.gateway().evidence().blobs();
            byte[] content = "{\"columns\":[{\"name\":\"n\",\"type\":\"int4\"}]}\n[\"1\"]\n".getBytes(StandardCharsets.UTF_8);
            String digest = blobs.putLater(content);
            assertThat(digest).isEqualTo(BlobStore.digest(content));
            assertThat(blobs.get(digest)).hasValue(content);
            assertThat(blobs.putLater(content)).as("the same content has the same name").isEqualTo(digest);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> copiesInSegments(gateway, content) == 1);
            assertThat(blobs.get(digest)).hasValue(content);
        }
    }

    /**
     * In the store's table, as the nodes of a PostgreSQL store keep blobs: another node (or this
     * one before a restart) stored some of a batch already; the batch stores the rest, once each.
     */
    @Test
    void aBatchHoldingContentStoredBeforeStoresEachDigestOnce() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            byte[] stored = "{\"columns\":[]}\n[\"stored before\"]\n".getBytes(StandardCharsets.UTF_8);
            byte[] fresh = "{\"columns\":[]}\n[\"new\"]\n".getBytes(StandardCharsets.UTF_8);
            BlobStore node = new BlobStore(gateway.gateway().store());
            String storedDigest = node.put(stored);
            BlobStore otherNode = new BlobStore(gateway.gateway().store());
            assertThat(otherNode.putLater(stored)).isEqualTo(storedDigest);
            String freshDigest = otherNode.putLater(fresh);
            otherNode.flush();
            assertThat(storedCopies(gateway, storedDigest)).isEqualTo(1);
            assertThat(storedCopies(gateway, freshDigest)).isEqualTo(1);
            assertThat(otherNode.get(freshDigest)).hasValue(fresh);
        }
    }

    /** How many times the segment files hold {@code content}. */
    private static int copiesInSegments(TestGateway gateway, byte[] content) throws IOException {
        int copies = 0;
        try (Stream<Path> files = Files.list(gateway.dataDir().resolve("evidence-blobs"))) {
            for (Path file : files.toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                String wanted = new String(content, StandardCharsets.ISO_8859_1);
                for (int at = text.indexOf(wanted); at >= 0; at = text.indexOf(wanted, at + 1)) {
                    copies++;
                }
            }
        }
        return copies;
    }

    private static int storedCopies(TestGateway gateway, String digest) throws Exception {
        try (Connection c = gateway.gateway().store().dataSource().getConnection();
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM blob WHERE digest = ?")) {
            count.setString(1, digest);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
