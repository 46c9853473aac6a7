package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The blob index keys records by 8 bytes of their digest, which anyone can make two contents share:
 * a key is only a candidate, each record of that key is offered to the caller's check, and
 * retention's removal keeps the others.
 */
class BlobIndexTest {

    @Test
    void recordsSharingAKeyAreEachFoundByTheirFullDigest() {
        BlobIndex index = new BlobIndex();
        long key = 0x0123456789abcdefL;
        long first = BlobIndex.place(1, 0);
        long second = BlobIndex.place(2, 4096);
        index.add(key, first);
        index.add(key, second);
        assertThat(index.find(key, place -> place == second)).isEqualTo(second);
        assertThat(index.find(key, place -> place == first)).isEqualTo(first);
        assertThat(index.find(key, place -> false)).as("no record with that full digest").isEqualTo(-1);

        index.removeIf(place -> BlobIndex.segment(place) == 1);
        assertThat(index.find(key, place -> true)).isEqualTo(second);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void everyPlaceIsFoundAfterTheTableGrows() {
        BlobIndex index = new BlobIndex();
        for (int i = 0; i < 100_000; i++) {
            index.add(i * 0x9E3779B97F4A7C15L, BlobIndex.place(1 + i % 7, i * 100L));
        }
        for (int i = 0; i < 100_000; i++) {
            long expected = BlobIndex.place(1 + i % 7, i * 100L);
            assertThat(index.find(i * 0x9E3779B97F4A7C15L, place -> place == expected)).isEqualTo(expected);
        }
        assertThat(BlobIndex.offset(BlobIndex.place(3, 1L << 39))).isEqualTo(1L << 39);
    }
}
