package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.merkle.CompactRange;
import java.util.Arrays;
import java.util.List;

/**
 * The shared store's log as this node's last batch left it: its size and the right edge of its
 * tree, kept in this node's memory. Why: until the next checkpoint is signed, nothing but the
 * store holds the events written since the last one, and whoever can write the store could cut
 * them off or rewrite them, hashes and head included, so that the next checkpoint signs what is
 * left. The log must still extend what this node wrote: the store's head at this size must have
 * this edge, and a checkpoint must have this tree as a prefix.
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
}
