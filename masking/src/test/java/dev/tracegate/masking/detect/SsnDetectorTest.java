package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SsnDetectorTest {

    private final SsnDetector detector = new SsnDetector();

    @Test
    void dashedAndSpacedNumbersInValidRanges() {
        assertThat(Finds.of(detector, "SSN 123-45-6789; spouse 536 22 1234")).containsExactly("123-45-6789", "536 22 1234");
    }

    /** Dashed, its shape says what it is glued to letters or an underscore too (in clear before 2026-12-06). */
    @Test
    void dashedNumbersGluedToLettersAreSsns() {
        assertThat(Finds.of(detector, "ssn536-22-1234 x536-22-1235y user_536-22-1236"))
                .containsExactly("536-22-1234", "536-22-1235", "536-22-1236");
        assertThat(Finds.of(detector, "x536221234 ssn536 22 1234 v536.22.1234 order536-22-1234 123-45-6789x1")).isEmpty();
    }

    @Test
    void bareNineDigitsNeedTheWord() {
        assertThat(Finds.of(detector, "ssn: 536221234")).containsExactly("536221234");
        assertThat(Finds.of(detector, "ref 536221234")).isEmpty();
    }

    @Test
    void numbersTheSsaNeverIssues() {
        assertThat(Finds.of(detector, "000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000 078-05-1120"))
                .isEmpty();
    }

    @Test
    void similarShapesThatAreSomethingElse() {
        assertThat(Finds.of(detector, "zip 12345-6789, part AB-123-45-6789, 123-45-6789-0, phone 555-12-3456")).isEmpty();
        assertThat(Finds.of(detector, "2023-10-15")).isEmpty();
    }

    @Test
    void dottedNumbersOnlyAfterTheWord() {
        assertThat(Finds.of(detector, "SSN 219.09.9998")).containsExactly("219.09.9998");
        assertThat(Finds.of(detector, "version 219.09.9998, total 536.22.1234")).isEmpty();
    }

    /** Forms and people write the groups apart with slashes, underscores or spaced hyphens; they were left in clear. */
    @Test
    void slashedUnderscoredOrSpacedNumbersAfterTheWord() {
        assertThat(Finds.of(detector, "SSN 536/22/1234, ssn: 536 - 22 - 1234, social security 536_22_1234, SSN 536 / 22 / 1234"))
                .containsExactly("536/22/1234", "536 - 22 - 1234", "536_22_1234", "536 / 22 / 1234");
        assertThat(Finds.of(detector, "see /srv/536/22/1234, pages 536 - 22 - 1234, SSN 536/22-1234, ssn 536/22/1234/5"))
                .isEmpty();
    }
}
