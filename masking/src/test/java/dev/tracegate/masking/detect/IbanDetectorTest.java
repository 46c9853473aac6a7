package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IbanDetectorTest {

    private final IbanDetector detector = new IbanDetector();

    @Test
    void compactAndGroupedIbans() {
        assertThat(Finds.of(detector, "Pay DE89370400440532013000 or GB29 NWBK 6016 1331 9268 19 today"))
                .containsExactly("DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19");
        assertThat(Finds.of(detector, "FR1420041010050500013M02606, NL91ABNA0417164300, BE68539007547034"))
                .hasSize(3);
    }

    @Test
    void wrongCheckDigitsOrLengthAreNoIban() {
        assertThat(Finds.of(detector, "DE89370400440532013001")).isEmpty();
        assertThat(Finds.of(detector, "DE8937040044053201300")).isEmpty();
        assertThat(Finds.of(detector, "DE893704004405320130001")).isEmpty();
    }

    @Test
    void unknownCountryIsNoIban() {
        assertThat(Finds.of(detector, "ZZ89370400440532013000 1DE89370400440532013000 DE893704004405320130001")).isEmpty();
        assertThat(Finds.of(detector, "AB12 is a model, v2 build DE12")).isEmpty();
    }

    /**
     * An IBAN glued to letters, as a label or a concatenation writes it: before 2026-12-06 it was no IBAN and reached
     * masked callers in clear. Read compact, with an account of digits after a bank code, outside words of hex digits.
     */
    @Test
    void anIbanGluedToLettersIsFound() {
        assertThat(Finds.of(detector, "ibanDE89370400440532013000x XDE89370400440532013000 iban_GB29NWBK60161331926819end"))
                .containsExactly("DE89370400440532013000", "DE89370400440532013000", "GB29NWBK60161331926819");
        // an upper-case digest holding a valid one, letters and digits at random, and a glued grouped one stay
        assertThat(Finds.of(detector, "A3F9DE89370400440532013000BC 0aDE89370400440532013000ff"
                + " kQxGB29NWBK6016133192681zZ ibanDE89 3704 0044 0532 0130 00x")).isEmpty();
    }

    /** Banks and people split an IBAN by its parts (bank code, account), not in fours: it was no IBAN to the detector. */
    @Test
    void anIbanSpacedByItsPartsIsFound() {
        assertThat(Finds.of(detector, "to DE8937 04004405 32013000, DE89 37040044 0532013000 or GB29NWBK 60161331926819."))
                .containsExactly("DE8937 04004405 32013000", "DE89 37040044 0532013000", "GB29NWBK 60161331926819");
        assertThat(Finds.of(detector, "RIB FR14 20041 01005 0500013M026 06")).containsExactly("FR14 20041 01005 0500013M026 06");
        assertThat(Finds.of(detector, "DE8937040044053201300 0, DE89 3704 0044 0532 0130 0 0, GB29 NWBK 601613319268 19x,"
                + " DE89 37 04 00 44 05 32 01 30 00")).isEmpty();
    }

    @Test
    void groupsOfFourSeparatedByHyphensOrDots() {
        assertThat(Finds.of(detector, "iban: DE89-3704-0044-0532-0130-00, DE89.3704.0044.0532.0130.00"))
                .containsExactly("DE89-3704-0044-0532-0130-00", "DE89.3704.0044.0532.0130.00");
        assertThat(Finds.of(detector, "DE89-3704 0044-0532-0130-00 DE893-704-0044-0532-0130-00")).isEmpty();
    }

    /** A space after the country code, or groups of three after the check digits: the account passed in clear. */
    @Test
    void anIbanWithASpaceAfterItsCountryOrInThreesIsFound() {
        assertThat(Finds.of(detector, "IBAN DE 89 3704 0044 0532 0130 00, GB 29 NWBK 6016 1331 9268 19 or DE89 370 400 440 532 013 000."))
                .containsExactly("DE 89 3704 0044 0532 0130 00", "GB 29 NWBK 6016 1331 9268 19", "DE89 370 400 440 532 013 000");
        assertThat(Finds.of(detector, "DE 89 370 400 440 532 013 000")).containsExactly("DE 89 370 400 440 532 013 000");
        assertThat(Finds.of(detector, "DE  89370400440532013000, DE 89-3704-0044-0532-0130-00, DE89 370 400 440 532 01 3000,"
                + " DE 88 3704 0044 0532 0130 00")).isEmpty();
    }
}
