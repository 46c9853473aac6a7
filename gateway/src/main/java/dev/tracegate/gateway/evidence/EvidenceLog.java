package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append side of the evidence log, with group commit.
 *
 * <p>Callers hand events to {@link #append}, and whoever writes drains whatever has queued and
 * makes the whole batch durable at once, so every caller waiting on that batch is released by
 * one write. A caller that waits for its event ({@link #awaitDurable}: a command, before it
 * runs) writes the queue itself (embedded store) when no one else is writing, on its own thread:
 * the common case of a statement costs no hand-off to another thread and back. When another caller is writing,
 * it waits for that write and then writes what is left (leader and followers). Events no one
 * waits for (results) are written by whichever write comes next, or by the appender thread
 * within {@link #APPEND_LINGER_NANOS} (1 ms) of being queued. Where the batch becomes durable
 * depends on the store:
 * <ul>
 *   <li>Embedded store: the {@link LeafLog}, segment files that are the log itself. The appender
 *       gives events their indices, writes their leaves there and releases the callers; a second
 *       thread, the indexer, appends the subtree hashes ({@link SubtreeHashFiles}) and writes the
 *       query index into the database in large batches ({@link EvidenceIndexWriter}), a few rows
 *       per batch instead of one per event. After a crash it re-indexes what the database missed
 *       from the log. Blob content goes into segment files beside it ({@link BlobSegments}).</li>
 *   <li>Shared PostgreSQL store: the store itself. The appender thread does every write there
 *       (a waiting caller wakes it instead of writing itself: see {@link #awaitAppender}). It
 *       reads the log head, seals the batch from there and writes its events, subtree hashes,
 *       index rows and the head's move in one statement (its own transaction), whose text depends
 *       only on which tables get rows; the move fails the statement should another node have
 *       moved the head first, and the batch is sealed again. So several gateway nodes extend one
 *       consistent log, each holding the head only while the store runs its statement. Callers
 *       are released at commit.</li>
 * </ul>
 */
public final class EvidenceLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceLog.class);
    private static final int MAX_APPEND_BATCH = 4096;
    private static final long INDEX_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_INDEX_BATCH = 16_384;
    /**
     * What may wait for the indexer, in bytes of {@link IndexedEvent} (about 250 each): a burst
     * beyond it slows the appender to the indexer's pace instead of filling a small heap.
     */
    private static final long MAX_INDEX_BACKLOG_BYTES = 8L * 1024 * 1024;
    private static final long DURABLE_WAIT_SECONDS = 30;
    /** Shared store: how many times a batch is sealed from the head as read before it locks the head instead. */
    private static final int UNLOCKED_ATTEMPTS = 3;
    /**
     * How long an event no one waits for may stay queued before the appender thread writes it:
     * long enough that a statement's result usually travels with the next command's write, short
     * enough that a read of the log a moment later finds it (and {@link #awaitStored} writes
     * what is queued before it waits).
     */
    private static final long APPEND_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long APPENDER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Store store;
    private final BlobStore blobs;
    private final LeafLog leaves;
    private final SubtreeHashFiles hashes;
    private final EvidenceStoreWriter writer = new EvidenceStoreWriter();
    private final EvidenceIndexWriter index = new EvidenceIndexWriter();
    private final BlockingQueue<PendingEvent> appendQueue = new LinkedBlockingQueue<>();
    /** Held by whoever writes a batch (the appender thread or a waiting caller); guards {@link #nextIndex}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The appender thread is parked with nothing queued: the next event not waited for wakes it. */
    private volatile boolean appenderIdle;
    /** Shared store: a caller waits for an event queued, so the appender writes without lingering. */
    private volatile boolean awaited;
    private volatile EvidenceObserver observer = EvidenceObserver.NONE;
    /** Why the last batch could not be written, until one is; null while writes succeed. */
    private volatile String lastWriteFailure;
    private final BlockingQueue<IndexedEvent> indexQueue = new LinkedBlockingQueue<>();
    private final Object backlogMonitor = new Object();
    private long backlogBytes;
    private final Thread appender;
    /** The embedded store's indexer, or null. */
    private final Thread indexer;
    private final Object storedMonitor = new Object();
    private volatile boolean closing;
    private volatile long durableSize;
    private volatile long storedSize;
    /** Shared store: the log as this node's last batch left it, which the store must still extend; null before one. */
    private volatile WrittenHead written;
    /** Shared store: where {@link #written} is kept across restarts, or null. */
    private final WrittenHeadFile writtenFile;
    /**
     * Shared store: why this node writes nothing (the store does not extend what it wrote before
     * it stopped, or the file keeping that is corrupt); null when it writes.
     */
    private final String refusal;
    private long nextIndex;
    /** Writes the leaves; used under {@link #writeLock} only, since it keeps its buffers from one leaf to the next. */
    private final LeafEncoding leafEncoding = new LeafEncoding();
    /** The times events carry, never going back; read under {@link #writeLock} by whoever writes. */
    private final LogClock clock;
    /** What the log clock reads as the wall clock; the system's, except where a test steps it. */
    private volatile Supplier<Instant> wallClock = Instant::now;
    private AuthFailureRecorder authFailures;

    private record PendingEvent(EvidenceEvent event, CompletableFuture<Long> index, long queuedNanos) {
    }

    /**
     * A batch sealed in log order: its events, {@code clock.stepped} ones included, the index of
     * each pending one, and the events as logged (for {@link EvidenceObserver#durable}).
     */
    private record SealedBatch(List<SealedEvent> events, long[] indexOfPending, List<EvidenceEvent> logged) {
    }

    /**
     * A batch at its log times, in log order ({@code clock.stepped} events included), before it
     * has indices: {@code positionOfPending[i]} is where the i-th pending event is in {@code logged}.
     */
    private record StampedBatch(List<EvidenceEvent> logged, int[] positionOfPending) {

        static final StampedBatch NONE = new StampedBatch(List.of(), new int[0]);

        /** This batch, then {@code more}. */
        StampedBatch plus(StampedBatch more) {
            List<EvidenceEvent> events = new ArrayList<>(logged.size() + more.logged.size());
            events.addAll(logged);
            events.addAll(more.logged);
            int[] positions = Arrays.copyOf(positionOfPending, positionOfPending.length + more.positionOfPending.length);
            for (int i = 0; i < more.positionOfPending.length; i++) {
                positions[positionOfPending.length + i] = logged.size() + more.positionOfPending[i];
            }
            return new StampedBatch(events, positions);
        }

        /** The batch's leaves from index {@code first} on, written by {@code leaves} (the caller holds the write lock). */
        SealedBatch seal(long first, LeafEncoding leaves) {
            List<SealedEvent> sealed = new ArrayList<>(logged.size());
            for (EvidenceEvent event : logged) {
                sealed.add(SealedEvent.seal(first + sealed.size(), event, leaves));
            }
            return new SealedBatch(sealed, indexOfPending(first), logged);
        }

        /** As {@link #seal}, each leaf written by {@code leaves} straight into {@code records}; the events as indexed. */
        List<IndexedEvent> sealInto(long first, LeafEncoding leaves, LeafBatch records) {
            List<IndexedEvent> sealed = new ArrayList<>(logged.size());
            for (EvidenceEvent event : logged) {
                sealed.add(SealedEvent.sealInto(first + sealed.size(), event, leaves, records));
            }
            return sealed;
        }

        /** The index of each pending event when the batch starts at {@code first}. */
        long[] indexOfPending(long first) {
            long[] indexOfPending = new long[positionOfPending.length];
            for (int i = 0; i < indexOfPending.length; i++) {
                indexOfPending[i] = first + positionOfPending[i];
            }
            return indexOfPending;
        }
    }

    /** An event's future that knows its log, so that the caller who waits for it can write it. */
    private static final class Appended extends CompletableFuture<Long> {
        private final EvidenceLog log;

        Appended(EvidenceLog log) {
            this.log = log;
        }
    }

    /**
     * @param logDirectory where the leaf log lives (embedded store; blobs in {@code evidence-blobs}
     *                     beside it), or null to keep events and blobs in the store itself (shared
     *                     PostgreSQL store)
     * @param fsync        leaf log only: force each batch to disk, surviving power loss
     */
    public EvidenceLog(Store store, Path logDirectory, boolean fsync) {
        this(store, logDirectory, fsync, null);
    }

    /**
     * @param writtenHead shared store only: the file keeping this node's {@link WrittenHead} across
     *                    restarts (in its data directory), checked against the store now; or null
     */
    public EvidenceLog(Store store, Path logDirectory, boolean fsync, Path writtenHead) {
        this.store = store;
        LeafLog log = null;
        SubtreeHashFiles files = null;
        try {
            this.blobs = logDirectory == null ? new BlobStore(store)
                    : BlobStore.inSegments(store, logDirectory.resolveSibling("evidence-blobs"));
            if (logDirectory != null) {
                log = LeafLog.open(logDirectory, fsync);
                new EarlierStoreImport(store, log).importInto(logDirectory.resolveSibling("evidence-journal"));
                files = SubtreeHashFiles.open(logDirectory.resolve("merkle"), log);
            }
            this.leaves = log;
            this.hashes = files;
            long indexed = readIndexedSize();
            if (log != null) {
                if (indexed > log.size()) {
                    throw new StoreException("the evidence log in " + logDirectory + " holds " + log.size()
                            + " events but the store has indexed " + indexed + ": events were removed from the log."
                            + " Restore " + logDirectory + " from a backup; refusing to start");
                }
                reindex(indexed);
                indexed = log.size();
            }
            this.storedSize = indexed;
        } catch (IOException | SQLException | RuntimeException e) {
            closeQuietly(files, log);
            if (e instanceof StoreException s) {
                throw s.getMessage().contains("refusing to start") ? s : new StoreException(s.getMessage()
                        + ". Restore " + logDirectory + " from a backup; refusing to start", s);
            }
            throw new StoreException("cannot open the evidence log: " + e.getMessage(), e);
        }
        this.durableSize = storedSize;
        this.nextIndex = storedSize;
        WrittenHeadFile.Read kept = null;
        WrittenHeadFile file = null;
        if (leaves == null && writtenHead != null) {
            try {
                kept = WrittenHeadFile.read(writtenHead);
                file = WrittenHeadFile.open(writtenHead, fsync);
            } catch (IOException e) {
                throw new StoreException("cannot open " + writtenHead + ", where this gateway keeps what it wrote to the"
                        + " store: " + e.getMessage() + "; refusing to start", e);
            }
        }
        this.writtenFile = file;
        try {
            this.refusal = kept == null ? null : refusalAfter(kept, writtenHead);
        } catch (RuntimeException e) {
            closeQuietly(file, hashes, leaves);
            throw e;
        }
        this.clock = new LogClock(lastLoggedTime(), () -> wallClock.get(), System::nanoTime);
        this.appender = Thread.ofPlatform().name("evidence-appender").daemon(true).unstarted(this::appendLoop);
        this.indexer = leaves == null ? null : Thread.ofPlatform().name("evidence-indexer").daemon(true).unstarted(this::indexLoop);
        if (indexer != null) {
            indexer.start();
        }
        appender.start();
    }

    /**
     * Why this node must not write the store, given what it kept of its last batch before it
     * stopped: the store no longer extends it (the events it wrote since the last checkpoint were
     * cut or rewritten while it was down), or the file is corrupt (both slots: more than a torn
     * write), so nothing says what it wrote. Null when it may write; a node that never wrote from
     * this data directory (or whose file was removed) may, and says so.
     */
    private String refusalAfter(WrittenHeadFile.Read kept, Path file) {
        String refusal = switch (kept) {
            case WrittenHeadFile.Read.Absent absent -> {
                LOG.warn("no record of what this gateway last wrote to the shared evidence store ({} is absent): the events"
                        + " it wrote before this start are not checked against the store. Expected on a node's first start"
                        + " only", file);
                yield null;
            }
            case WrittenHeadFile.Read.Corrupt corrupt -> "the record of what this gateway last wrote to the store is"
                    + " corrupt (" + corrupt.why() + "), so the store cannot be checked against it";
            case WrittenHeadFile.Read.Found found -> {
                written = found.head();
                yield inconsistencyOfStore(found.head());
            }
        };
        if (refusal == null) {
            return null;
        }
        String message = refusal + "; this gateway writes nothing to the evidence store and refuses commands. Restore the"
                + " store from a backup and find out who changed it (or, having accepted the loss, remove " + file + ")";
        LOG.error(message);
        return message;
    }

    /** Why the store's log does not extend {@code head}, as at signing; null when it does. */
    private String inconsistencyOfStore(WrittenHead head) {
        try (Connection connection = store.dataSource().getConnection();
             StoredSubtreeHashes subtrees = new StoredSubtreeHashes(connection)) {
            return head.inconsistencyWith(readIndexedSize(connection), subtrees).orElse(null);
        } catch (SQLException e) {
            throw new StoreException("cannot check the store against what this gateway wrote: " + e.getMessage()
                    + "; refusing to start", e);
        }
    }

    /** From now on the log clock reads {@code clock} as the wall clock: a test's way to step it. */
    void readWallClock(Supplier<Instant> clock) {
        this.wallClock = clock;
    }

    /** Where refused credentials go: written one by one, or summarised under a flood. */
    public synchronized AuthFailureRecorder authFailures() {
        if (authFailures == null) {
            authFailures = new AuthFailureRecorder(this, Clock.systemUTC());
        }
        return authFailures;
    }

    /**
     * From now on, {@code observer} sees every event queued and every batch written (metrics, SIEM
     * forwarding), after the observers already watching. Called while the gateway starts.
     */
    public synchronized void observe(EvidenceObserver observer) {
        this.observer = this.observer == EvidenceObserver.NONE ? observer : EvidenceObserver.both(this.observer, observer);
    }

    /**
     * Why the log cannot take commands now, if it cannot: its writer stopped, or the last write
     * failed (commands are refused until one succeeds). Empty while it can.
     */
    public Optional<String> unavailability() {
        if (refusal != null) {
            return Optional.of(refusal);
        }
        if (closing || !appender.isAlive()) {
            return Optional.of("the evidence log's writer has stopped");
        }
        String failure = lastWriteFailure;
        return failure == null ? Optional.empty() : Optional.of("the last evidence write failed: " + failure);
    }

    /** Events queued and not yet durable. */
    public int queuedEvents() {
        return appendQueue.size();
    }

    /** Roughly how much waits for the indexer, in bytes (bounded; commands wait when it is full). */
    public long indexBacklogBytes() {
        synchronized (backlogMonitor) {
            return backlogBytes;
        }
    }

    /**
     * Queues an event no one needs to wait for; the future completes with its index once it is
     * durable, within about a millisecond.
     */
    public CompletableFuture<Long> append(EvidenceEvent event) {
        CompletableFuture<Long> index = queue(event);
        if (appenderIdle) {
            LockSupport.unpark(appender);
        }
        return index;
    }

    /**
     * Queues an event the caller will {@link #awaitDurable await} (a command before it runs): the
     * wait writes it, so the appender thread is not woken for it.
     */
    public CompletableFuture<Long> appendToAwait(EvidenceEvent event) {
        return queue(event);
    }

    private CompletableFuture<Long> queue(EvidenceEvent event) {
        Appended index = new Appended(this);
        if (closing) {
            index.completeExceptionally(new IllegalStateException("the evidence log is closed"));
            return index;
        }
        appendQueue.add(new PendingEvent(event, index, System.nanoTime()));
        if (CostAccounting.ON) {
            CostAccounting.EVIDENCE_EVENTS.increment();
        }
        observer.queued(event);
        return index;
    }

    /** Appends and waits until the event is durable: the write-ahead rule for commands. */
    public long appendDurably(EvidenceEvent event) throws EvidenceLogUnavailableException {
        return awaitDurable(appendToAwait(event));
    }

    /**
     * Waits for an earlier {@link #append} until its event is durable, writing the queue on this
     * thread when no one else is writing it.
     */
    public static long awaitDurable(CompletableFuture<Long> pending) throws EvidenceLogUnavailableException {
        // One limit for both: waiting to write and waiting for someone else's write.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DURABLE_WAIT_SECONDS);
        try {
            if (pending instanceof Appended appended) {
                appended.log.writeUntilDone(appended, deadline);
            } else if (CostAccounting.ON && !pending.isDone()) {
                CostAccounting.HAND_OFFS.increment();
            }
            return pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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

    /**
     * Writes the queue until {@code pending} is durable (or failed): the leader of a group commit
     * is whichever waiting caller gets the lock; the others find their event written when they
     * get it, or write what is left. Gives up at the durable wait's limit, which the caller
     * reports as a timeout.
     */
    private void writeUntilDone(Appended pending, long deadline) throws InterruptedException {
        if (leaves == null) {
            if (!pending.isDone()) {
                awaitAppender();
            }
            return;
        }
        while (!pending.isDone()) {
            boolean uncontended = writeLock.tryLock();
            if (!uncontended) {
                if (CostAccounting.ON) {
                    CostAccounting.HAND_OFFS.increment(); // the writer's unlock wakes this thread
                }
                if (!writeLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
            try {
                if (!pending.isDone()) {
                    writeQueued();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * Shared store: has the appender thread write what is queued now, without its linger. A
     * caller does not write there itself, unlike the embedded store: the write holds the log head,
     * which every node waits for, across a round trip to the store, and a virtual thread's reply
     * goes through the poller and then queues for a carrier behind the other sessions' work, while
     * a platform thread blocked in the socket read is woken by the kernel directly. The hand-off to
     * the appender and back costs far less than that wait under the head lock.
     */
    private void awaitAppender() {
        if (CostAccounting.ON) {
            CostAccounting.HAND_OFFS.increment(); // the appender's write completes the event and wakes this thread
        }
        awaited = true;
        LockSupport.unpark(appender);
    }

    /** Writes what is queued, up to one batch; the caller holds {@link #writeLock}. */
    private void writeQueued() throws InterruptedException {
        if (leaves == null) {
            appendToStore();
            return;
        }
        List<PendingEvent> batch = drainQueue();
        if (!batch.isEmpty()) {
            appendToLeafLog(batch);
        }
    }

    /** Takes up to one batch off the queue; the caller holds {@link #writeLock}. */
    private List<PendingEvent> drainQueue() {
        return drainQueue(MAX_APPEND_BATCH);
    }

    private List<PendingEvent> drainQueue(int most) {
        List<PendingEvent> batch = new ArrayList<>(Math.min(appendQueue.size(), most));
        appendQueue.drainTo(batch, most);
        return batch;
    }

    /**
     * Waits until every event queued or durable when this was called is indexed and its hashes
     * stored (what is queued is written first, so a read right after a command sees its result).
     */
    public void awaitStored() {
        if (!writeQueuedUnderLock()) {
            return;
        }
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

    /**
     * A read of the log as far as it is indexed (for the shared store: as every node has written
     * it). Callers that must see their own latest events call {@link #awaitStored()} first.
     */
    public EvidenceReader reader() {
        Connection connection = null;
        try {
            connection = store.dataSource().getConnection();
            return new EvidenceReader(connection, leaves, hashes, readIndexedSize(connection));
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StoreException("cannot read the evidence log", e);
        }
    }

    public Store store() {
        return store;
    }

    /** Where the stored subtree hashes are, for messages: files beside the leaf log, or the store's table. */
    String hashTables() {
        return hashes == null ? "merkle_subtree" : leaves.directory().getFileName() + "/merkle";
    }

    /** Where payloads too large for a leaf go; leaves refer to them by hash. */
    public BlobStore blobs() {
        return blobs;
    }

    /**
     * Writes what no waiting caller wrote: events no one waits for, a millisecond after they were
     * queued; and with the shared store every batch, as soon as a caller waits for one.
     */
    private void appendLoop() {
        while (!(closing && appendQueue.isEmpty())) {
            PendingEvent first = appendQueue.peek();
            if (first == null) {
                appenderIdle = true;
                if (appendQueue.isEmpty() && !closing) {
                    LockSupport.parkNanos(this, APPENDER_IDLE_NANOS);
                }
                appenderIdle = false;
                continue;
            }
            boolean forCaller = awaited;
            if (forCaller) {
                awaited = false; // (only then: a caller's flag set since the read is not lost)
            }
            long linger = forCaller ? 0 : first.queuedNanos() + APPEND_LINGER_NANOS - System.nanoTime();
            if (linger > 0 && !closing) {
                LockSupport.parkNanos(this, linger);
                continue;
            }
            if (CostAccounting.ON && !forCaller) {
                CostAccounting.HAND_OFFS.increment(); // (a caller that woke it counted its hand-off)
            }
            if (!writeQueuedUnderLock()) {
                return;
            }
        }
    }

    /** Takes the write lock (waiting for a writer) and writes what is queued; false if interrupted meanwhile. */
    private boolean writeQueuedUnderLock() {
        writeLock.lock();
        try {
            writeQueued();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /** Each leaf is written straight into the log's batch as it is sealed: no array per leaf (the store's way has one). */
    private void appendToLeafLog(List<PendingEvent> batch) throws InterruptedException {
        StampedBatch stamped = stamp(batch);
        LeafBatch records = leaves.batch(nextIndex);
        List<IndexedEvent> sealed = stamped.sealInto(nextIndex, leafEncoding, records);
        try {
            leaves.append(records);
        } catch (IOException | RuntimeException e) {
            fail(batch, e);
            return;
        }
        long[] indexOfPending = stamped.indexOfPending(nextIndex);
        nextIndex += sealed.size();
        durableSize = nextIndex;
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).index().complete(indexOfPending[i]);
        }
        lastWriteFailure = null;
        observer.written(batch.size(), System.nanoTime() - batch.getFirst().queuedNanos());
        observer.durable(stamped.logged());
        long bytes = 0;
        for (IndexedEvent event : sealed) {
            indexQueue.add(event);
            bytes += event.estimatedBytes();
        }
        waitForBacklog(bytes);
    }

    /** Counts what was queued for the indexer and waits while the backlog is over its budget. */
    private void waitForBacklog(long added) throws InterruptedException {
        synchronized (backlogMonitor) {
            backlogBytes += added;
            while (backlogBytes > MAX_INDEX_BACKLOG_BYTES && indexer.isAlive()) {
                backlogMonitor.wait(50);
            }
        }
    }

    private void indexed(List<IndexedEvent> batch) {
        long bytes = 0;
        for (IndexedEvent event : batch) {
            bytes += event.estimatedBytes();
        }
        synchronized (backlogMonitor) {
            backlogBytes -= bytes;
            backlogMonitor.notifyAll();
        }
    }

    /**
     * Writes what is queued into the shared store, in one round trip when no other node moves the
     * log head meanwhile: the head is read without a lock, the batch sealed from it, and the batch's
     * one statement moves the head from exactly there or fails as a whole
     * ({@link EvidenceStoreWriter#write}). So the head row is locked only while the store runs
     * that statement. A batch that finds the head moved is sealed again from where it is now, with
     * what was queued meanwhile; after {@link #UNLOCKED_ATTEMPTS} such attempts it locks the head
     * first, which cannot fail that way. Should the store fail, the batch fails (or, failing before
     * anything was drained, what is queued): its callers are refused.
     */
    private void appendToStore() {
        if (appendQueue.isEmpty()) {
            return;
        }
        if (refusal != null) {
            fail(drainQueue(), new SQLException(refusal));
            return;
        }
        List<PendingEvent> batch = new ArrayList<>();
        SealedBatch sealedBatch = null;
        WrittenHead now = null;
        try (Connection connection = store.dataSource().getConnection()) {
            StampedBatch stamped = StampedBatch.NONE;
            for (int attempt = 1; sealedBatch == null; attempt++) {
                boolean locked = attempt > UNLOCKED_ATTEMPTS;
                if (locked) {
                    connection.setAutoCommit(false);
                }
                EvidenceStoreWriter.Head head = locked ? writer.lockHead(connection) : writer.readHead(connection);
                requireExtendsWritten(head);
                // Drained once the head is read: what arrived meanwhile (or during an attempt that found the head
                // moved) joins the batch instead of waiting for the next one.
                List<PendingEvent> more = drainQueue(MAX_APPEND_BATCH - batch.size());
                batch.addAll(more);
                stamped = stamped.plus(stamp(more));
                sealedBatch = locked ? appendLocked(connection, head, stamped) : appendUnlocked(connection, head, stamped);
                if (sealedBatch != null) {
                    now = WrittenHead.of(head.range()); // the write moved the head's range to the batch's end
                }
            }
        } catch (SQLException | RuntimeException e) {
            fail(batch.isEmpty() ? drainQueue() : batch, e);
            return;
        }
        written = now;
        keep(now);
        long size = sealedBatch.events().getLast().index() + 1;
        durableSize = size;
        markStored(size);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).index().complete(sealedBatch.indexOfPending()[i]);
        }
        lastWriteFailure = null;
        observer.written(batch.size(), System.nanoTime() - batch.getFirst().queuedNanos());
        observer.durable(sealedBatch.logged());
    }

    /**
     * The store's head must extend what this node wrote last: not shorter, and at the same size the
     * same tree. Otherwise someone removed or rewrote events no checkpoint covers yet (the store's
     * rows, hashes and head alike), and a batch sealed on top would carry that on into the next
     * checkpoint: the batch fails instead, and so does every command waiting for it. A head another
     * node moved further is taken as it is (another node's events and invented ones look alike
     * here); the checkpoints this node signs until then prove the log extends its tree.
     */
    private void requireExtendsWritten(EvidenceStoreWriter.Head head) throws SQLException {
        WrittenHead last = written;
        if (last == null) {
            return;
        }
        if (head.size() < last.size()) {
            throw new SQLException("the store's evidence log holds " + head.size() + " events, but this gateway wrote "
                    + last.size() + " durably: events were removed from the store since; nothing more is written to it."
                    + " Restore the store from a backup and find out who changed it");
        }
        if (head.size() == last.size() && !last.sameEdge(head.range())) {
            throw new SQLException("the store's evidence log of " + head.size() + " events is not the one this gateway wrote:"
                    + " its events or hashes were rewritten since; nothing more is written to it. Restore the store from a"
                    + " backup and find out who changed it");
        }
    }

    /**
     * Keeps {@code head} on disk for the next start. The batch is durable in the store either way,
     * so a failure here refuses nothing: it is logged, and the next start checks an older head.
     */
    private void keep(WrittenHead head) {
        if (writtenFile == null) {
            return;
        }
        try {
            writtenFile.write(head);
        } catch (IOException e) {
            LOG.error("cannot keep what this gateway wrote to the evidence store in {}: {}", writtenFile.path(), e.toString());
        }
    }

    /** Shared store: the log as this node's last batch left it, if it wrote one since it started. */
    Optional<WrittenHead> written() {
        return Optional.ofNullable(written);
    }

    /**
     * One statement, its own transaction (the connection commits each): the batch sealed from the
     * head as last committed. Null when another node moved the head first: nothing was written.
     */
    private SealedBatch appendUnlocked(Connection connection, EvidenceStoreWriter.Head head, StampedBatch stamped)
            throws SQLException {
        SealedBatch sealed = stamped.seal(head.size(), leafEncoding);
        try {
            writes(head, sealed).execute(connection, true);
            return sealed;
        } catch (SQLException e) {
            if (EvidenceStoreWriter.headMoved(e)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The batch from the head this connection's open transaction has locked: two round trips under
     * the lock, but no other node can move it.
     */
    private SealedBatch appendLocked(Connection connection, EvidenceStoreWriter.Head head, StampedBatch stamped)
            throws SQLException {
        try {
            SealedBatch sealed = stamped.seal(head.size(), leafEncoding);
            SqlBatch writes = writes(head, sealed);
            // The commit travels with the writes. Should a statement fail, the server skips the rest, COMMIT included,
            // and the rollback below ends the transaction; commit() only commits what is still open, so it adds nothing.
            writes.add("COMMIT");
            writes.execute(connection, true);
            connection.commit();
            return sealed;
        } catch (SQLException | RuntimeException e) {
            rollback(connection);
            throw e;
        }
    }

    /** A sealed batch's statements: the head's move, the events, their subtree hashes, the index rows. */
    private SqlBatch writes(EvidenceStoreWriter.Head head, SealedBatch sealed) throws SQLException {
        SqlBatch writes = new SqlBatch();
        writer.write(writes, head, sealed.events());
        index.write(writes, sealed.events().stream().map(SealedEvent::indexed).toList());
        return writes;
    }

    /**
     * Gives each event of the batch its log time ({@link LogClock}), with a {@code clock.stepped}
     * event before the first one the wall clock put back. Done once per batch, whatever index it
     * is sealed from: the clock's account of the times is the same for every attempt.
     */
    private StampedBatch stamp(List<PendingEvent> batch) {
        List<EvidenceEvent> logged = new ArrayList<>(batch.size());
        int[] positionOfPending = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            EvidenceEvent event = batch.get(i).event();
            LogClock.Stamp stamp = clock.next(event.time());
            if (stamp.steppedBack() != null) {
                LOG.warn("the wall clock went back {} ms; events carry the log's time until it has caught up",
                        stamp.steppedBack().toMillis());
                logged.add(ClockStep.event(stamp));
            }
            positionOfPending[i] = logged.size();
            logged.add(stamp.time().equals(event.time()) ? event : event.at(stamp.time()));
        }
        return new StampedBatch(logged, positionOfPending);
    }

    /** The time of the log's last event, where the log clock goes on from; null for an empty log. */
    private Instant lastLoggedTime() {
        if (storedSize == 0) {
            return null;
        }
        try (EvidenceReader reader = reader()) {
            return EventTime.of(reader.leaf(storedSize - 1));
        }
    }

    /** Indexes logged events in the store; a failed transaction is retried, nothing is lost (the log holds them). */
    private void indexLoop() {
        List<IndexedEvent> batch = new ArrayList<>();
        while (!(closing && indexQueue.isEmpty() && appender.getState() == Thread.State.TERMINATED)) {
            try {
                if (batch.isEmpty()) {
                    IndexedEvent first = indexQueue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    if (CostAccounting.ON) {
                        CostAccounting.HAND_OFFS.increment();
                    }
                    batch.add(first);
                    lingerForMore(batch);
                }
                index(batch);
                indexed(batch);
                batch.clear();
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.error("indexing {} logged events failed, retrying: {}", batch.size(), e.toString());
                sleepQuietly(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Gathers what arrives within {@link #INDEX_LINGER_NANOS} (100 ms) into the same batch. The
     * events are durable in the log already, so waiting costs no client anything (a query waits
     * at most that long to see its own latest events), and the fewer batches, the fewer index
     * rows: one per session and batch, and one database transaction. The thread sleeps through the
     * linger and then takes everything at once: waiting on the queue would wake it per event.
     */
    private void lingerForMore(List<IndexedEvent> batch) throws InterruptedException {
        indexQueue.drainTo(batch, MAX_INDEX_BATCH - batch.size());
        if (batch.size() < MAX_INDEX_BATCH && !closing) {
            TimeUnit.NANOSECONDS.sleep(INDEX_LINGER_NANOS);
            indexQueue.drainTo(batch, MAX_INDEX_BATCH - batch.size());
        }
    }

    /**
     * Stores the batch's subtree hashes (those not stored yet: a retry after a failed transaction
     * skips them) and its index rows, moving the store's head from exactly where the batch starts.
     */
    private void index(List<IndexedEvent> batch) throws SQLException, IOException {
        for (IndexedEvent event : batch) {
            if (event.index() == hashes.addedSize()) {
                hashes.add(event.leafHash());
            }
        }
        hashes.flush();
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                writer.advanceHead(connection, batch.getFirst().index(), batch.size());
                SqlBatch writes = new SqlBatch();
                index.write(writes, batch);
                writes.execute(connection, false);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        }
        markStored(batch.getLast().index() + 1);
    }

    /** Indexes what the log holds beyond {@code from}: events a crash kept from the store, or a store rebuilt. */
    private void reindex(long from) throws IOException, SQLException {
        if (from >= leaves.size()) {
            return;
        }
        List<IndexedEvent> batch = new ArrayList<>(MAX_INDEX_BATCH);
        long[] done = {0};
        leaves.scan(from, leaves.size(), (i, leaf) -> {
            batch.add(SealedEvent.fromLeaf(i, leaf).indexed());
            if (batch.size() == MAX_INDEX_BATCH) {
                indexRebuilt(batch);
                done[0] += batch.size();
                batch.clear();
            }
        });
        if (!batch.isEmpty()) {
            indexRebuilt(batch);
            done[0] += batch.size();
        }
        LOG.warn("indexed {} evidence events from the log that the store had not indexed", done[0]);
    }

    private void indexRebuilt(List<IndexedEvent> batch) throws IOException {
        try {
            index(batch);
        } catch (SQLException e) {
            throw new IOException("cannot index the evidence log: " + e.getMessage(), e);
        }
    }

    private void markStored(long size) {
        synchronized (storedMonitor) {
            storedSize = size;
            storedMonitor.notifyAll();
        }
    }

    private void fail(List<PendingEvent> batch, Exception e) {
        LOG.error("evidence log write failed for {} events: {}", batch.size(), e.toString());
        lastWriteFailure = e.toString();
        batch.forEach(p -> p.index().completeExceptionally(e));
    }

    private void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The transaction is gone with the connection either way.
        }
    }

    private long readIndexedSize() throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            return readIndexedSize(connection);
        }
    }

    private static long readIndexedSize(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement();
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

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception ignored) {
                // Already failing; the first error is the one reported.
            }
        }
    }

    /** Stops accepting events, writes and indexes the queued ones. */
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
        LockSupport.unpark(appender);
        blobs.flush();
        try {
            appender.join(TimeUnit.SECONDS.toMillis(DURABLE_WAIT_SECONDS));
            if (indexer != null) {
                indexer.join(TimeUnit.SECONDS.toMillis(DURABLE_WAIT_SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(hashes, leaves, writtenFile);
    }
}
