package dev.tracegate.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.policy.sql.StatementClass;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the SSH command classifier and the shell reader under it
 * ({@code ./fuzz ShellCommandClassifierFuzzTest}).
 *
 * <p>Properties: any text gets a verdict, as an {@code exec} command line and as a line typed in a
 * shell, never an exception; a line the reader cannot read (an unterminated quote, {@code ${...}},
 * command substitution, a control character, ...) is classified UNKNOWN, the parse-failure
 * fallback, with the reason; so is every line of words without quotes or shell syntax left open
 * by an unclosed quote or substitution; a verdict of UNKNOWN always says why; the same line
 * gets the same verdict again.
 */
class ShellCommandClassifierFuzzTest {

    /** Ways to leave a line open at its end. */
    private static final List<String> OPENERS = List.of("'", "\"", "$(", "`", "${", "\"$(", "'\\", "$'", "\"`",
            "$((", "\"${");

    /**
     * The input is UTF-8 text after one byte that may pick a way to leave it open (bytes past the
     * list leave it as it is).
     */
    @FuzzTest
    void classify(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int choice = input[0] & 0xFF;
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        String opener = choice < OPENERS.size() ? OPENERS.get(choice) : "";
        String line = text + opener;

        ShellClassification exec = ShellCommandClassifier.classify(line);
        ShellClassification typed = ShellCommandClassifier.classifyTyped(line);
        for (ShellClassification verdict : List.of(exec, typed)) {
            assertThat(verdict.statementClass()).isNotNull();
            if (verdict.statementClass() == StatementClass.UNKNOWN) {
                assertThat(verdict.reasons()).as("why %s is UNKNOWN", line).isNotEmpty();
            }
        }
        String unreadable = ShellLine.read(line).unreadable();
        boolean plainWordsLeftOpen = !opener.isEmpty() && text.chars().allMatch(c -> c == ' ' || Character.isLetterOrDigit(c));
        if (unreadable != null || plainWordsLeftOpen) {
            assertThat(exec.statementClass()).as("exec %s (%s)", line, unreadable).isEqualTo(StatementClass.UNKNOWN);
            assertThat(typed.statementClass()).as("typed %s (%s)", line, unreadable).isEqualTo(StatementClass.UNKNOWN);
        }
        assertThat(ShellCommandClassifier.classify(line)).isEqualTo(exec);
    }
}
