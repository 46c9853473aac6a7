package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;

/**
 * The leaf indexes a figure counts. Events arrive in index order, so additions are almost always
 * ascending; the set is sorted and deduplicated only when read. Written as inclusive ranges
 * {@code [[first, last], ...]}, which keep "every event from 12 to 40" short.
 */
final class LeafSet {
    private long[] leaves = new long[4];
    private int size;
    private boolean sorted = true;

    void add(long index) {
        if (size == leaves.length) {
            leaves = Arrays.copyOf(leaves, size * 2);
        }
        if (size > 0 && leaves[size - 1] >= index) {
            sorted = false;
        }
        leaves[size++] = index;
    }

    void addAll(LeafSet other) {
        for (long index : other.indexes()) {
            add(index);
        }
    }

    /** Sorted, without duplicates. */
    long[] indexes() {
        if (!sorted) {
            long[] copy = Arrays.copyOf(leaves, size);
            Arrays.sort(copy);
            int unique = 0;
            for (int i = 0; i < copy.length; i++) {
                if (unique == 0 || copy[unique - 1] != copy[i]) {
                    copy[unique++] = copy[i];
                }
            }
            leaves = copy;
            size = unique;
            sorted = true;
        }
        return Arrays.copyOf(leaves, size);
    }

    boolean isEmpty() {
        return size == 0;
    }

    ArrayNode toJson() {
        ArrayNode ranges = JsonNodeFactory.instance.arrayNode();
        long[] sortedLeaves = indexes();
        for (int i = 0; i < sortedLeaves.length; ) {
            int j = i;
            while (j + 1 < sortedLeaves.length && sortedLeaves[j + 1] == sortedLeaves[j] + 1) {
                j++;
            }
            ranges.addArray().add(sortedLeaves[i]).add(sortedLeaves[j]);
            i = j + 1;
        }
        return ranges;
    }

    /**
     * Reads {@code [[first, last], ...]} as written by {@link #toJson}, expanding at most
     * {@code limit} leaves (a tampered range must not exhaust memory); malformed entries are skipped,
     * since the comparison names the figure anyway.
     */
    static LeafSet fromJson(JsonNode ranges, long limit) {
        LeafSet set = new LeafSet();
        for (JsonNode range : ranges) {
            if (range.size() != 2 || !range.get(0).canConvertToLong() || !range.get(1).canConvertToLong()) {
                continue;
            }
            for (long index = range.get(0).longValue(); index <= range.get(1).longValue() && set.size < limit; index++) {
                set.add(index);
            }
        }
        return set;
    }
}
