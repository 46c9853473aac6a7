package dev.tracegate.gateway.lineage;

import dev.tracegate.policy.lineage.CatalogSnapshot;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Catalog snapshots of one upstream database, for checking masked callers' statements, read by
 * the protocol's {@link CatalogReader}.
 *
 * <p>A snapshot is reused for a few seconds; after a schema change through the gateway, or when a
 * statement names something the snapshot does not know, the next check takes a fresh one. The
 * queries are the gateway's own text; no client input reaches them. Thread-safe.
 */
public final class CatalogSnapshots {

    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final AtomicLong VERSIONS = new AtomicLong();

    private final CatalogReader reader;
    private CatalogSnapshot current;
    private long takenNanos;
    private long freshUntilNanos;

    public CatalogSnapshots(CatalogReader reader) {
        this.reader = reader;
    }

    /** A snapshot no older than a few seconds (none older than the last schema change seen). */
    public synchronized CatalogSnapshot current() throws CatalogUnavailableException {
        long now = System.nanoTime();
        if (current == null || now - takenNanos > MAX_AGE.toNanos() || now < freshUntilNanos) {
            return fresh();
        }
        return current;
    }

    /** A snapshot taken now. */
    public synchronized CatalogSnapshot fresh() throws CatalogUnavailableException {
        current = reader.read(VERSIONS.incrementAndGet());
        takenNanos = System.nanoTime();
        return current;
    }

    /**
     * A statement that may change the schema went through: until it has surely finished, every
     * check takes a fresh snapshot, so a view or function created a moment ago is seen as it is.
     */
    public synchronized void schemaMayChange() {
        freshUntilNanos = System.nanoTime() + MAX_AGE.toNanos();
    }
}
