package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextFactsTest {

    @Test
    void longestNumberCountsDigitsAcrossSeparators() {
        assertThat(TextFacts.of("card 4111 1111 1111 1111 ok").longestNumberDigits()).isEqualTo(16);
        assertThat(TextFacts.of("+1 (415) 555-2671").longestNumberDigits()).isEqualTo(11);
        assertThat(TextFacts.of("order 1042 on 2024-03-02, 12 items").longestNumberDigits()).isEqualTo(8);
        assertThat(TextFacts.of("no digits here").longestNumberDigits()).isZero();
    }

    @Test
    void colonsAndIbanShape() {
        assertThat(TextFacts.of("a::1 b:c").colons()).isEqualTo(3);
        assertThat(TextFacts.of("pay DE89 3704").lettersThenDigits()).isTrue();
        assertThat(TextFacts.of("model X200, ab 1").lettersThenDigits()).isFalse();
    }
}
