package dev.tracegate.gateway.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The result data the evidence keeps is JSON Lines that stop at a byte budget. One generator
 * writes every line of a capture into the kept bytes, so what a reader of the blob would notice
 * is checked here: each line whole and alone on its line (nothing between lines, no line cut),
 * and a line over the budget taken back entirely, whatever lines came before it.
 */
class ResultCaptureTest {

    /** Text cells as text, bytea kept as its size: the two ways a cell is written. */
    private static final BinaryCells TEXT = new BinaryCells() {
        @Override
        public boolean isText(String type) {
            return !"bytea".equals(type);
        }

        @Override
        public boolean readable(String type) {
            return isText(type);
        }

        @Override
        public String toText(String type, byte[] cell) {
            return new String(cell, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] fromText(String type, String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean opaque(String type) {
            return "bytea".equals(type);
        }
    };

    private static final String[] TYPES = {"int4", "text", "bytea"};
    private static final boolean[] TEXT_FORMAT = {false, false, false};

    /** Jackson writes a character beyond the BMP as its escaped surrogate pair, as it always did here. */
    @Test
    void everyLineIsWholeAndAloneOnItsLine() {
        ResultCapture capture = new ResultCapture(64 * 1024, TEXT);
        capture.columns(new String[] {"id", "note", "photo"}, TYPES);
        assertThat(capture.row(row("1", "ada \"the\" first\n\u00e9", "xyz"), TEXT_FORMAT, TYPES)).isTrue();
        assertThat(capture.row(new byte[][] {null, bytes("\ud83d\ude00"), null}, TEXT_FORMAT, TYPES)).isTrue();
        capture.columns(new String[] {"n"}, new String[] {"int8"});
        assertThat(capture.row(row("42"), new boolean[] {false}, new String[] {"int8"})).isTrue();

        assertThat(new String(capture.bytes(), StandardCharsets.UTF_8)).isEqualTo("""
                {"columns":[{"name":"id","type":"int4"},{"name":"note","type":"text"},{"name":"photo","type":"bytea"}]}
                ["1","ada \\"the\\" first\\n\u00e9","(3 bytes)"]
                [null,"\\uD83D\\uDE00",null]
                {"columns":[{"name":"n","type":"int8"}]}
                ["42"]
                """);
        assertThat(capture.rows()).isEqualTo(3);
        assertThat(capture.truncated()).isFalse();
    }

    @Test
    void aLineOverTheBudgetIsTakenBackWhole() {
        String columns = "{\"columns\":[{\"name\":\"note\",\"type\":\"text\"}]}\n";
        String first = "[\"" + "a".repeat(20) + "\"]\n";
        // Room for the columns, the first row and 15 bytes: the second row, estimated at 13, is 21 once escaped.
        ResultCapture capture = new ResultCapture(columns.length() + first.length() + 15, TEXT);
        capture.columns(new String[] {"note"}, new String[] {"text"});
        assertThat(capture.row(row("a".repeat(20)), new boolean[] {false}, new String[] {"text"})).isTrue();
        // Escaping makes this line longer than the budget's estimate of it: it is written, then taken back.
        assertThat(capture.row(row("\"\"\"\"\"\"\"\""), new boolean[] {false}, new String[] {"text"})).isFalse();
        assertThat(capture.row(row("b"), new boolean[] {false}, new String[] {"text"})).isFalse();

        assertThat(new String(capture.bytes(), StandardCharsets.UTF_8)).isEqualTo(columns + first);
        assertThat(capture.rows()).isEqualTo(1);
        assertThat(capture.truncated()).isTrue();
    }

    private static byte[][] row(String... values) {
        byte[][] row = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            row[i] = bytes(values[i]);
        }
        return row;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
