package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 *
 * <p>The content is kept in a {@link BlobStorage}: segment files beside the leaf log with the
 * embedded store ({@link BlobSegments}), where the {@code blob} table of an earlier version is
 * still read and retained; the {@code blob} table with PostgreSQL ({@link BlobTable}).
 */
public final class BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    private static final int RECENT_DIGESTS = 4096;
    private static final HexFormat HEX = HexFormat.of();
    private static final MessageDigest SHA_256 = newSha256();

    private final BlobStorage storage;
    /** Where an earlier version kept the content (the embedded store's table), or null. */
    private final BlobStorage earlier;
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

    /** Blobs in the store's {@code blob} table, shared by the nodes of a PostgreSQL store. */
    public BlobStore(Store store) {
        this(new BlobTable(store), null);
    }

    private BlobStore(BlobStorage storage, BlobStorage earlier) {
        this.storage = storage;
        this.earlier = earlier;
    }

    /** Blobs in segment files in {@code directory}; the store's table, where an earlier version kept them, is still read. */
    public static BlobStore inSegments(Store store, Path directory) throws IOException {
        return new BlobStore(BlobSegments.open(directory), new BlobTable(store));
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

    /** Stores a batch: one transaction of the table, or one write to the segments. */
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
        storage.storeAll(batch);
        for (String digest : batch.keySet()) {
            recent.put(digest, Boolean.TRUE);
            unwritten.remove(digest);
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
        storage.storeAll(Map.of(digest, content));
        recent.put(digest, Boolean.TRUE);
        return digest;
    }

    /** The content, unless it never existed or its retention ended. */
    public Optional<byte[]> get(String digest) {
        byte[] waiting = unwritten.get(digest);
        if (waiting != null) {
            return Optional.of(waiting);
        }
        Optional<byte[]> content = storage.get(digest);
        return content.isPresent() || earlier == null ? content : earlier.get(digest);
    }

    /** Retention: drops the content of blobs stored before {@code cutoff}; their names and sizes stay in the leaves. */
    public int deleteContentStoredBefore(Instant cutoff) {
        recent.clear(); // a digest whose content is deleted must be stored again when it recurs
        int deleted = storage.deleteContentStoredBefore(cutoff);
        return earlier == null ? deleted : deleted + earlier.deleteContentStoredBefore(cutoff);
    }

    /** Every command's kept result is hashed on the relay's thread: a clone skips the provider look-up. */
    static String digest(byte[] content) {
        return HEX.formatHex(new StringBuilder(71).append("sha256:"), sha256(content)).toString();
    }

    static byte[] sha256(byte[] content) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(content);
        } catch (CloneNotSupportedException e) {
            return newSha256().digest(content);
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
