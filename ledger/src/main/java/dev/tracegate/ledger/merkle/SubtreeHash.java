package dev.tracegate.ledger.merkle;

import java.util.Arrays;
import java.util.HexFormat;

/** The hash of the complete subtree {@code (level, index)}; see {@link SubtreeHashes}. */
public record SubtreeHash(int level, long index, byte[] hash) {
    public SubtreeHash {
        if (level < 0 || level > 62 || index < 0) {
            throw new IllegalArgumentException("no subtree at level " + level + " index " + index);
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The first leaf this subtree covers. */
    public long firstLeaf() {
        return index << level;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubtreeHash other && level == other.level && index == other.index && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * level + Long.hashCode(index)) + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "SubtreeHash[level=" + level + ", index=" + index + ", hash=" + HexFormat.of().formatHex(hash) + "]";
    }
}
