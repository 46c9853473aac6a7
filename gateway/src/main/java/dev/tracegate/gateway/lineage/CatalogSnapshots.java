package dev.tracegate.gateway.lineage;

import dev.tracegate.policy.lineage.CatalogSnapshot;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Catalog snapshots of one upstream database, for checking masked callers' statements, read by
 * the protocol's {@link CatalogReader}.
 *
 * <p>A snapshot is reused for a few seconds; after a schema change through the gateway, or when a
 * statement names something the snapshot does not know, the next check takes a fresh one
 * ({@link CatalogAnswer}: sessions share a reading, and a young snapshot is had without a lock). The
 * queries are the gateway's own text; no client input reaches them. Thread-safe.
 */
public final class CatalogSnapshots {

    private static final AtomicLong VERSIONS = new AtomicLong();

    private final CatalogAnswer<CatalogSnapshot> snapshots;

    public CatalogSnapshots(CatalogReader reader) {
        this.snapshots = new CatalogAnswer<>(() -> reader.read(VERSIONS.incrementAndGet()));
    }

    /** A snapshot no older than a few seconds (none older than the last schema change seen). */
    public CatalogSnapshot current() throws CatalogUnavailableException {
        return snapshots.current();
    }

    /** A snapshot taken after this call began. */
    public CatalogSnapshot fresh() throws CatalogUnavailableException {
        return snapshots.readAgain();
    }

    /**
     * A statement that may change the schema went through: until it has surely finished, every
     * check takes a snapshot read after it asked, so a view or function created a moment ago is seen as it is.
     */
    public void schemaMayChange() {
        snapshots.schemaMayChange();
    }
}
