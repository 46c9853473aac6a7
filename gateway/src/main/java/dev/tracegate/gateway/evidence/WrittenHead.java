package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.MerkleTree;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The shared store's log as this node's last batch left it: its size and the right edge of its
 * tree, kept in this node's memory. Why: until the next checkpoint is signed, nothing but the
 * store holds the events written since the last one, and whoever can write the store could cut
 * them off or rewrite them, hashes and head included, so that the next checkpoint signs what is
 * left. The log must still extend what this node wrote: the store's head at this size must have
 * this edge, and a checkpoint must have this tree as a prefix. Kept on disk too
 * ({@link WrittenHeadFile}), so that a restart checks the store against it.
 */
record WrittenHead(long size, List<byte[]> edge) {

    WrittenHead {
        edge = List.copyOf(edge);
    }

    static WrittenHead of(CompactRange range) {
        return new WrittenHead(range.size(), range.rightEdge());
    }

    /** The root of the tree this node wrote. */
    byte[] root() {
        return CompactRange.of(size, edge).root();
    }

    /** True when {@code range}, a tree of this size, has this edge: compared hash by hash, nothing hashed again. */
    boolean sameEdge(CompactRange range) {
        List<byte[]> other = range.rightEdge();
        if (range.size() != size || other.size() != edge.size()) {
            return false;
        }
        for (int i = 0; i < edge.size(); i++) {
            if (!Arrays.equals(edge.get(i), other.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why the store's log of {@code size} events, read through {@code hashes}, does not extend
     * this tree: shorter, or no consistency proof from it. Empty when it does.
     */
    Optional<String> inconsistencyWith(long size, SubtreeHashes hashes) {
        if (size < this.size) {
            return Optional.of("the store's evidence log holds " + size + " events, but this gateway wrote " + this.size
                    + " durably: events no checkpoint covered yet were removed from the store");
        }
        try {
            byte[] root = MerkleTree.rootFrom(hashes, size);
            List<byte[]> proof = ConsistencyProof.create(this.size, size, hashes);
            ConsistencyProof.verify(this.size, size, root(), root, proof);
            return Optional.empty();
        } catch (ProofException | IllegalArgumentException | IllegalStateException e) {
            return Optional.of("the store's evidence log is not an extension of the " + this.size + " events this"
                    + " gateway wrote: events no checkpoint covered yet were rewritten in the store (" + e.getMessage() + ")");
        }
    }
}
