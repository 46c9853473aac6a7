package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.Store;
import dev.tracegate.ledger.Jcs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append side of the evidence log, with group commit.
 *
 * <p>Callers hand events to {@link #append}; one writer thread drains whatever has queued, gives
 * the events consecutive indices, and writes them, their leaf hashes and the new Merkle subtree
 * hashes in one transaction. Every caller waiting on that batch is released by the same commit,
 * so durability costs one commit per batch, not per event. The log head row is locked for the
 * transaction, so several gateway nodes on one PostgreSQL store extend one consistent log.
 */
public final class EvidenceLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceLog.class);
    private static final int MAX_BATCH = 4096;
    private static final long DURABLE_WAIT_SECONDS = 30;

    private final Store store;
    private final MerkleSubtreeStore subtrees;
    private final BlockingQueue<PendingEvent> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closing;
    private volatile long size;

    private record PendingEvent(EvidenceEvent event, CompletableFuture<Long> index) {
    }

    public EvidenceLog(Store store) {
        this.store = store;
        this.subtrees = new MerkleSubtreeStore();
        this.size = readSize();
        this.writer = Thread.ofPlatform().name("evidence-writer").daemon(true).start(this::writeLoop);
    }

    /** Queues an event; the future completes with its index once it is durable. */
    public CompletableFuture<Long> append(EvidenceEvent event) {
        CompletableFuture<Long> index = new CompletableFuture<>();
        if (closing) {
            index.completeExceptionally(new IllegalStateException("the evidence log is closed"));
            return index;
        }
        queue.add(new PendingEvent(event, index));
        return index;
    }

    /** Appends and waits until the event is durable: the write-ahead rule for commands. */
    public long appendDurably(EvidenceEvent event) throws EvidenceLogUnavailableException {
        return awaitDurable(append(event));
    }

    /** Waits for an earlier {@link #append}. */
    public static long awaitDurable(CompletableFuture<Long> pending) throws EvidenceLogUnavailableException {
        try {
            return pending.get(DURABLE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new EvidenceLogUnavailableException("the evidence log cannot be written: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new EvidenceLogUnavailableException("the evidence log did not confirm a write within " + DURABLE_WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvidenceLogUnavailableException("interrupted while waiting for the evidence log", e);
        }
    }

    /** Number of durable events. */
    public long size() {
        return size;
    }

    public Store store() {
        return store;
    }

    private void writeLoop() {
        List<PendingEvent> batch = new ArrayList<>(MAX_BATCH);
        while (!(closing && queue.isEmpty())) {
            try {
                PendingEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void writeBatch(List<PendingEvent> batch) {
        List<Long> indices;
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                indices = insert(connection, batch);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                subtrees.forget();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("evidence log write failed for {} events: {}", batch.size(), e.toString());
            batch.forEach(p -> p.index().completeExceptionally(e));
            return;
        }
        size = indices.getLast() + 1;
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).index().complete(indices.get(i));
        }
    }

    private List<Long> insert(Connection connection, List<PendingEvent> batch) throws SQLException {
        long start = lockHead(connection);
        List<byte[]> leafHashes = new ArrayList<>(batch.size());
        List<Long> indices = new ArrayList<>(batch.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO evidence_event (idx, event_time, event_type, session_id, actor_subject, connection_name,"
                        + " trace_id, leaf, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long index = start;
            for (PendingEvent pending : batch) {
                EvidenceEvent event = pending.event();
                byte[] leaf = Jcs.canonicalize(event.toLeaf(index));
                byte[] leafHash = MerkleSubtreeStore.leafHash(leaf);
                insert.setLong(1, index);
                insert.setTimestamp(2, Timestamp.from(event.time()));
                insert.setString(3, event.type());
                insert.setString(4, event.session());
                insert.setString(5, event.actor().subject());
                insert.setString(6, event.resource() == null ? null : event.resource().connection());
                insert.setString(7, event.trace());
                insert.setBytes(8, leaf);
                insert.setBytes(9, leafHash);
                insert.addBatch();
                leafHashes.add(leafHash);
                indices.add(index++);
            }
            insert.executeBatch();
        }
        subtrees.append(connection, start, leafHashes);
        try (PreparedStatement head = connection.prepareStatement("UPDATE log_head SET tree_size = ? WHERE id = 1")) {
            head.setLong(1, start + batch.size());
            head.executeUpdate();
        }
        return indices;
    }

    private static long lockHead(Connection connection) throws SQLException {
        try (PreparedStatement head = connection.prepareStatement("SELECT tree_size FROM log_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("log_head row is missing: the store was tampered with or not migrated");
            }
            return rs.getLong(1);
        }
    }

    private long readSize() {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement head = connection.prepareStatement("SELECT tree_size FROM log_head WHERE id = 1");
             ResultSet rs = head.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new dev.tracegate.gateway.store.StoreException("cannot read the evidence log head", e);
        }
    }

    /** Stops accepting events and waits for the queued ones to be written. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(DURABLE_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
