package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.ScanBudgetExceededException;
import java.util.ArrayList;
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

    /** The calling code in parentheses, as business cards and signatures write it: the number was no candidate at all. */
    @Test
    void aCallingCodeInParenthesesIsPartOfTheNumber() {
        assertThat(Finds.of(detector, "Tel (+44) 20 7946 0958, (+1) 415-555-2671 or (+49)30 901820."))
                .containsExactly("(+44) 20 7946 0958", "(+1) 415-555-2671", "(+49)30 901820");
        assertThat(Finds.of(detector, "call me (+44 20 7946 0958) today")).containsExactly("+44 20 7946 0958");
        assertThat(Finds.of(detector, "(+44) 12, (+1) 2024 and (+49)")).isEmpty();
    }

    /**
     * An extension glued to the number ({@code x123}, {@code ext.12}), as CRMs and Faker write it: glued to a
     * word, the number was none and reached masked callers in clear. The extension stays.
     */
    @Test
    void aNumberWithAnExtensionGluedToItIsANumber() {
        assertThat(Finds.of(detector, "call 415-555-2671x123, +1-415-555-2671x1234 or (415) 555-2671 ext.12 / +44 20 7946 0958EXT42"))
                .containsExactly("415-555-2671", "+1-415-555-2671", "(415) 555-2671", "+44 20 7946 0958");
        assertThat(Finds.of(detector, "tel +14155552671x9;")).containsExactly("+14155552671");
        // Other words glued to digits, dimensions and hex stay what they were.
        assertThat(Finds.of(detector, "call 415-555-2671xyz, 4155552671x1234567, 1920x1080, 0x4155552671, 415-555-2671x")).isEmpty();
    }

    /** A number in international form glued to letters on either side: before 2026-12-06 it reached masked callers in clear. */
    @Test
    void anInternationalNumberGluedToLettersIsANumber() {
        assertThat(Finds.of(detector, "tel+14155552671ext, x+442079460958 and mobile:+4915123456789abc"))
                .containsExactly("+14155552671", "+442079460958", "+4915123456789");
        // a sum, and a + inside digits, stay
        assertThat(Finds.of(detector, "1+14155552671, 7+442079460958x")).isEmpty();
    }

    @Test
    void nationalNumbersWrittenTheWayTheirRegionGroupsThem() {
        assertThat(Finds.of(detector, "office (415) 555-2671, 415.555.2671, 020 7946 0958, 01 42 68 53 00, 030 901820"))
                .containsExactly("(415) 555-2671", "415.555.2671", "020 7946 0958", "01 42 68 53 00", "030 901820");
    }

    /** WhatsApp's click-to-chat link writes the number in international form without its +: no word said phone. */
    @Test
    void theNumberOfAWhatsAppLink() {
        assertThat(Finds.of(detector, "chat: https://wa.me/447911123456 or wa.me/5511987654321?text=hi, WA.ME/14155552671"))
                .containsExactly("447911123456", "5511987654321", "14155552671");
        assertThat(Finds.of(detector, "https://ota.me/447911123456 and https://wa.me/p/447911123456/x")).isEmpty();
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

    /** The words before a candidate are read once a prefix of it has a phone number's shape, and then still decide. */
    @Test
    void theWordsBeforeANumberDecideAfterADateHasBeenPassed() {
        assertThat(Finds.of(detector, "call 2023-10-15 415-555-2671")).containsExactly("415-555-2671");
        assertThat(Finds.of(detector, "ref 2023-10-15 415-555-2671")).isEmpty();
        assertThat(Finds.of(detector, "order 2023-10-15, tel 2023101512")).containsExactly("2023101512");
        assertThat(Finds.of(detector, "invoice (415) 555-2671 of 2023-10-15")).isEmpty();
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
    void digitsACardClaimsAreNotAskedAboutUnlessSomethingCouldExtendThem() {
        // "call" makes the first twelve digits of this (Luhn-valid, Visa) card a German number as written.
        String card = "call 4003 1234 5678 9014";
        Match claimed = new Match(5, 24, EntityType.CARD);
        assertThat(Finds.of(detector, card)).containsExactly("4003 1234 5678");
        assertThat(findsBeside(card, claimed)).isEmpty();
        assertThat(findsBeside(card + ", 030 1234567", claimed)).containsExactly("030 1234567");
        assertThat(findsBeside(card + "/0221 1234567", claimed)).isEqualTo(Finds.of(detector, card + "/0221 1234567"));
        // A space, hyphen, dot or slash before a digit, or a parenthesis, could carry a candidate past
        // the card's end: those cards are examined as before.
        for (String after : List.of(" 30 1234567", "-0958", ".5", "/0221 1234567", "(020) 7946 0958", " (020) 7946 0958")) {
            assertThat(findsBeside(card + after, claimed)).as(after).isEqualTo(Finds.of(detector, card + after));
        }
        // Only candidates that start inside the card are left out; one before it is examined as before.
        String before = "call 030 1234567 4003 1234 5678 9014";
        assertThat(Finds.of(detector, before)).containsExactly("030 1234567", "4003 1234 5678");
        assertThat(findsBeside(before, new Match(17, 36, EntityType.CARD))).containsExactly("030 1234567");
    }

    private List<String> findsBeside(String text, Match card) {
        List<Match> matches = new ArrayList<>();
        detector.find(text, matches, List.of(card));
        return matches.stream().map(m -> text.substring(m.start(), m.end())).toList();
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

    /** A list of small numbers once ran out of look-ups, and the whole text became [SCAN_BUDGET]. */
    @Test
    void aListOfSmallNumbersIsReadToItsEnd() {
        for (String list : new String[] {"Scores: 12 15 18 21 24 27 30 33 36 39 42 45", "pairs 41 11 11 11 11 11 11 11",
            "hexdump 00 11 22 33 44 55 66 77 88 99 10 20 30 40 50 60",
            "temperatures 21 22 23 21 20 19 18 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33"}) {
            assertThat(Finds.of(detector, list)).as(list).isEmpty();
        }
    }

    @Test
    void aTextOfNothingButCandidatesStopsAtItsBudget() {
        String text = "(202) 555-01 ".repeat(20_000);
        assertThatThrownBy(() -> Finds.of(detector, text)).isInstanceOf(ScanBudgetExceededException.class);
    }

    /** A German mobile split after 0151, London's 0207 946 0958: grouped otherwise than libphonenumber, they passed in clear. */
    @Test
    void anAreaCodeSplitWherePeopleSplitItIsFound() {
        assertThat(Finds.of(detector, "Mobil: (0151) 23456789, 0151-23456789 or 0207 946 0958."))
                .containsExactly("(0151) 23456789", "0151-23456789", "0207 946 0958");
        assertThat(Finds.of(detector, "Boston, MA 02110-1301 USA, 0207 946 09 58")).isEmpty();
    }

    @Test
    void unknownRegionIsAConfigurationError() {
        assertThatThrownBy(() -> new PhoneDetector(List.of("XX"))).hasMessageContaining("XX");
    }

    /** A slash after an area code with no trunk 0 once a phone word says so, and a hyphen or slash set off by spaces. */
    @Test
    void numbersSplitBySlashesOrSpacedMarks() {
        assertThat(Finds.of(detector, "phone 415/555-2671, tel. 415 / 555-2671, Tel.: 089 / 12 34 56 78, call 0151 - 23456789"))
                .containsExactly("415/555-2671", "415 / 555-2671", "089 / 12 34 56 78", "0151 - 23456789");
        assertThat(Finds.of(detector, "see 415/555-2671, issue 2024 / 118, pages 12 - 15 - 18")).isEmpty();
    }
}
