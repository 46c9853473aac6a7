package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.ledger.jcs.Jcs;
import java.io.IOException;
import java.time.Instant;

/**
 * An event with its place in the log: its index, its exact leaf bytes (JCS) and leaf hash,
 * plus the few fields the store indexes for queries. From here on nothing about it changes.
 */
record SealedEvent(long index, byte[] leaf, byte[] leafHash, Instant time, String type, String session,
                   String actorSubject, String connection, String trace) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static SealedEvent seal(long index, EvidenceEvent event) {
        byte[] leaf = Jcs.canonicalize(event.toLeaf(index));
        return new SealedEvent(index, leaf, MerkleSubtreeStore.leafHash(leaf), event.time(), event.type(),
                event.session(), event.actor().subject(),
                event.resource() == null ? null : event.resource().connection(), event.trace());
    }

    /** Rebuilds the indexed fields from the leaf itself (journal recovery). */
    static SealedEvent fromLeaf(long index, byte[] leaf) throws IOException {
        JsonNode node = JSON.readTree(leaf);
        if (node.path("index").asLong(-1) != index) {
            throw new IOException("journal record " + index + " holds a leaf with index " + node.path("index"));
        }
        return new SealedEvent(index, leaf, MerkleSubtreeStore.leafHash(leaf), Instant.parse(node.path("time").asText()),
                node.path("type").asText(), text(node.path("session")), text(node.path("actor").path("sub")),
                text(node.path("resource").path("connection")), text(node.path("trace")));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
