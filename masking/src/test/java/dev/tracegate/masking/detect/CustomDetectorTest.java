package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracegate.masking.ScanBudgetExceededException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomDetectorTest {

    private static final Duration SUPER_LINEAR_GUARD = Duration.ofSeconds(30);

    @Test
    void patternWithAllowList() {
        CustomDetector detector = new CustomDetector("employee_id", "EMP-[0-9]{6}", List.of(), List.of("EMP-000000"));
        assertThat(Finds.of(detector, "EMP-123456 reports to EMP-000000 and EMP-654321"))
                .containsExactly("EMP-123456", "EMP-654321");
    }

    @Test
    void denyListTermsAreWholeWordsInAnyCase() {
        CustomDetector detector = new CustomDetector("codename", null, List.of("Project Falcon", "falcon"), List.of());
        assertThat(Finds.of(detector, "PROJECT FALCON and falcon, not falconry or myfalcon"))
                .containsExactly("PROJECT FALCON", "falcon");
    }

    @Test
    void catastrophicBacktrackingStopsAtTheBudget() {
        // Nested bounded repeats defeat java.util.regex's loop memoisation: 25 characters take seconds unbudgeted.
        CustomDetector detector = new CustomDetector("evil", "(a{1,10}){1,10}b", List.of(), List.of());
        String text = "a".repeat(200);
        // A bound far above a linear scan on a loaded machine and far below the super-linear one this
        // guards against (minutes): a guard against that class of defect, not a speed figure.
        assertTimeoutPreemptively(SUPER_LINEAR_GUARD, () -> assertThatThrownBy(() -> Finds.of(detector, text))
                .isInstanceOf(ScanBudgetExceededException.class));
    }

    @Test
    void invalidPatternIsAConfigurationError() {
        assertThatThrownBy(() -> new CustomDetector("broken", "(unclosed", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken");
    }
}
