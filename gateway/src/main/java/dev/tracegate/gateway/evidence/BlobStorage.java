package dev.tracegate.gateway.evidence;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where blob content is kept: the store's {@code blob} table ({@link BlobTable}, shared by the
 * nodes of a PostgreSQL store) or segment files beside the leaf log ({@link BlobSegments}, the
 * embedded store). {@link BlobStore} is the one callers use.
 */
interface BlobStorage {

    /** Keeps each blob, by its {@code sha256:<hex>} name, unless content of that name is kept already. */
    void storeAll(Map<String, byte[]> blobs);

    /** The content, unless it was never kept or its retention ended. */
    Optional<byte[]> get(String digest);

    /** Retention: drops the content stored before {@code cutoff}; returns how many blobs lost it. */
    int deleteContentStoredBefore(Instant cutoff);
}
