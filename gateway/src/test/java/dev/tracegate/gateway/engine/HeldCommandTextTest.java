package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.recording.RecordedCommand;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What approvers read of a held statement with parameters: its values, none passing for statement text. */
class HeldCommandTextTest {

    @Test
    void aStatementWithoutParametersIsShownAsItIs() {
        assertThat(HeldCommandText.of(new RecordedCommand("DROP TABLE t", null, List.of()))).isEqualTo("DROP TABLE t");
        assertThat(HeldCommandText.of(new RecordedCommand("DROP TABLE t", List.of(), List.of()))).isEqualTo("DROP TABLE t");
    }

    @Test
    void boundValuesFollowInOrderWithNullsNamed() {
        assertThat(HeldCommandText.of(new RecordedCommand("UPDATE t SET a = $1 WHERE id = $2",
                Arrays.asList(null, "5"), List.of())))
                .isEqualTo("UPDATE t SET a = $1 WHERE id = $2\n-- bound parameters, in order: NULL, \"5\"");
    }

    @Test
    void aValueCannotEndItsQuotesOrStartALineOfItsOwn() {
        String value = "5\"\nDROP TABLE orders; -- \u2028\u202E\\";
        assertThat(HeldCommandText.of(new RecordedCommand("DELETE FROM t WHERE id = $1", List.of(value), List.of())))
                .isEqualTo("DELETE FROM t WHERE id = $1\n-- bound parameters, in order: "
                        + "\"5\\\"\\u000ADROP TABLE orders; -- \\u2028\\u202E\\\\\"")
                .hasLineCount(2);
    }
}
