package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The terminal masker against output split the ways an SSH channel can split it: at every byte
 * (packet boundaries, the middle of a UTF-8 character), between stdout and stderr, with escape
 * sequences and carriage returns inside a value, and with pauses (a quiet moment) in the middle.
 */
class TerminalOutputMaskerTest {

    private static final Masker ALL = new Masker(MaskingProfile.defaults());
    private static final String KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    private static final List<String> CLEAR = List.of("ada.lovelace@example.com", "4111 1111 1111 1111",
            "4111111111111111", "hunter2secret", KEY_BODY, "GB82WEST12345698765432");
    private static final String OUTPUT = "users:\r\n"
            + "  \u001b[1mAda\u001b[0m <ada.lovelace@example.com> Zürich ✓\r\n"
            + "  card 4111 1111 1111 1111, again 4111111111111111\r\n"
            + "password=hunter2secret\n"
            + "-----BEGIN PRIVATE KEY-----\n" + KEY_BODY + "\n" + KEY_BODY + "\n-----END PRIVATE KEY-----\n"
            + "iban GB82WEST12345698765432 done\n";

    /** What one terminal received, per stream and in order. */
    static final class Screen implements TerminalOutputMasker.Sink {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final ByteArrayOutputStream[] streams = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};

        @Override
        public void write(int stream, byte[] utf8) {
            all.writeBytes(utf8);
            streams[stream].writeBytes(utf8);
        }

        String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static void assertNoClearValue(String shown) {
        for (String value : CLEAR) {
            assertThat(shown).doesNotContain(value);
        }
    }

    @Test
    void wholeOutputIsMaskedAndTheRestPassesAsWritten() throws Exception {
        Screen screen = new Screen();
        MaskingReport report = new MaskingReport();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", report, screen);
        byte[] bytes = OUTPUT.getBytes(StandardCharsets.UTF_8);
        masker.write(0, bytes, 0, bytes.length);
        masker.end();
        String shown = screen.text();
        assertNoClearValue(shown);
        assertThat(shown).contains("users:\r\n", "\u001b[1mAda\u001b[0m <[EMAIL]> Zürich ✓\r\n", "card [CARD], again [CARD]",
                "iban [IBAN] done\n");
        assertThat(report.snapshot().found().get("terminal")).containsKeys("EMAIL", "CARD", "SECRET", "IBAN");
        assertThat(masker.holding()).isFalse();
    }

    /**
     * An array of a card's groups or an address's bytes as psql prints an {@code int[]} or {@code json} column and as
     * {@code curl} prints a JSON answer: before 2026-12-07 the card's groups reached the terminal in clear. A row of
     * ids beside them stays.
     */
    @Test
    void anArrayOfOneValuesUnitsPrintedOnATerminalIsMasked() throws Exception {
        String bytes = String.join(",", "ada.lovelace@example.com".chars().mapToObj(Integer::toString).toList());
        String output = "         parts         |          ids\r\n-----------------------+-----------------------\r\n"
                + " {4111,1111,1111,1111} | {1001,1002,1003,1004}\r\n(1 row)\r\n"
                + "{\"data\":[" + bytes + "],\"pan\":[4111,1111,1111,1111],\"ids\":[1001,1002,1003,1004]}\n";
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        byte[] written = output.getBytes(StandardCharsets.UTF_8);
        masker.write(0, written, 0, written.length);
        masker.end();
        assertThat(screen.text()).doesNotContain("4111").doesNotContain("97,100,97").contains("{1001,1002,1003,1004}")
                .contains("[CARD]");
    }

    @Test
    void aValueSplitAtAnyByteIsMaskedWhicheverStreamEachPartComesOn() throws Exception {
        byte[] bytes = OUTPUT.getBytes(StandardCharsets.UTF_8);
        for (int split = 1; split < bytes.length; split++) {
            for (int second = 0; second < 2; second++) {
                Screen screen = new Screen();
                TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
                masker.write(0, bytes, 0, split);
                masker.write(second, bytes, split, bytes.length - split);
                masker.end();
                assertNoClearValue(screen.text());
                if (second == 0) { // a character split between two streams is two broken halves, as each stream's own
                    assertThat(screen.text()).contains("Zürich ✓");
                }
            }
        }
    }

