package dev.tracegate.policy.sql;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded map from text to an immutable value (a query's classification, a statement shape's
 * parser opinion, the record's redaction plan of a lexed shape), approximating LRU with the CLOCK
 * algorithm: a hit is a lock-free map read plus setting a flag, so repeated texts are cheap under
 * concurrency; only inserting takes a lock, and it evicts the first entry not used since the clock
 * hand last passed it. Values are immutable, so a reader racing an eviction still gets a correct result.
 */
public final class ClassificationCache<V> {

    private static final class Entry<V> {
        final V value;
        volatile boolean used;

        Entry(V value) {
            this.value = value;
        }
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Entry<V>> entries;
    private final String[] ring;
    private int filled;
    private int hand;

    public ClassificationCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.capacity = capacity;
        this.entries = new ConcurrentHashMap<>(Math.max(16, capacity * 4 / 3 + 1));
        this.ring = new String[capacity];
    }

    public V get(String text) {
        Entry<V> entry = entries.get(text);
        if (entry == null) {
            return null;
        }
        if (!entry.used) {
            entry.used = true;
        }
        return entry.value;
    }

    public void put(String text, V value) {
        if (capacity == 0) {
            return;
        }
        synchronized (ring) {
            if (entries.containsKey(text)) {
                return;
            }
            if (filled < capacity) {
                ring[filled++] = text;
            } else {
                while (true) {
                    Entry<V> candidate = entries.get(ring[hand]);
                    if (candidate != null && candidate.used) {
                        candidate.used = false;
                        hand = (hand + 1) % capacity;
                        continue;
                    }
                    entries.remove(ring[hand]);
                    ring[hand] = text;
                    hand = (hand + 1) % capacity;
                    break;
                }
            }
            entries.put(text, new Entry<>(value));
        }
    }

    public int size() {
        return entries.size();
    }
}
