package dev.tracegate.gateway.evidence;

import java.security.SecureRandom;
import java.util.function.LongPredicate;

/**
 * Where each blob's record is in {@link BlobSegments}: a hash table of two {@code long} arrays,
 * the first 8 bytes of the blob's digest and its place (segment number and offset), kept at most
 * half full, so 32 to 64 bytes per blob and no object per entry. It is rebuilt from the
 * segments' record headers when the gateway starts.
 *
 * <p>Eight bytes of a digest name a blob only probably: anyone can find two contents that share
 * them with about 2^32 tries. A key is therefore a candidate, and {@link #find} asks the caller to
 * compare the whole digest (in the record's header) before it takes a place. The slot a key goes
 * to is mixed with a secret chosen at start, so nobody can aim contents at one run of slots.
 */
final class BlobIndex {

    /** A place is never 0: segments are numbered from 1. */
    private static final long EMPTY = 0;
    private static final int FIRST_CAPACITY = 1024;

    private final long seed = new SecureRandom().nextLong();
    private long[] keys = new long[FIRST_CAPACITY];
    private long[] places = new long[FIRST_CAPACITY];
    private int count;

    /** The index key of a digest: its first 8 bytes. */
    static long key(byte[] digest) {
        long key = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            key = key << 8 | (digest[i] & 0xff);
        }
        return key;
    }

    static long place(int segment, long offset) {
        return (long) segment << 40 | offset;
    }

    static int segment(long place) {
        return (int) (place >>> 40);
    }

    static long offset(long place) {
        return place & ((1L << 40) - 1);
    }

    int size() {
        return count;
    }

    void add(long key, long place) {
        if ((count + 1) * 2L > keys.length) {
            resize(keys.length * 2);
        }
        insert(key, place);
        count++;
    }

    /** The first place of {@code key} that {@code isTheBlob} accepts, or -1. */
    long find(long key, LongPredicate isTheBlob) {
        int mask = keys.length - 1;
        for (int slot = slot(key, mask); places[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == key && isTheBlob.test(places[slot])) {
                return places[slot];
            }
        }
        return -1;
    }

    /** Drops every place {@code gone} accepts (the records of deleted segments). */
    void removeIf(LongPredicate gone) {
        long[] oldKeys = keys;
        long[] oldPlaces = places;
        int kept = 0;
        for (long place : oldPlaces) {
            if (place != EMPTY && !gone.test(place)) {
                kept++;
            }
        }
        int capacity = FIRST_CAPACITY;
        while (capacity < kept * 2L) {
            capacity *= 2;
        }
        keys = new long[capacity];
        places = new long[capacity];
        count = kept;
        for (int i = 0; i < oldPlaces.length; i++) {
            if (oldPlaces[i] != EMPTY && !gone.test(oldPlaces[i])) {
                insert(oldKeys[i], oldPlaces[i]);
            }
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        long[] oldPlaces = places;
        keys = new long[capacity];
        places = new long[capacity];
        for (int i = 0; i < oldPlaces.length; i++) {
            if (oldPlaces[i] != EMPTY) {
                insert(oldKeys[i], oldPlaces[i]);
            }
        }
    }

    private void insert(long key, long place) {
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (places[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        places[slot] = place;
    }

    /** A 64-bit finaliser (MurmurHash3's) over the key and the secret. */
    private int slot(long key, int mask) {
        long h = key ^ seed;
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) (h ^ (h >>> 33)) & mask;
    }
}
