package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CardDetectorTest {

    private static final Duration SUPER_LINEAR_GUARD = Duration.ofSeconds(30);

    private final CardDetector detector = new CardDetector();

    @Test
    void findsCardsOfEachNetworkBareAndGrouped() {
        assertThat(Finds.of(detector, "visa 4111111111111111, mc 5555-5555-5555-4444, amex 3782 822463 10005"))
                .containsExactly("4111111111111111", "5555-5555-5555-4444", "3782 822463 10005");
        assertThat(Finds.of(detector, "2221000000000009 6011111111111117 3530111333300000 36227206271667"))
                .hasSize(4);
    }

    @Test
    void luhnFailureIsNoCard() {
        assertThat(Finds.of(detector, "4111111111111112")).isEmpty();
    }

    @Test
    void luhnValidNumberOutsideEveryIssuerRangeIsNoCard() {
        // 7992739871 with check digit: Luhn-valid, but no network issues numbers starting with 7.
        assertThat(Luhn.isValid("7000000000000007", 0, 16)).isFalse();
        assertThat(Finds.of(detector, "1234567812345670")).isEmpty();
        assertThat(Luhn.isValid("1234567812345670", 0, 16)).isTrue();
    }

    @Test
    void orderAndTrackingNumbersThatPassLuhnAreNotCards() {
        assertThat(Finds.of(detector, "Order #4111111111111111 shipped")).isEmpty();
        assertThat(Finds.of(detector, "invoice no. 4012888888881881")).isEmpty();
        assertThat(Finds.of(detector, "card number for the order: 4111 1111 1111 1111")).containsExactly("4111 1111 1111 1111");
    }

    /**
     * A word for another kind of number names only the run of digits right after it: before 2026-12-06 {@code order
     * 4111 1111 1111 1111}, a card printed as cards are, and a card after a sentence that spoke of an invoice or a
     * customer reached masked callers in clear.
     */
    @Test
    void aWordForAnotherNumberDoesNotHideACardItDoesNotName() {
        assertThat(Finds.of(detector, "order 4111 1111 1111 1111; invoice 5555-5555-5555-4444"))
                .containsExactly("4111 1111 1111 1111", "5555-5555-5555-4444");
        assertThat(Finds.of(detector, "invoice for Ada settled with 4111111111111111, customer 42 uses 5555555555554444"))
                .containsExactly("4111111111111111", "5555555555554444");
        assertThat(Finds.of(detector, "order 4111111111111111, order no. 4012888888881881, ref: 5555555555554444")).isEmpty();
    }

    @Test
    void numbersGluedToOtherDigitsAreNoCards() {
        assertThat(Finds.of(detector, "41111111111111110 4111111111111111.5 12.4111111111111111")).isEmpty();
    }

    /**
     * A card number padded with zeros to a field's width, or glued to letters or an underscore, as a
     * label, a file name or a command that prefixes each line writes it: each was left in clear before
     * 2026-12-06. The zeros are part of the find, the letters are not.
     */
    @Test
    void cardNumbersPaddedWithZerosOrGluedToLettersAreCards() {
        assertThat(Finds.of(detector, "00004111111111111111 card4111111111111111, x4111111111111111y user_5555555555554444"
                + " 4111111111111111n 000000000000005555555555554444"))
                .containsExactly("00004111111111111111", "4111111111111111", "4111111111111111", "5555555555554444",
                        "4111111111111111", "000000000000005555555555554444");
    }

    /** Groups of four apart by a mark no number format writes, after a card word (in clear before 2026-12-06). */
    @Test
    void groupsOfFourApartByAnUnusualMarkAfterACardWordAreACard() {
        for (String card : new String[] {"4111*1111*1111*1111", "4111~1111~1111~1111", "4111:1111:1111:1111",
            "4111=1111=1111=1111", "4111'1111'1111'1111"}) {
            assertThat(Finds.of(detector, "card " + card + " ok")).as(card).containsExactly(card);
            assertThat(Finds.of(detector, "at " + card + " ok")).as(card).isEmpty();
        }
        assertThat(Finds.of(detector, "card 4111*1111*11111*111, card 4111,1111,1111,1111; card 4111|1111|1111|1111")).isEmpty();
    }

    /**
     * Glued to a word for another kind of number (as after one), to a hex literal's {@code 0x}, or inside
     * a word of hex digits (a commit id, a digest, UTF-16 in hex), decimal digits are no card.
     */
    @Test
    void digitsGluedToAnotherNumbersWordOrInsideHexAreNoCards() {
        assertThat(Finds.of(detector, "ref4111111111111111 order_4111111111111111 0x4111111111111111 \\x4111111111111111"
                + " commit 65621723815138150e8a6354413ed14d53cf35b5 cbb52bd5ada02bbd914869f4540221831358d077"
                + " 4111111111111111abc 00004111111111111112")).isEmpty();
    }

    @Test
    void groupedCardFollowedByMoreDigitsStillFound() {
        assertThat(Finds.of(detector, "4111 1111 1111 1111 12/27")).containsExactly("4111 1111 1111 1111");
    }

    @Test
    void tenMillionDigitsAreScannedInLinearTime() {
        String digits = "4".repeat(10_000_000);
        // A bound far above a linear scan on a loaded machine and far below the super-linear one this
        // guards against (minutes): a guard against that class of defect, not a speed figure.
        assertTimeoutPreemptively(SUPER_LINEAR_GUARD, () -> assertThat(Finds.of(detector, digits)).isEmpty());
    }

    /** Groups typed with mixed spaces and hyphens, two spaces, a tab or a spaced hyphen, as forms and columns space them. */
    @Test
    void groupsSeparatedByMixedOrRepeatedSpacesAndHyphens() {
        for (String card : new String[] {"4111 1111-1111 1111", "4111  1111  1111  1111", "4111\t1111\t1111\t1111",
            "4111 - 1111 - 1111 - 1111", "3782 822463-10005"}) {
            assertThat(Finds.of(detector, "card " + card + ", thanks")).as(card).containsExactly(card);
        }
        assertThat(Finds.of(detector, "4111.1111-1111 1111 4111--1111--1111--1111 4111 -- 1111")).isEmpty();
    }

    /** A card retyped in groups of two, three or one digits is a card after a word that says so; it was left in clear. */
    @Test
    void oddlyGroupedCardsAfterACardWord() {
        assertThat(Finds.of(detector, "card 41 11 11 11 11 11 11 11; visa 411 111 111 111 1111, paid with 4111111 111111111"))
                .containsExactly("41 11 11 11 11 11 11 11", "411 111 111 111 1111", "4111111 111111111");
        assertThat(Finds.of(detector, "card no. 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 ok")).containsExactly("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1");
        assertThat(Finds.of(detector, "scores 41 11 11 11 11 11 11 11, order 411 111 111 111 1111, card 41.11.11.11.11.11.11.11"))
                .isEmpty();
    }
}
