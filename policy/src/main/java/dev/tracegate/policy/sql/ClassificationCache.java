package dev.tracegate.policy.sql;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded map from text to an immutable value (a query's classification, a statement shape's
 * parser opinion, the record's redaction plan of a lexed shape), approximating LRU with the CLOCK
 * algorithm: a hit is a lock-free map read plus setting a flag, so repeated texts are cheap under
 * concurrency; only inserting takes a lock, and it evicts the first entry not used since the clock
 * hand last passed it. Values are immutable, so a reader racing an eviction still gets a correct result.
 *
 * <p>A cache {@link #admittingOnSecondSighting made to admit on a second sighting} takes a key only
 * the second time it is offered: the first offer just notes the key's hash in a slot of a small table.
 * For keys that mostly never come back (query texts that spell their numbers, as a simple-protocol
 * client sends them: pgbench's account numbers, an ORM's inlined ids) every insert evicted a live
 * entry, kept a string no one asks for again and cost two map updates; repeated texts are still held
 * from their second use on. A key missed for a collision in the table is only computed again.
 */
public final class ClassificationCache<V> {

    private static final class Entry<V> {
        final V value;
        volatile boolean used;

        Entry(V value) {
            this.value = value;
        }
    }

    /** Slots of the first sightings' hashes (a power of two) of a cache that admits on a second sighting. */
    static final int SIGHTING_SLOTS = 4096;

    private final int capacity;
    private final ConcurrentHashMap<String, Entry<V>> entries;
    private final String[] ring;
    /** The hash last offered in each slot, or {@code null} when every key is admitted at once. */
    private final int[] sightings;
    private int filled;
    private int hand;

    public ClassificationCache(int capacity) {
        this(capacity, false);
    }

    private ClassificationCache(int capacity, boolean secondSighting) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.capacity = capacity;
        this.entries = new ConcurrentHashMap<>(Math.max(16, capacity * 4 / 3 + 1));
        this.ring = new String[capacity];
        this.sightings = secondSighting ? new int[SIGHTING_SLOTS] : null;
    }

    /** A cache that holds a key from the second time it is offered (see the class comment). */
    public static <V> ClassificationCache<V> admittingOnSecondSighting(int capacity) {
        return new ClassificationCache<>(capacity, true);
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
        if (capacity == 0 || firstSighting(text)) {
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

    /**
     * Notes the key's hash in its slot; true when the slot did not hold it (the key is not admitted
     * yet). The slots are plain ints: a racing writer can only make a key wait for one more offer, or
     * admit one a little early; neither changes what a caller is given.
     */
    private boolean firstSighting(String text) {
        if (sightings == null) {
            return false;
        }
        int hash = text.hashCode();
        int slot = (hash ^ hash >>> 16) & (SIGHTING_SLOTS - 1);
        if (sightings[slot] == hash) {
            return false;
        }
        sightings[slot] = hash;
        return true;
    }

    public int size() {
        return entries.size();
    }
}