    @Test
    void randomPacketsWithQuietMomentsBetweenLinesLeaveNothingInClear() throws Exception {
        byte[] bytes = OUTPUT.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            Screen screen = new Screen();
            TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(12));
                masker.write(random.nextInt(2), bytes, at, n);
                at += n;
                if (bytes[at - 1] == '\n') {
                    masker.quiet(); // a pause where a line ends is what interactive output looks like
                }
            }
            masker.end();
            assertNoClearValue(screen.text());
        }
    }

    @Test
    void aPauseInsideACardOrAnEmailHoldsItsStartBack() throws Exception {
        assertThat(paused("Card: 4111 1111 ", "1111 1111\n")).doesNotContain("4111").contains("Card: [CARD]");
        assertThat(paused("mail ada.lovelace@exa", "mple.com\n")).doesNotContain("ada.lovelace").contains("mail [EMAIL]");
        assertThat(paused("password: ", "hunter2secret\n")).doesNotContain("hunter2");
    }

    @Test
    void aKubernetesManifestsDataIsHeldUntilItsKindSaysWhetherItIsASecret() throws Exception {
        String url = "cG9zdGdyZXM6Ly9zaG9wOlRyMHViNGRvckBkYjo1NDMyL3Nob3A=";
        assertThat(paused("apiVersion: v1\r\ndata:\r\n  DB_URL: " + url + "\r\n", "kind: Secret\r\n"))
                .isEqualTo("apiVersion: v1\r\ndata:\r\n  DB_URL: [SECRET]\r\nkind: Secret\r\n");
        assertThat(paused("{\n  \"apiVersion\": \"v1\",\n  \"data\": {\n    \"u\": \"" + url + "\"\n", "  },\n  \"kind\": \"Secret\"\n}\n"))
                .doesNotContain(url);
        assertThat(paused("items:\n- apiVersion: v1\n  data:\n    u: " + url + "\n", "  kind: Secret\n")).doesNotContain(url);
        // Base64 of a harmless setting: one that decodes to a credential is masked whatever the kind.
        String setting = "bG9nIGxldmVsIGRlYnVnLCByZWdpb24gZXUtd2VzdC0x";
        assertThat(paused("apiVersion: v1\ndata:\n  LOG: " + setting + "\n", "kind: ConfigMap\n")).contains(setting);

        // Nothing is held without data after the apiVersion, or with a kind already there.
        for (String passes : List.of("apiVersion: v1\n", "apiVersion: v1\nkind: Secret\ndata:\n  a: b\n",
                "echo apiVersion data: x\n")) {
            Screen screen = new Screen();
            TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
            write(masker, 0, passes);
            masker.quiet();
            assertThat(masker.holding()).as(passes).isFalse();
        }
    }

    @Test
    void aValueWhoseEndComesOnStderrAfterAPauseIsMaskedOnTheStreamItBeganOn() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "mail ada.lovelace@example.com\n");
        write(masker, 0, "again 4111 1111 ");
        masker.quiet();
        write(masker, 1, "1111 1111\n");
        masker.quiet();
        masker.end();
        assertThat(screen.streams[0].toString(StandardCharsets.UTF_8)).isEqualTo("mail [EMAIL]\nagain [CARD]");
        assertThat(screen.streams[1].toString(StandardCharsets.UTF_8)).isEqualTo("\n");
    }

    /** A number spelled a digit a word and printed in pieces is held at a quiet moment, as digits are, and masked whole. */
    @Test
    void aNumberSpelledInWordsAndPrintedInPiecesIsMaskedWhole() throws Exception {
        assertThat(paused("card: four one one one, one one one one, ", "one one one one, one one one one\ndone\n"))
                .isEqualTo("card: [CARD]\ndone\n");
        assertThat(paused("phone five five five two six seven ", "one two three four\n")).isEqualTo("phone [PHONE]\n");
        // read out in pairs and groups: a tail of tens, teens, hundreds and "and" is held as digit words are
        assertThat(paused("card: forty-one eleven, eleven ", "eleven, eleven eleven, eleven eleven\ndone\n"))
                .isEqualTo("card: [CARD]\ndone\n");
        assertThat(paused("card: four thousand one hundred and ", "eleven, eleven eleven, eleven eleven, eleven eleven\n"))
                .isEqualTo("card: [CARD]\n");
    }

    @Test
    void promptsAndTypedLettersPassAtOnceWhenTheOutputGoesQuiet() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "\u001b]0;deploy@web: ~\u0007deploy@web:~$ ");
        masker.quiet();
        assertThat(screen.text()).endsWith("deploy@web:~$ ");
        write(masker, 0, "l");
        masker.quiet();
        assertThat(screen.text()).endsWith("$ l");
        assertThat(masker.holding()).isFalse();
    }

    @Test
    void escapeSequencesCarriageReturnsAndWindowTitlesDoNotHideAValue() throws Exception {
        assertThat(shown("4111 \u001b[1m1111\u001b[0m 1111 1111\n")).doesNotContain("1111 1111");
        assertThat(shown("4111 1111 \r\u001b[10C1111 1111\n")).doesNotContain("1111 1111\n");
        assertThat(shown("\u001b]0;ada.lovelace@example.com\u0007ok\n")).doesNotContain("ada.lovelace")
                .contains("\u001b]0;[EMAIL]\u0007ok");
        assertThat(shown("ada.lovelace@exam\u001b[2Kple.com\n")).doesNotContain("lovelace");
    }

    /** Control strings (7- and 8-bit, ended by BEL or ST) and what the masked one must read. */
    private static final List<String[]> STRINGS = List.of(new String[] {"\u001b]0;", "\u0007"},
            new String[] {"\u001b]2;", "\u001b\\"}, new String[] {"\u001bP", "\u001b\\"}, new String[] {"\u001b_", "\u001b\\"},
            new String[] {"\u001b^", "\u001b\\"}, new String[] {"\u001bX", "\u001b\\"}, new String[] {"\u009d0;", "\u009c"},
            new String[] {"\u0090", "\u009c"}, new String[] {"\u0098", "\u009c"}, new String[] {"\u009e", "\u009c"},
            new String[] {"\u009f", "\u0007"});

    @Test
    void aValueInAControlStringIsMaskedThereAndTheStringKept() throws Exception {
        for (String[] string : STRINGS) {
            assertThat(shown(string[0] + "mail ada.lovelace@example.com" + string[1] + "ok\n")).as(string[0])
                    .isEqualTo(string[0] + "mail [EMAIL]" + string[1] + "ok\n");
        }
        assertThat(shown("\u001b]8;;https://crm.example/?card=4111111111111111\u001b\\link\u001b]8;;\u001b\\\n"))
                .as("a hyperlink's target").doesNotContain("4111111111111111")
                .startsWith("\u001b]8;;https://crm.example/").endsWith("\u001b\\link\u001b]8;;\u001b\\\n");
    }

    /** The SSH gateway's test of the same output, in one write (SshGatewayTest runs it through a real sshd). */
    @Test
    void controlStringsOfEveryKindInOneOutput() throws Exception {
        String output = "a\u001b[4111111111111111mb\n\u001b]0;card 4111 1111 1111 1111\u0007t\n"
                + "\u001b]8;;https://crm.example/ada.lovelace@example.com\u001b\\link\u001b]8;;\u001b\\\n"
                + "\u009d0;ada.lovelace@example.com\u009c\n\u001b_ada.lovelace@example.com\u001b\\\n"
                + "\u001b[ada.lovelace@example.com\ncard\r4111 1111 1111 1111\n\u001b]2;ada.lovelace@example.com\u0007\n"
                + "\u001b]0;card 4111 1111 1111 1111";
        java.util.Map<String, String> ways = new java.util.LinkedHashMap<>();
        ways.put("one write", shown(output));
        ways.put("a write a line", shownInWrites(output.split("(?<=\n)|(?<=ada\\.love)")));
        for (int cut = 1; cut < output.length(); cut++) {
            ways.put("two writes cut at " + cut, shownInWrites(output.substring(0, cut), output.substring(cut)));
        }
        for (var way : ways.entrySet()) {
            assertThat(way.getValue()).as(way.getKey()).doesNotContain("4111", "ada.lovelace", "lovelace@")
                    .startsWith("ab\n\u001b]0;card [CARD]\u0007t\n\u001b]8;;https://crm.example/")
                    .contains("\u009d0;[EMAIL]\u009c\n\u001b_[EMAIL]\u001b\\\n", "\n[CARD]\n\u001b]2;[EMAIL]\u0007\n")
                    .endsWith("\u001b]0;card [CARD]");
        }
    }

    @Test
    void aControlSequenceWhoseParametersHoldAValueIsDroppedWhole() throws Exception {
        assertThat(shown("a\u001b[4111111111111111mb\n")).isEqualTo("ab\n");
        assertThat(shown("a\u001b[1;4111 1111 1111 1111mb\n")).isEqualTo("ab\n");
        assertThat(shown("a\u009b4111-1111-1111-1111 qb\n")).as("8-bit CSI, intermediates").isEqualTo("ab\n");
        assertThat(shown("\u001b[1;31mred\u001b[0m \u001b[38;2;192;168;12mrgb\n")).as("colours pass")
                .isEqualTo("\u001b[1;31mred\u001b[0m \u001b[38;2;192;168;12mrgb\n");
    }

    @Test
    void aValueRunningOutOfASequenceOrGluedByAControlIsMaskedAsTheRawOutputHoldsIt() throws Exception {
        // ESC[G is a cursor move: the screen shows B82WEST..., a file saving the output holds the IBAN.
        assertThat(shown("x \u001b[GB82WEST12345698765432 done\n")).isEqualTo("x [IBAN] done\n");
        assertThat(shown("x \u001bGB82WEST12345698765432 done\n")).doesNotContain("GB82WEST12345698765432");
        // The screen shows the card over "card" (a carriage return goes back to the line's start).
        assertThat(shown("card\r4111 1111 1111 1111\n")).isEqualTo("[CARD]\n");
    }

    /**
     * A value the screen shows only once a later write has gone back over the line: a carriage
     * return (a progress line), a move to a column ({@code ESC[nG}) or a saved cursor put back
     * ({@code ESC 7}/{@code ESC 8}, {@code ESC[s}/{@code ESC[u}). Until 2026-12-06 the screen reading
     * kept both writes side by side ({@code XXXX XXXX 1111 11114111 1111}) and the card passed.
     */
    @Test
    void aValueAssembledByGoingBackOverTheLineIsMasked() throws Exception {
        List<String> outputs = List.of("XXXX XXXX 1111 1111\r4111 1111\n", "4111 1111 XXXX XXXX\u001b[11G1111 1111\n",
                "4111 1111 \u001b7XXXX XXXX\u001b81111 1111\n", "4111 1111 \u001b[sXXXX XXXX\u001b[u1111 1111\n",
                "mail ada.lovelace@XXXXXXXXXXX\u001b[19Gexample.com\n");
        for (String output : outputs) {
            assertThat(shown(output)).as(output).doesNotContain("1111 1111", "4111", "ada.lovelace").containsAnyOf("[CARD]", "[EMAIL]");
        }
        // A progress line redrawn in place stays as it is.
        String progress = " 10% [==    ]\r 50% [=====  ]\r100% [========]\n";
        assertThat(shown(progress)).isEqualTo(progress);
    }

    /**
     * A character written over another after a backspace or a cursor move back replaces it on the
     * screen: the screen reading used to drop the backspace and keep both, so {@code 41X\b11...}
     * (shown as 4111...) and nroff's bold {@code 4\b41\b1...} (what man pages print) passed a card.
     */
    @Test
    void aCharacterWrittenOverAnotherReplacesItAsOnTheScreen() throws Exception {
        assertThat(shown("card 41X\b11 1111 1111 1111\n")).isEqualTo("card [CARD]\n");
        assertThat(shown("card 4111 1111 1111 111X\b1\n")).isEqualTo("card [CARD]\n");
        assertThat(shown("card 4\b41\b11\b11\b1 1\b11\b11\b11\b1 1\b11\b11\b11\b1 1\b11\b11\b11\b1\n"))
                .isEqualTo("card [CARD]\n");
        assertThat(shown("card 41X\u001b[D11 1111 1111 1111\n")).isEqualTo("card [CARD]\n");
        assertThat(shown("card 4111 1111 1111 1112\u001b[1D1\n")).isEqualTo("card [CARD]\n");
        assertThat(shown("mail ada.lovelace@examplX\bq.com\n")).isEqualTo("mail [EMAIL]\n");
        assertThat(shown("a\bb typo\b\b\b\bfixed\n")).isEqualTo("a\bb typo\b\b\b\bfixed\n");
    }

    @Test
    void aValueSplitByAControlStringIsOneValueOnTheScreen() throws Exception {
        assertThat(shown("4111 1111 \u001b]0;title\u00071111 1111\n")).isEqualTo("[CARD]\n");
        assertThat(shown("ada.lovelace@exa\u001bPq\u001b\\mple.com\n")).isEqualTo("[EMAIL]\n");
    }

    @Test
    void sequencesSplitAcrossWritesOrLeftOpenAtTheEndNeverPassAValue() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "\u001b");
        masker.quiet();
        write(masker, 0, "[4111111111111");
        masker.quiet();
        write(masker, 1, "111mok\n\u001b]0;ada.love");
        masker.quiet();
        write(masker, 0, "lace@example.com\u0007t\n");
        masker.end();
        assertThat(screen.text()).isEqualTo("ok\n\u001b]0;[EMAIL]\u0007t\n");

        assertThat(shown("\u001b]0;ada.lovelace@example.com")).isEqualTo("\u001b]0;[EMAIL]");
        assertThat(shown("\u001b]0;x\nada.lovelace@example.com\n")).doesNotContain("lovelace");
        assertThat(shown("\u001b[4111111111111111")).isEmpty();
    }

    @Test
    void aStringThatNeverEndsIsScannedAsTextAndNotHeldForEver() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "\u001b]0;" + "x".repeat(TerminalOutputMasker.LINE_WINDOW) + " ada.lovelace@example.com\n");
        masker.quiet();
        assertThat(masker.holding()).isFalse();
        assertThat(screen.text()).doesNotContain("lovelace").endsWith(" [EMAIL]\n");
    }

    @Test
    void aCharacterSplitBetweenWritesArrivesWholeAndBytesThatAreNotUtf8DoNot() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        byte[] u = "ü ada.lovelace@example.com\n".getBytes(StandardCharsets.UTF_8);
        masker.write(0, u, 0, 1);
        masker.quiet();
        masker.write(0, u, 1, u.length - 1);
        masker.write(0, new byte[] {(byte) 0xff, 'x', (byte) 0xc3}, 0, 3);
        masker.end();
        assertThat(screen.text()).isEqualTo("ü [EMAIL]\n\uFFFDx\uFFFD");
    }

    @Test
    void anUnfinishedKeyBlockIsHeldUntilItEnds() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "-----BEGIN PRIVATE KEY-----\n" + KEY_BODY + "\n");
        masker.quiet();
        assertThat(screen.text()).isEmpty();
        write(masker, 0, KEY_BODY + "\n-----END PRIVATE KEY-----\n");
        assertThat(screen.text()).doesNotContain(KEY_BODY).contains("[SECRET]");
    }

    /**
     * A key's body printed without its header ({@code tail -n +2 id_rsa}, a one-column result after {@code OFFSET 1})
     * in pieces with quiet moments between: before 2026-12-06 no line was a find, and each piece reached the terminal in
     * clear. Its first line shows a private key's DER, and the lines after it are held with it until a line of another
     * shape comes.
     */
    @Test
    void aKeysBodyWithoutItsHeaderPrintedInPiecesIsHeldAndMasked() throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "$ tail -n +2 id_rsa\n" + KEY_BODY + "\n");
        masker.quiet();
        String middle = "q3Rk5vXb9ZPQ0lyUcs7Kx2Wf8mNaJ1hT4eGdYoB6iLwSuC+/EzRjVMnA0pHtOgIF";
        for (int line = 0; line < 8; line++) { // further than the context of text already passed on reaches back
            write(masker, 0, middle + "\n");
            masker.quiet();
        }
        write(masker, 0, "AB12==\n$ ");
        masker.quiet();
        assertThat(screen.text()).doesNotContain(KEY_BODY, middle, "AB12").contains("$ tail -n +2 id_rsa", "[SECRET]")
                .endsWith("$ ");
    }

    /**
     * A key kept one line a row, printed by psql or a MySQL client as a table with another column before it: each
     * row's line stands after the same columns. Before 2026-12-06 the header was masked and the rows after it shown
     * in clear; a row after the END line stays, and so does SQL after a fake header in such a table.
     */
    @Test
    void aKeyPrintedOneLineARowAfterAnotherColumnIsMaskedWhole() throws Exception {
        String psql = " n | line\n---+------\n 0 | -----BEGIN PRIVATE KEY-----\n 1 | " + KEY_BODY + "\n 2 | " + KEY_BODY
                + "\n 3 | AB12==\n 4 | -----END PRIVATE KEY-----\n 5 | rotated by ops\n(6 rows)\n";
        String mysql = "| 0  | -----BEGIN PRIVATE KEY-----" + " ".repeat(37) + " |\n| 1  | " + KEY_BODY + " |\n| 2  | AB12=="
                + " ".repeat(58) + " |\n| 3  | -----END PRIVATE KEY-----" + " ".repeat(39) + " |\n| 4  | rotated" + " ".repeat(57) + " |\n";
        for (String table : List.of(psql, mysql)) {
            assertThat(shown(table)).doesNotContain("MIIE").doesNotContain("AB12").contains("[SECRET]").contains("rotated");
            assertThat(paused(table.substring(0, table.indexOf("AB12")), table.substring(table.indexOf("AB12"))))
                    .doesNotContain("MIIE").doesNotContain("AB12").contains("rotated");
        }
        assertThat(shown(" 0 | -- -----BEGIN PRIVATE KEY-----\n 1 | SELECT * FROM people;\n"))
                .contains("SELECT * FROM people;");
    }

    /** SSH2's key form and PuTTY's private lines, printed in pieces, are held until they end like a PEM block. */
    @Test
    void ssh2AndPuttyKeysPrintedInPiecesAreHeldUntilTheyEnd() throws Exception {
        String lines = (KEY_BODY + "\n").repeat(8); // further back than the context a later scan reads
        String last = KEY_BODY.substring(0, 40);
        String[][] keys = {
            {"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key\"\n" + lines,
                last + "\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n"},
            {"PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nPublic-Lines: 1\nAAAAB3NzaC1yc2E\nPrivate-Lines: 9\n"
                + lines, last + "\nPrivate-MAC: 8c1d3e2f4a5b6c7d8e9f\n"}};
        for (String[] key : keys) {
            Screen screen = new Screen();
            TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
            write(masker, 0, key[0]);
            masker.quiet();
            write(masker, 0, key[1]);
            masker.end();
            assertThat(screen.text()).doesNotContain(last).contains("[SECRET]");
        }
    }

    /**
     * A JSON record printed on one line (psql's {@code json} column, {@code curl}'s answer, a log line): its string
     * values are read together as the JSON masker reads a record's; until 2026-12-07 {@code {"a" : "ada.lovelace@",
     * "b" : "example.com"}} and a card's groups in two members passed a terminal in clear. Names are no cells.
     */
    @Test
    void aValueSplitAcrossTheMembersOfAPrintedJsonRecordIsMaskedInEachMember() throws Exception {
        assertThat(shown(" {\"a\" : \"ada.lovelace@\", \"id\" : 1, \"b\" : \"example.com\", \"c\" : \"primary\"}\n"))
                .isEqualTo(" {\"a\" : \"[EMAIL]\", \"id\" : 1, \"b\" : \"[EMAIL]\", \"c\" : \"primary\"}\n");
        assertThat(shown("[\"4111 1111\",\"1111 1111\",\"visa\"]\n")).isEqualTo("[\"[CARD]\",\"[CARD]\",\"visa\"]\n");
        // Members' names are no values of the record, but a line cut by double quotes is also read as a
        // printed row (jq -c, --csv), whose cells they are: names that are one value's pieces are masked too.
        assertThat(shown("{\"ada.lovelace@\": 1, \"example.com\": 2}\n")).isEqualTo("{\"[EMAIL]\": 1, \"[EMAIL]\": 2}\n");
    }

    /**
     * A value a row splits across its columns, printed by psql (aligned and unicode), MariaDB's box
     * and tab-separated output: the terminal shows the pieces side by side, so they are read together
     * as a result set's row is; until 2026-12-06 ` ada.lovelace@ | example.com` passed in clear.
     */
    @Test
    void aValueSplitAcrossTheColumnsOfAPrintedRowIsMaskedInEachColumn() throws Exception {
        List<String> printed = List.of(
                "  1 | ada.lovelace@ | example.com\n  2 | 4111 1111      | 1111 1111\n(2 rows)\n",
                "  1 \u2502 ada.lovelace@ \u2502 example.com\n",
                "| 1 | 4111 1111     | 1111 1111   |\n+---+---------------+-------------+\n",
                "1\tada.lovelace@\texample.com\n",
                "  1 | example.com | ada.lovelace@\n");
        for (String output : printed) {
            String shown = shown(output);
            assertThat(shown).as(output).doesNotContain("ada.lovelace").doesNotContain("example.com")
                    .doesNotContain("4111 1111");
        }
        // An ordinary row stays as it is.
        assertThat(shown("  1 | Ada Lovelace | paid\n")).isEqualTo("  1 | Ada Lovelace | paid\n");
    }

    /**
     * A value split across the fields of a record printed a field a line, or across the lines of a
     * wrapped value, as psql and MariaDB print them (captured from psql 15 and the MariaDB client):
     * until 2026-12-06 each line was read alone, so {@code local | ada.lovelace@} and
     * {@code domain | example.com}, a wrapped {@code ada.love.} over {@code .lace@}, a CSV line and
     * an XML record passed in clear. Each is masked written whole, a line a write (the record's
     * first lines are held until it ends) and cut at every byte.
     */
    @Test
    void aValueSplitAcrossARecordsFieldsOrAWrappedValuesLinesIsMaskedInEachPiece() throws Exception {
        List<String> printed = List.of(
                "-[ RECORD 1 ]-----\nid     | 1\nlocal  | ada.lovelace@\ndomain | example.com\n-[ RECORD 2 ]-----\nid     | 2\n",
                "\u2500[ RECORD 1 ]\u2500\u2500\nlocal  \u2502 4111 1111\nmore   \u2502 1111 1111\n\n",
                "*************************** 1. row ***************************\n    id: 1\n local: ada.lovelace@\n"
                        + "domain: example.com\n1 row in set (0.001 sec)\n\n",
                "<?xml version=\"1.0\"?>\n<resultset statement=\"select\">\n  <row>\n\t<field name=\"local\">ada.lovelace@</field>\n"
                        + "\t<field name=\"domain\">example.com</field>\n  </row>\n</resultset>\n",
                "<table border=\"1\">\n  <tr valign=\"top\">\n    <td align=\"left\">ada.lovelace@<br />\nexample.com</td>\n  </tr>\n",
                "<table border=\"1\">\n  <tr valign=\"top\">\n    <td align=\"left\">ada.lovelace@</td>\n"
                        + "    <td align=\"left\">example.com</td>\n  </tr>\n</table>\n",
                " id |  local   | domain  |     note     \n----+----------+---------+--------------\n"
                        + "  1 | ada.love.| example.| card 4111 11.\n    |.lace@    |..com    |.11 1111 1111.\n"
                        + "    |          |         |. and\n(1 row)\n",
                "  1 \u2502 ada.love\u2026\u2502 example\u2026\u2502 card 4111 11\u2026\n"
                        + "    \u2502\u2026lace@    \u2502\u2026.com    \u2502\u202611 1111 1111\n",
                "       v       | n \n---------------+---\n ada.lovelace@+| 2\n example.com   | \n(1 row)\n",
                "id,local,domain\n1,ada.lovelace@,example.com\n2,4111 1111,1111 1111\n",
                "1;ada.lovelace@;example.com\n",
                "id,note\n1,\"ada.lovelace@\nexample.com\",2\n", "1;ada.lovelace@\nexample.com;2\n",
                "id|1\nlocal|ada.lovelace@\ndomain|example.com\n\nid|2\n", "id,1\nlocal,ada.lovelace@\ndomain,example.com\n",
                "id     | 1\nlocal  | ada.lovelace@\ndomain | example.com\n-------+--------------\n",
                "user:\n  local: ada.lovelace@\n  domain: example.com\n",
                " 1 ada.lovelace@ 4111 1111 1111 1111 x\n   example.com\n(1 row)\n",
                " 1 x ada.lovelace@+ada@example.org and\n     example.com   \n(1 row)\n",
                "{\n  \"local\": \"ada.lovelace@\",\n  \"domain\": \"example.com\"\n}\n",
                "<TABLE BORDER=1><TR><TD>1</TD><TD>ada.lovelace@</TD><TD>example.com</TD></TR></TABLE>\n",
                "id local          domain\n1  ada.lovelace@  example.com\n",
                "{\"local\":\"ada.lovelace@\",\"domain\":\"example.com\"}\n");
        for (String output : printed) {
            assertNoPiece(output, shown(output));
            assertNoPiece(output, lineByLine(output));
            for (int split = 1; split < output.length(); split++) {
                Screen screen = new Screen();
                TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
                write(masker, 0, output.substring(0, split));
                write(masker, 0, output.substring(split));
                masker.end();
                assertNoPiece(output + " cut at " + split, screen.text());
            }
        }
        // Cut before its @ by a line break, an address is read when both lines are held together (a
        // line ending in a word cannot be held for a next line that may start with an @).
        assertNoPiece("", shown("note: ada.lovelace\n@example.com is hers\n"));
        // Ordinary records and wrapped values stay as they are.
        String record = "-[ RECORD 1 ]-----\nid     | 1\nname   | Ada\nstatus | paid.\n";
        assertThat(shown(record)).isEqualTo(record);
        String wrapped = "  1 | a long note.| paid\n    |.that goes on| \n";
        assertThat(shown(wrapped)).isEqualTo(wrapped);
    }

    /**
     * An address cut inside its domain by a line break: a value stored with one (psql prints it aligned with a
     * {@code +} and the rest under it, expanded with the rest on the field's next line) and a program printing an
     * address across two lines. Until 2026-12-07 each half was read alone and both reached the terminal in clear.
     * Each half is masked, written whole, a line a write and cut at every byte; lines of prose whose break falls
     * after an address-like word stay (from the machine's changelogs).
     */
    @Test
    void anAddressCutInsideItsDomainByALineBreakIsMaskedInEachHalf() throws Exception {
        List<String> printed = List.of(
                "        email        \n---------------------\n ada.lovelace@examp+\n le.com\n(1 row)\n",
                " id |       email        \n----+--------------------\n  1 | ada.lovelace@examp+\n    | le.com\n(1 row)\n",
                "-[ RECORD 1 ]-----------\nid    | 1\nemail | ada.lovelace@examp+\n      | le.com\n\n",
                "contact: ada.lovelace@examp\nle.com\n", "to ada.lovelace@example.\ncom\r\nbye\n");
        for (String output : printed) {
            assertNoPiece(output, shown(output));
            assertNoPiece(output, lineByLine(output));
            for (int split = 1; split < output.length(); split++) {
                assertNoPiece(output + " cut at " + split, shownInWrites(output.substring(0, split), output.substring(split)));
            }
        }
        for (String prose : List.of("Prefer EMAIL to username@hostname.\nChange \"added.moved\" to \"added, moved\"\n",
                "switch to actions/checkout@v3.\nThis fixes the warning\n", "ok djm@\nFix the bug.\n")) {
            assertThat(shown(prose)).isEqualTo(prose);
        }
    }

    /**
     * A card or an address a line break cuts, printed a line a write with a quiet moment after each line (a program
     * that sleeps between them): until 2026-12-07 the quiet moment passed the first line on and only the pieces after
     * it were masked. Every piece is masked, cut at every byte and in random packets (quiet where a line ends); a prompt after a line ending in
     * a number ends the hold at once, and the end of the output passes a lone first piece on as it is.
     */
    @Test
    void aValueCutByALineBreakIsHeldOverAQuietMoment() throws Exception {
        List<String> printed = List.of("card 4111 11\r\n11 1111 1111\r\n", "4111\n1111\n1111\n1111\ndone\n",
                "4111 1111\n1111 1111\n", "mail ada.love\nlace@example.com\n", "mail ada.lovelace\n@example.com\n",
                "mail ada.lovelace@exam\nple.com\n", "to ada.lovelace@example.\ncom\n", "card 4111 11\\n11 1111 1111\n",
                "mail ada.love\\r\\nlace@example.com\n");
        Random random = new Random(11);
        for (String output : printed) {
            assertNoCutPiece(output, quietAtEachLineEnd(List.of(output.split("(?<=\n)"))));
            for (int split = 1; split < output.length(); split++) {
                assertNoCutPiece(output + " cut at " + split, quietAtEachLineEnd(List.of(output.substring(0, split), output.substring(split))));
            }
            for (int round = 0; round < 50; round++) {
                List<String> writes = new java.util.ArrayList<>();
                for (int at = 0; at < output.length(); ) {
                    int n = Math.min(output.length() - at, 1 + random.nextInt(6));
                    writes.add(output.substring(at, at + n));
                    at += n;
                }
                assertNoCutPiece(output + " in " + writes, quietAtEachLineEnd(writes));
            }
        }
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, "Mon Dec  7 11:16:22 UTC 2026\r\n");
        masker.quiet();
        assertThat(masker.holding()).isTrue();
        write(masker, 0, "deploy@web:~$ ");
        masker.quiet();
        assertThat(screen.text()).isEqualTo("Mon Dec  7 11:16:22 UTC 2026\r\ndeploy@web:~$ ");
        assertThat(quietAtEachLineEnd(List.of("card 4111 11\n"))).isEqualTo("card 4111 11\n");
        // a line ending in a hyphen after digits is no piece (LineBrokenCard read past the line's end on it)
        assertThat(quietAtEachLineEnd(List.of("call 555-\n", "ok\n"))).isEqualTo("call 555-\nok\n");
    }

    private static void assertNoCutPiece(String output, String shown) {
        assertThat(shown).as(output).doesNotContain("4111", "1111", "ada.lov", "lace", "exam", ".com");
    }

    /** The writes with a quiet moment after each that ends a line, as a program that sleeps between its lines makes them. */
    private static String quietAtEachLineEnd(List<String> writes) throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        for (String written : writes) {
            write(masker, 0, written);
            if (written.endsWith("\n") || written.endsWith("\\n")) { // a line break written as an escape too
                masker.quiet();
            }
        }
        masker.end();
        return screen.text();
    }

    private static void assertNoPiece(String output, String shown) {
        assertThat(shown).as(output).doesNotContain("ada.lov", "lace@", "example", ".com", "4111 1", "1111 1111");
    }

    private static String lineByLine(String output) throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        for (String line : output.split("(?<=\n)")) {
            write(masker, 0, line);
        }
        masker.end();
        return screen.text();
    }

    private static String paused(String first, String second) throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, first);
        masker.quiet();
        write(masker, 0, second);
        masker.quiet();
        masker.end();
        return screen.text();
    }

    private static String shown(String output) throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        write(masker, 0, output);
        masker.end();
        return screen.text();
    }

    private static String shownInWrites(String... writes) throws Exception {
        Screen screen = new Screen();
        TerminalOutputMasker masker = new TerminalOutputMasker(ALL, "terminal", new MaskingReport(), screen);
        for (String written : writes) {
            write(masker, 0, written);
        }
        masker.end();
        return screen.text();
    }

    private static void write(TerminalOutputMasker masker, int stream, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        masker.write(stream, bytes, 0, bytes.length);
    }
}
