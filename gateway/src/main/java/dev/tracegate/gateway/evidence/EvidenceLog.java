package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
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
 * <p>Callers hand events to {@link #append}; one appender thread drains whatever has queued and
 * makes the whole batch durable at once, so every caller waiting on that batch is released by
 * one write. Where the batch becomes durable depends on the store:
 * <ul>
 *   <li>Embedded store: the {@link EvidenceJournal}. The appender gives events their indices,
 *       writes them to the journal and releases the callers; a second thread copies them into the
 *       store in large transactions. After a crash the journal replays what the store missed.</li>
 *   <li>Shared PostgreSQL store: the store itself. The appender locks the log head, so several
 *       gateway nodes extend one consistent log, and releases callers at commit.</li>
 * </ul>
 */
public final class EvidenceLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceLog.class);
    private static final int MAX_APPEND_BATCH = 4096;
    private static final long STORE_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_STORE_BATCH = 1_000;
    private static final int MAX_STORE_BACKLOG = 200_000;
    private static final long DURABLE_WAIT_SECONDS = 30;
    private static final long STORE_FLUSH_EVERY = 200_000;

    private final Store store;
    private final BlobStore blobs;
    private final EvidenceJournal journal;
    private final EvidenceStoreWriter writer = new EvidenceStoreWriter();
    private final BlockingQueue<PendingEvent> appendQueue = new LinkedBlockingQueue<>();
    /**
     * Journalled events on their way into the store. Bounded: when the store falls behind, the
     * appender waits, so sessions slow down to the store's pace instead of the gateway's memory
     * filling up with events the store has not taken yet.
     */
    private final BlockingQueue<SealedEvent> storeQueue = new LinkedBlockingQueue<>(MAX_STORE_BACKLOG);
    private final Thread appender;
    private final Thread storer;
    private final Object storedMonitor = new Object();
    private volatile boolean closing;
    private volatile long durableSize;
    private volatile long storedSize;
    private long nextIndex;
    private long flushedThrough;
    private AuthFailureRecorder authFailures;

    private record PendingEvent(EvidenceEvent event, CompletableFuture<Long> index) {
    }

    /**
     * @param journalDirectory where the journal lives (embedded store), or null to make events
     *                         durable in the store itself (shared PostgreSQL store)
     * @param fsync            journal only: force each batch to disk, surviving power loss
     */
    public EvidenceLog(Store store, Path journalDirectory, boolean fsync) {
        this.store = store;
        this.blobs = new BlobStore(store);
        try {
            this.journal = journalDirectory == null ? null : EvidenceJournal.open(journalDirectory, fsync);
            this.storedSize = readStoreSize();
            if (journal != null) {
                replayJournal();
            }
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot open the evidence log: " + e.getMessage(), e);
        }
        this.durableSize = storedSize;
        this.nextIndex = storedSize;
        this.flushedThrough = storedSize;
        this.appender = Thread.ofPlatform().name("evidence-appender").daemon(true).start(this::appendLoop);
        this.storer = journal == null ? null : Thread.ofPlatform().name("evidence-storer").daemon(true).start(this::storeLoop);
    }

    /** Where refused credentials go: written one by one, or summarised under a flood. */
    public synchronized AuthFailureRecorder authFailures() {
        if (authFailures == null) {
            authFailures = new AuthFailureRecorder(this, Clock.systemUTC());
        }
        return authFailures;
    }

    /** Queues an event; the future completes with its index once it is durable. */
    public CompletableFuture<Long> append(EvidenceEvent event) {
        CompletableFuture<Long> index = new CompletableFuture<>();
        if (closing) {
            index.completeExceptionally(new IllegalStateException("the evidence log is closed"));
            return index;
        }
        appendQueue.add(new PendingEvent(event, index));
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
        return durableSize;
    }

    /** Waits until the store holds every event that was durable when this was called. */
    public void awaitStored() {
        long target = durableSize;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DURABLE_WAIT_SECONDS);
        synchronized (storedMonitor) {
            while (storedSize < target && System.nanoTime() < deadline) {
                try {
                    storedMonitor.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public Store store() {
        return store;
    }

    /** Where payloads too large for a leaf go; leaves refer to them by hash. */
    public BlobStore blobs() {
        return blobs;
    }

    private void appendLoop() {
        List<PendingEvent> batch = new ArrayList<>(MAX_APPEND_BATCH);
        while (!(closing && appendQueue.isEmpty())) {
            try {
                PendingEvent first = appendQueue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                appendQueue.drainTo(batch, MAX_APPEND_BATCH - 1);
                if (journal != null) {
                    appendToJournal(batch);
                } else {
                    appendToStore(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void appendToJournal(List<PendingEvent> batch) {
        List<SealedEvent> sealed = new ArrayList<>(batch.size());
        for (PendingEvent pending : batch) {
            sealed.add(SealedEvent.seal(nextIndex + sealed.size(), pending.event()));
        }
        try {
            journal.append(sealed);
        } catch (IOException | RuntimeException e) {
            fail(batch, e);
            return;
        }
        nextIndex += sealed.size();
        durableSize = nextIndex;
        try {
            for (SealedEvent event : sealed) {
                storeQueue.put(event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).index().complete(sealed.get(i).index());
        }
    }

    private void appendToStore(List<PendingEvent> batch) {
        List<SealedEvent> sealed = new ArrayList<>(batch.size());
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                long head = writer.lockHead(connection);
                for (PendingEvent pending : batch) {
                    sealed.add(SealedEvent.seal(head + sealed.size(), pending.event()));
                }
                writer.insert(connection, head, sealed);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            fail(batch, e);
            return;
        }
        long size = sealed.getLast().index() + 1;
        durableSize = size;
        markStored(size);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).index().complete(sealed.get(i).index());
        }
    }

    /** Copies journalled events into the store; a failed transaction is retried, nothing is lost. */
    private void storeLoop() {
        List<SealedEvent> batch = new ArrayList<>();
        while (!(closing && storeQueue.isEmpty() && appender.getState() == Thread.State.TERMINATED)) {
            try {
                if (batch.isEmpty()) {
                    SealedEvent first = storeQueue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    lingerForMore(batch);
                }
                writeToStore(batch);
                batch.clear();
                flushStoreAndTrimJournal(false);
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.error("copying {} journalled events into the store failed, retrying: {}", batch.size(), e.toString());
                sleepQuietly(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Gathers what arrives within {@link #STORE_LINGER_NANOS} (20 ms) into the same store transaction. The events are
     * durable in the journal already, so waiting costs no client anything, and a store commit per
     * few events would cost more than the rows themselves. The thread sleeps through the linger and
     * then takes everything at once: waiting on the queue instead would wake it for every event.
     */
    private void lingerForMore(List<SealedEvent> batch) throws InterruptedException {
        storeQueue.drainTo(batch, MAX_STORE_BATCH - batch.size());
        if (batch.size() < MAX_STORE_BATCH && !closing) {
            TimeUnit.NANOSECONDS.sleep(STORE_LINGER_NANOS);
            storeQueue.drainTo(batch, MAX_STORE_BATCH - batch.size());
        }
    }

    private void writeToStore(List<SealedEvent> batch) throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                writer.append(connection, batch);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        }
        markStored(batch.getLast().index() + 1);
    }

    /** Once enough has been stored, makes the store write it to disk and drops the journal behind it. */
    private void flushStoreAndTrimJournal(boolean now) throws SQLException, IOException {
        if (!now && storedSize - flushedThrough < STORE_FLUSH_EVERY) {
            return;
        }
        try (Connection connection = store.dataSource().getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("CHECKPOINT");
        }
        flushedThrough = storedSize;
        journal.discardBefore(flushedThrough);
    }

    private void replayJournal() throws IOException, SQLException {
        List<EvidenceJournal.Entry> entries = journal.recover(storedSize);
        if (entries.isEmpty()) {
            return;
        }
        List<SealedEvent> missing = new ArrayList<>(entries.size());
        for (EvidenceJournal.Entry entry : entries) {
            long expected = storedSize + missing.size();
            if (entry.index() != expected) {
                throw new IOException("the journal continues the log at " + entry.index() + " but the store ends at "
                        + expected + ": events are missing");
            }
            missing.add(SealedEvent.fromLeaf(entry.index(), entry.leaf()));
        }
        for (int from = 0; from < missing.size(); from += MAX_STORE_BATCH) {
            writeToStore(missing.subList(from, Math.min(missing.size(), from + MAX_STORE_BATCH)));
        }
        LOG.warn("recovered {} evidence events from the journal that the store had not received", missing.size());
    }

    private void markStored(long size) {
        synchronized (storedMonitor) {
            storedSize = size;
            storedMonitor.notifyAll();
        }
    }

    private void fail(List<PendingEvent> batch, Exception e) {
        LOG.error("evidence log write failed for {} events: {}", batch.size(), e.toString());
        writer.forget();
        batch.forEach(p -> p.index().completeExceptionally(e));
    }

    private void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The transaction is gone with the connection either way.
        }
        writer.forget();
    }

    private long readStoreSize() throws SQLException {
        try (Connection connection = store.dataSource().getConnection(); Statement sql = connection.createStatement();
             var rs = sql.executeQuery("SELECT tree_size FROM log_head WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting events, writes the queued ones, and leaves the store flushed. */
    @Override
    public void close() {
        AuthFailureRecorder summaries;
        synchronized (this) {
            summaries = authFailures;
        }
        if (summaries != null) {
            summaries.close();
        }
        closing = true;
        blobs.flush();
        try {
            appender.join(TimeUnit.SECONDS.toMillis(DURABLE_WAIT_SECONDS));
            if (storer != null) {
                storer.join(TimeUnit.SECONDS.toMillis(DURABLE_WAIT_SECONDS));
                flushStoreAndTrimJournal(true);
                journal.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | IOException e) {
            LOG.warn("the store was not flushed at shutdown; the journal will be replayed at next start: {}", e.toString());
        }
    }
}
