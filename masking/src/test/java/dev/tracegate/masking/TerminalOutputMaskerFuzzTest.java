package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.masking.PersonalValues.Positive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of {@link TerminalOutputMasker} ({@code ./fuzz TerminalOutputMaskerFuzzTest}):
 * an SSH command's output with a planted personal value, split by the fuzzer into pieces of any
 * size, each on stdout or stderr, with quiet moments between them.
 *
 * <p>The property: a value that the profile masks alone with the words that introduce it
 * ({@link MaskingFuzzTest#maskedAlone}) never reaches the terminal in clear, neither in everything
 * shown nor in either stream on its own (stdout or stderr recorded or redirected apart), wherever
 * the splits, stream switches and pauses fall; and the masker never throws. The fuzzed output
 * around the value is any bytes (escape sequences, control characters, invalid UTF-8); a BEL and a
 * line break before the value end whatever escape sequence or window title the fuzzed bytes left
 * open, as a program's next line of output would.
 */
class TerminalOutputMaskerFuzzTest {

    /** Ends an OSC/DCS string and a control sequence, and starts a line: the value is output, not an escape's parameter. */
    private static final String LINE_START = "\u0007\n";

    @FuzzTest
    void plantedValue(FuzzedDataProvider data) throws IOException {
        Masker masker = data.pickValue(MaskingFuzzTest.MASKERS);
        Positive positive = MaskingFuzzTest.maskedAlone(masker, data);
        if (positive == null) {
            return;
        }
        int[] pieces = data.consumeInts(data.consumeInt(0, 24));
        byte[] before = data.consumeBytes(data.consumeInt(0, 600));
        byte[] after = data.consumeRemainingAsBytes();
        if (holds(before, positive.value()) || holds(after, positive.value())) {
            return;
        }
        byte[] output = join(before, (LINE_START + positive.text() + MaskingFuzzTest.END).getBytes(StandardCharsets.UTF_8),
                after);

        TerminalOutputMaskerTest.Screen terminal = new TerminalOutputMaskerTest.Screen();
        TerminalOutputMasker out = new TerminalOutputMasker(masker, "terminal", new MaskingReport(), terminal);
        int at = 0;
        for (int piece : pieces) {
            // A piece: its size (up to a few packets), its stream, and whether the output pauses after it.
            int length = Math.min(output.length - at, Math.floorMod(piece, 2048) + 1);
            out.write((piece >>> 11) & 1, output, at, length);
            if (((piece >>> 12) & 1) == 1) {
                out.quiet();
            }
            at += length;
        }
        out.write((pieces.length & 1), output, at, output.length - at);
        out.end();

        assertThat(terminal.all.toString(StandardCharsets.UTF_8)).doesNotContain(positive.value());
        assertThat(terminal.streams[0].toString(StandardCharsets.UTF_8)).doesNotContain(positive.value());
        assertThat(terminal.streams[1].toString(StandardCharsets.UTF_8)).doesNotContain(positive.value());
        assertThat(out.holding()).isFalse();
    }

    private static boolean holds(byte[] fuzzed, String value) {
        return new String(fuzzed, StandardCharsets.UTF_8).contains(value)
                || new String(fuzzed, StandardCharsets.ISO_8859_1).contains(value);
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }
}
