package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.ledger.merkle.MerkleHashes;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An event with its place in the log: its exact leaf bytes (JCS) and, in {@link #indexed()}, its
 * index, leaf hash and the few fields the query index keeps. From here on nothing about it changes.
 */
record SealedEvent(byte[] leaf, IndexedEvent indexed) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seals {@code event} at {@code index}, its leaf written by {@code leaves} (which only one thread uses at a time). */
    static SealedEvent seal(long index, EvidenceEvent event, LeafEncoding leaves) {
        byte[] leaf = leaves.encode(index, event);
        if (CostAccounting.ON) {
            CostAccounting.JSON_ENCODINGS.increment();
            // The canonical text out of its builder, then into UTF-8.
            CostAccounting.COPIES.add(2);
        }
        return new SealedEvent(leaf, indexed(index, leaves.leafHash(leaf), event));
    }

    /**
     * Seals {@code event} at {@code index} into the embedded log's batch: its leaf written by
     * {@code leaves} straight into {@code records}, without an array of its own, and hashed over
     * exactly the bytes written.
     */
    static IndexedEvent sealInto(long index, EvidenceEvent event, LeafEncoding leaves, LeafBatch records) {
        byte[] leafHash = leaves.encodeInto(index, event, records);
        if (CostAccounting.ON) {
            CostAccounting.JSON_ENCODINGS.increment();
            // The canonical text out of its builder into UTF-8; the copy into the batch is the log's.
            CostAccounting.COPIES.add(1);
        }
        return indexed(index, leafHash, event);
    }

    /**
     * The index keeps the time the leaf records (microseconds), not the clock's nanoseconds: exports
     * pick chunks by it, and a store rounding .9999997 up to the next second would leave the event
     * out of an export ending there.
     */
    private static IndexedEvent indexed(long index, byte[] leafHash, EvidenceEvent event) {
        return new IndexedEvent(index, leafHash, event.time().truncatedTo(ChronoUnit.MICROS), event.type(),
                event.session(), event.actor().subject(),
                event.resource() == null ? null : event.resource().connection(), event.trace());
    }

    /** Rebuilds the indexed fields from the leaf itself (re-indexing the log, importing an older store). */
    static SealedEvent fromLeaf(long index, byte[] leaf) throws IOException {
        JsonNode node = JSON.readTree(leaf);
        if (node.path("index").asLong(-1) != index) {
            throw new IOException("event " + index + " holds a leaf with index " + node.path("index"));
        }
        return new SealedEvent(leaf, new IndexedEvent(index, MerkleHashes.leafHash(leaf),
                Instant.parse(node.path("time").asText()), node.path("type").asText(), text(node.path("session")),
                text(node.path("actor").path("sub")), text(node.path("resource").path("connection")),
                text(node.path("trace"))));
    }

    long index() {
        return indexed.index();
    }

    byte[] leafHash() {
        return indexed.leafHash();
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
