package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A walk's clean values are found by their exact characters only, within their bounds. */
class CleanValuesTest {

    @Test
    void aValueIsFoundByItsExactCharactersOnly() {
        CleanValues clean = new CleanValues(512, 64);
        clean.add("Aa"); // "Aa" and "BB" share a hash
        assertThat(clean.contains("Aa")).isTrue();
        assertThat(clean.contains("BB")).isFalse();
        assertThat(clean.contains("xBBx".toCharArray(), 1, 2)).isFalse();
        assertThat(clean.contains("xAax".toCharArray(), 1, 2)).isTrue();
        assertThat(clean.contains("xAax".toCharArray(), 1, 3)).isFalse();
        assertThat(clean.contains("")).isFalse();
    }

    @Test
    void valuesPastTheBoundsAreNotKept() {
        CleanValues clean = new CleanValues(3, 5);
        clean.add("123456");
        clean.add("one");
        clean.add("one");
        clean.add("two");
        clean.add("three");
        clean.add("four");
        assertThat(clean.contains("123456")).isFalse();
        assertThat(clean.contains("one")).isTrue();
        assertThat(clean.contains("three")).isTrue();
        assertThat(clean.contains("four")).isFalse();
    }

    @Test
    void manyValuesStayFindable() {
        CleanValues clean = new CleanValues(512, 64);
        for (int i = 0; i < 600; i++) {
            clean.add("value " + i + " " + "x".repeat(i % 50));
        }
        for (int i = 0; i < 512; i++) {
            String kept = "value " + i + " " + "x".repeat(i % 50);
            assertThat(clean.contains(kept)).as(kept).isTrue();
            assertThat(clean.contains(("<" + kept + ">").toCharArray(), 1, kept.length())).isTrue();
        }
        assertThat(clean.contains("value 512 " + "x".repeat(512 % 50))).isFalse();
    }
}
