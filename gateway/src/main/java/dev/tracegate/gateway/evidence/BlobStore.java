package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed payloads that are too large for a leaf. A leaf refers to one as
 * {@code {"blob": "sha256:<hex>", "size": N}}; the leaf commits to the hash, so deleting the
 * content when its retention ends leaves every proof valid.
 */
public final class BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    private static final int RECENT_DIGESTS = 4096;
    private static final HexFormat HEX = HexFormat.of();
    private static final MessageDigest SHA_256 = newSha256();

    private final Store store;
    /**
     * Digests stored lately: result data repeats (a one-row result of the same value, a page of
     * the same listing), and asking the store each time would cost a round trip per command.
     */
    private final Map<String, Boolean> recent = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_DIGESTS;
        }
    });

    /** Result data waiting for the background writer, by digest; bounded, beyond it puts are synchronous. */
    private static final int MAX_UNWRITTEN = 256;
    /**
     * How long the writer gathers result data after the first piece before it stores the batch:
     * one wake-up and one transaction per 10 ms instead of one per command under load (reads
     * find what waits in {@link #unwritten} meanwhile).
     */
    private static final long LINGER_MILLIS = 10;
    private final Map<String, byte[]> unwritten = new ConcurrentHashMap<>();
    private final BlockingQueue<String> toWrite = new LinkedBlockingQueue<>();
    private volatile Thread writer;
    private volatile boolean closed;

    public BlobStore(Store store) {
        this.store = store;
    }

    /**
     * Stores the content soon, off the caller's thread, in batches, and returns its name now. For
     * result data kept as evidence, which is written when a command ends, on the relay's thread:
     * a store round trip there would delay the client. The leaf that names the blob is durable
     * through the journal; if the gateway dies before the writer ran, the blob is absent, which
     * the verifier reports and allows (as after retention). Command texts use {@link #put}.
     */
    public String putLater(byte[] content) {
        String digest = digest(content);
        if (recent.containsKey(digest) || unwritten.containsKey(digest)) {
            return digest;
        }
        if (closed || unwritten.size() >= MAX_UNWRITTEN) {
            return put(content); // back-pressure: the writer is behind, so this caller waits its turn
        }
        unwritten.put(digest, content);
        toWrite.add(digest);
        startWriter();
        return digest;
    }

    private synchronized void startWriter() {
        if (writer == null) {
            writer = Thread.ofPlatform().name("blob-writer").daemon(true).start(this::writeLoop);
        }
    }

    private void writeLoop() {
        List<String> batch = new ArrayList<>();
        while (!closed || !toWrite.isEmpty()) {
            try {
                String first = toWrite.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                if (CostAccounting.ON) {
                    CostAccounting.HAND_OFFS.increment();
                }
                batch.add(first);
                if (!closed) {
                    TimeUnit.MILLISECONDS.sleep(LINGER_MILLIS);
                }
                toWrite.drainTo(batch, MAX_UNWRITTEN);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("storing {} result blobs failed; they stay absent: {}", batch.size(), e.toString());
                batch.forEach(unwritten::remove);
            }
            batch.clear();
        }
    }

    /**
     * Stores a batch in one transaction, one batched insert that skips the digests already there
     * (another node's, or content stored before this process started). If that fails, each is
     * stored on its own.
     */
    private void writeBatch(List<String> digests) {
        Map<String, byte[]> batch = new LinkedHashMap<>();
        for (String digest : digests) {
            byte[] content = unwritten.get(digest);
            if (content != null) {
                batch.put(digest, content);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            storeAll(batch);
        } catch (SQLException e) {
            batch.forEach(this::store);
        }
        for (String digest : batch.keySet()) {
            recent.put(digest, Boolean.TRUE);
            unwritten.remove(digest);
        }
    }

    /**
     * {@code ON CONFLICT DO NOTHING} (PostgreSQL, and H2 in its PostgreSQL mode) keeps a row that is
     * there as it is, as the query for existing digests did before; it saves that query, whose
     * text changed with every batch size, so the embedded store parsed and planned one per batch.
     */
    private void storeAll(Map<String, byte[]> batch) throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO blob (digest, size, stored_at, content) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                Timestamp now = Timestamp.from(Instant.now());
                for (Map.Entry<String, byte[]> blob : batch.entrySet()) {
                    insert.setString(1, blob.getKey());
                    insert.setLong(2, blob.getValue().length);
                    insert.setTimestamp(3, now);
                    insert.setBytes(4, blob.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Writes what is still waiting; called when the evidence log closes. */
    public void flush() {
        closed = true;
        Thread running = writer;
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeWaiting();
    }

    /**
     * Stores, on the caller's thread, what still waits for the background writer: retention runs
     * this first, so content put before it is judged by when it was put rather than by how far
     * behind the writer is. A digest the writer stores at the same moment is kept once.
     */
    public void writeWaiting() {
        writeBatch(new ArrayList<>(unwritten.keySet()));
    }

    /** Stores the content (once per digest) and returns its {@code sha256:<hex>} name. */
    public String put(byte[] content) {
        String digest = digest(content);
        if (recent.containsKey(digest)) {
            return digest;
        }
        String stored = store(digest, content);
        recent.put(digest, Boolean.TRUE);
        return stored;
    }

    private String store(String digest, byte[] content) {
        try (Connection connection = store.dataSource().getConnection()) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM blob WHERE digest = ?")) {
                exists.setString(1, digest);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return digest;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO blob (digest, size, stored_at, content) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, digest);
                insert.setLong(2, content.length);
                insert.setTimestamp(3, Timestamp.from(Instant.now()));
                insert.setBytes(4, content);
                insert.executeUpdate();
            }
            return digest;
        } catch (SQLException e) {
            // Another session may have stored the same content a moment ago.
            if (get(digest).isPresent()) {
                return digest;
            }
            throw new StoreException("cannot store a blob", e);
        }
    }

    /** The content, unless it never existed or its retention ended. */
    public Optional<byte[]> get(String digest) {
        byte[] waiting = unwritten.get(digest);
        if (waiting != null) {
            return Optional.of(waiting);
        }
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT content FROM blob WHERE digest = ?")) {
            select.setString(1, digest);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read blob " + digest, e);
        }
    }

    /** Retention: drops the content of blobs stored before {@code cutoff}, keeping their names and sizes. */
    public int deleteContentStoredBefore(Instant cutoff) {
        recent.clear(); // a digest whose content is deleted must be stored again when it recurs
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "UPDATE blob SET content = NULL WHERE stored_at < ? AND content IS NOT NULL")) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot apply blob retention", e);
        }
    }

    /** Every command's kept result is hashed on the relay's thread: a clone skips the provider look-up. */
    static String digest(byte[] content) {
        byte[] hash = sha256().digest(content);
        return HEX.formatHex(new StringBuilder(71).append("sha256:"), hash).toString();
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
