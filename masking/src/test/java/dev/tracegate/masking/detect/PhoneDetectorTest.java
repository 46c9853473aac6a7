package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.ScanBudgetExceededException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhoneDetectorTest {

    private final PhoneDetector detector = new PhoneDetector(List.of("US", "GB", "DE", "FR", "IN"));

    @Test
    void internationalNumbersOfAnyCountry() {
        assertThat(Finds.of(detector, "Call +1 415-555-2671 or +44 20 7946 0958, +49 30 901820, +33 1 42 68 53 00."))
                .containsExactly("+1 415-555-2671", "+44 20 7946 0958", "+49 30 901820", "+33 1 42 68 53 00");
        assertThat(Finds.of(detector, "Japan: +81 3-3224-5000, 0044 20 7946 0958")).containsExactly("+81 3-3224-5000", "0044 20 7946 0958");
    }

    @Test
    void nationalNumbersWrittenTheWayTheirRegionGroupsThem() {
        assertThat(Finds.of(detector, "office (415) 555-2671, 415.555.2671, 020 7946 0958, 01 42 68 53 00, 030 901820"))
                .containsExactly("(415) 555-2671", "415.555.2671", "020 7946 0958", "01 42 68 53 00", "030 901820");
    }

    @Test
    void bareDigitRunsNeedAPhoneWord() {
        assertThat(Finds.of(detector, "4155552671")).isEmpty();
        assertThat(Finds.of(detector, "call me at 4155552671")).containsExactly("4155552671");
        assertThat(Finds.of(detector, "mobile: 07700900123")).containsExactly("07700900123");
    }

    @Test
    void datesVersionsAddressesAndAmountsAreNoPhones() {
        assertThat(Finds.of(detector, "on 2023-10-15, 15.10.2023, 10/15/2023 and 12/31/1999")).isEmpty();
        assertThat(Finds.of(detector, "from 192.168.100.200 at 3.14159265")).isEmpty();
        assertThat(Finds.of(detector, "years 2010 2015 2020, order 415-555-2671")).isEmpty();
    }

    @Test
    void italianNumbersKeepTheirLeadingZeroAndNumbersMayFollowEachOther() {
        assertThat(Finds.of(detector, "Roma +39 06 6988 4857")).containsExactly("+39 06 6988 4857");
        assertThat(Finds.of(detector, "tel 030 901820 0151 12345678")).containsExactly("030 901820", "0151 12345678");
    }

    @Test
    void aNumberGroupedAsItsInternationalFormWithoutThePlusIsFoundAndCardPrefixesAreNot() {
        // Written groups that start with the calling code are compared with the international format too.
        assertThat(Finds.of(detector, "office 1 415 555 2671, 1-415-555-2671")).containsExactly("1 415 555 2671",
                "1-415-555-2671");
        // 4003 0000 0000 is a valid German number, but not grouped as Germany writes it, nationally or with +49.
        assertThat(Finds.of(detector, "paid with 4003 0000 0000 0017 and 4003 0000 0000")).isEmpty();
    }

    @Test
    void groupsInsideLongerGroupedNumbersAreNoPhones() {
        assertThat(Finds.of(detector, "IBAN CH51 8941 0335 2322 7825 3, card 4111 1111 1111 1111")).isEmpty();
    }

    @Test
    void invalidNumbersAreNoPhones() {
        assertThat(Finds.of(detector, "+1 123-456-7890")).isEmpty();
        assertThat(Finds.of(detector, "555-2671")).isEmpty();
    }

    @Test
    void aTextOfNothingButCandidatesStopsAtItsBudget() {
        String text = "(202) 555-01 ".repeat(20_000);
        assertThatThrownBy(() -> Finds.of(detector, text)).isInstanceOf(ScanBudgetExceededException.class);
    }

    @Test
    void unknownRegionIsAConfigurationError() {
        assertThatThrownBy(() -> new PhoneDetector(List.of("XX"))).hasMessageContaining("XX");
    }
}
