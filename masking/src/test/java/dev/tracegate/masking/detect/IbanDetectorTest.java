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
    void unknownCountryOrGluedToAWordIsNoIban() {
        assertThat(Finds.of(detector, "ZZ89370400440532013000 XDE89370400440532013000")).isEmpty();
        assertThat(Finds.of(detector, "AB12 is a model, v2 build DE12")).isEmpty();
    }

    @Test
    void groupsOfFourSeparatedByHyphensOrDots() {
        assertThat(Finds.of(detector, "iban: DE89-3704-0044-0532-0130-00, DE89.3704.0044.0532.0130.00"))
                .containsExactly("DE89-3704-0044-0532-0130-00", "DE89.3704.0044.0532.0130.00");
        assertThat(Finds.of(detector, "DE89-3704 0044-0532-0130-00 DE893-704-0044-0532-0130-00")).isEmpty();
    }
}
