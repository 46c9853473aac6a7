package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.masking.PersonalValues.Positive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
 * open, as a program's next line of output would. {@code valueInAControlSequence} then puts the
 * value inside a control sequence, or a sequence inside the value.
 */
class TerminalOutputMaskerFuzzTest {

    /** Ends an OSC/DCS string and a control sequence, and starts a line: the value is output, not an escape's parameter. */
    private static final String LINE_START = "\u0007\n";
    /** Control sequences that carry text, each with how it ends. */
    private static final List<String[]> CARRIERS = List.of(new String[] {"\u001b]0;", "\u0007"},
            new String[] {"\u001b]2;", "\u001b\\"}, new String[] {"\u001b]8;;https://x.example/?q=", "\u001b\\"},
            new String[] {"\u001bP", "\u001b\\"}, new String[] {"\u001b_", "\u001b\\"}, new String[] {"\u001b^", "\u0007"},
            new String[] {"\u001bX", "\u001b\\"}, new String[] {"\u009d0;", "\u009c"}, new String[] {"\u0090", "\u009c"},
            new String[] {"\u0098", "\u009c"}, new String[] {"\u009e", "\u0007"}, new String[] {"\u009f", "\u009c"},
            new String[] {"\u001b[", "m"}, new String[] {"\u001b[1;", "m"}, new String[] {"\u009b", "q"});
    /** Complete sequences a terminal acts on without showing anything: put inside a value, it still shows whole. */
    private static final List<String> SPLITTERS = List.of("\u001b[1m", "\u001b[0m", "\u001b[38;5;196m", "\u009b0m",
            "\u001b]0;title\u0007", "\u001b]8;;https://x.example/\u001b\\", "\u001bPq\u001b\\", "\u001b_x\u001b\\",
            "\u009d2;t\u009c", "\u001b(B", "\u001b7");

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

        assertNeverInClear(masked(masker, output, pieces), positive.value());
    }

    /**
     * A value carried inside a control sequence (CSI parameters, 7- and 8-bit OSC, DCS, SOS, PM and
     * APC strings, a hyperlink's target; ended by BEL or ST, or left open until the output ends),
     * or split in two by a complete sequence: never in clear in the output as written, and never
     * on the screen (the output with the sequences a terminal would act on taken out).
     */
    @FuzzTest
    void valueInAControlSequence(FuzzedDataProvider data) throws IOException {
        Masker masker = data.pickValue(MaskingFuzzTest.MASKERS);
        Positive positive = MaskingFuzzTest.maskedAlone(masker, data);
        if (positive == null) {
            return;
        }
        boolean split = data.consumeBoolean();
        String[] carrier = data.pickValue(CARRIERS);
        boolean open = !split && data.consumeBoolean();
        String splitter = data.pickValue(SPLITTERS);
        int splitAt = data.consumeInt(1, Math.max(1, positive.value().length() - 1));
        int[] pieces = data.consumeInts(data.consumeInt(0, 24));
        byte[] before = data.consumeBytes(data.consumeInt(0, 600));
        byte[] after = open ? new byte[0] : data.consumeRemainingAsBytes();
        if (shows(before, positive.value()) || shows(after, positive.value())) {
            return;
        }
        String planted = split
                ? positive.text().replace(positive.value(), positive.value().substring(0, splitAt) + splitter
                        + positive.value().substring(splitAt)) + MaskingFuzzTest.END
                : carrier[0] + positive.text() + MaskingFuzzTest.END + (open ? "" : carrier[1]);
        byte[] output = join(before, (LINE_START + planted).getBytes(StandardCharsets.UTF_8), after);

        TerminalOutputMaskerTest.Screen terminal = masked(masker, output, pieces);

        assertNeverInClear(terminal, positive.value());
        String written = terminal.all.toString(StandardCharsets.UTF_8);
        for (String sequence : SPLITTERS) {
            written = written.replace(sequence, "");
        }
        assertThat(written).as("what the terminal shows").doesNotContain(positive.value());
    }

    /** The output through a masker, split into pieces as the fuzzer chose: each its size (up to a few packets), its stream, and whether the output pauses after it. */
    private static TerminalOutputMaskerTest.Screen masked(Masker masker, byte[] output, int[] pieces) throws IOException {
        TerminalOutputMaskerTest.Screen terminal = new TerminalOutputMaskerTest.Screen();
        TerminalOutputMasker out = new TerminalOutputMasker(masker, "terminal", new MaskingReport(), terminal);
        int at = 0;
        for (int piece : pieces) {
            int length = Math.min(output.length - at, Math.floorMod(piece, 2048) + 1);
            out.write((piece >>> 11) & 1, output, at, length);
            if (((piece >>> 12) & 1) == 1) {
                out.quiet();
            }
            at += length;
        }
        out.write((pieces.length & 1), output, at, output.length - at);
        out.end();
        assertThat(out.holding()).isFalse();
        return terminal;
    }

    /** Neither in everything shown nor in stdout or stderr alone (recorded or redirected apart). */
    private static void assertNeverInClear(TerminalOutputMaskerTest.Screen terminal, String value) {
        assertThat(terminal.all.toString(StandardCharsets.UTF_8)).doesNotContain(value);
        assertThat(terminal.streams[0].toString(StandardCharsets.UTF_8)).doesNotContain(value);
        assertThat(terminal.streams[1].toString(StandardCharsets.UTF_8)).doesNotContain(value);
    }

    /** Whether the fuzzed bytes hold the value themselves, or show it on a terminal once the splitters are taken out. */
    private static boolean shows(byte[] fuzzed, String value) {
        String[] texts = {new String(fuzzed, StandardCharsets.UTF_8), new String(fuzzed, StandardCharsets.ISO_8859_1)};
        for (String text : texts) {
            for (String sequence : SPLITTERS) {
                text = text.replace(sequence, "");
            }
            if (text.contains(value)) {
                return true;
            }
        }
        return holds(fuzzed, value);
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
