package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.config.ColumnRuleConfig;
import dev.tracegate.masking.config.CustomDetectorConfig;
import dev.tracegate.masking.config.LimitsConfig;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskerTest {

    private static final HashKey KEY = MaskStrategyTest.KEY;
    private final Masker demo = new Masker(MaskingProfile.demo(KEY));

    /** {@code text} as a masked caller reads it in a text column under the default profile. */
    private static String asNote(String text) {
        return new Masker(MaskingProfile.defaults()).maskText(customers("notes", "text"), text, new MaskingReport()).value();
    }

    private static ColumnRef customers(String column, String type) {
        return ColumnRef.of("public", "customers", column, type);
    }

    @Test
    void demoProfileMasksThePersonalColumnsOfCustomers() {
        MaskingReport report = new MaskingReport();
        assertThat(demo.maskText(customers("email", "text"), "alice@example.com", report).value())
                .matches("[0-9a-f]{12}@[0-9a-f]{8}\\.example");
        assertThat(demo.maskText(customers("phone", "text"), "+1 415-555-2671", report).value()).isEqualTo("+* ***-***-2671");
        assertThat(demo.maskText(customers("card_number", "text"), "4111111111111111", report).value())
                .isEqualTo("************1111");
        assertThat(demo.maskText(customers("national_id", "text"), "536-22-1234", report).value()).isEqualTo("***-**-1234");
        assertThat(demo.maskText(customers("date_of_birth", "text"), "1984-03-12", report).value()).isEqualTo("[DATE_OF_BIRTH]");
        assertThat(demo.maskText(customers("name", "text"), "Alice Smith", report).outcome()).isEqualTo(CellOutcome.UNCHANGED);
        assertThat(report.snapshot().found()).containsOnlyKeys("public.customers.email", "public.customers.phone",
                "public.customers.card_number", "public.customers.national_id", "public.customers.date_of_birth");
    }

    @Test
    void notesAndEveryOtherTextCellAreScannedForContent() {
        MaskingReport report = new MaskingReport();
        CellResult notes = demo.maskText(customers("notes", "text"),
                "Prefers email alice@example.com, call +44 20 7946 0958; paid with 4111 1111 1111 1111", report);
        assertThat(notes.value()).isEqualTo("Prefers email [EMAIL], call [PHONE]; paid with [CARD]");
        assertThat(notes.findings()).isEqualTo(Map.of("EMAIL", 1, "PHONE", 1, "CARD", 1));
        CellResult expression = demo.maskText(ColumnRef.expression("?column?"), "ssn 536-22-1234", report);
        assertThat(expression.value()).isEqualTo("ssn [SSN]");
        assertThat(report.snapshot().found()).containsEntry("?column?", Map.of("SSN", 1L));
    }

    /**
     * A card number a text cell holds one group a line, two groups a line, or cut inside a group by a line break
     * ({@code 4111 11}, then {@code 11 1111 1111}): until 2026-12-07 each line was read alone and the card reached
     * masked callers in clear. Each piece is masked where it is written, the line breaks kept; numbers one a line
     * that make no card (line numbers, amounts, a year after a card) stay.
     */
    /**
     * An IBAN, a phone number or an SSN that a line break cuts between two of its groups, as a text's wrapping or a
     * mail's width cuts it: each line's groups were read alone and the value reached masked callers in clear before
     * 2026-12-07 (cards were read so already). Both sides are masked where they are written, the line break kept;
     * numbers on two lines that make none (a version and a year, a decimal's digits, an offset) stay.
     */
    @Test
    void anIbanPhoneOrSsnCutByALineBreakBetweenItsGroupsIsMaskedOnBothSides() {
        assertThat(asNote("pay to DE89 3704 0044\n  0532 0130 00 by Friday")).isEqualTo("pay to [IBAN]\n  [IBAN] by Friday");
        assertThat(asNote("iban GB82 WEST 1234\r\n5698 7654 32")).isEqualTo("iban [IBAN]\r\n[IBAN]");
        assertThat(asNote("call +44 20 7946\n0958 after six")).isEqualTo("call [PHONE]\n[PHONE] after six");
        assertThat(asNote("ssn 536-22-\n1234")).isEqualTo("ssn [SSN]\n[SSN]");
        assertThat(asNote("{\"iban\": \"DE89 3704\\n0044 0532 0130 00\"}")).doesNotContain("3704").doesNotContain("0130");
        for (String kept : List.of("version 1.2.3\n2024 release", "total 1200\n3400 5600 7800", "timezone -0800\n643134 fixed",
                "44906982.071902\n56890 -2345.7778", "22.038488\n22.038488", "see RFC 2616\nsection 14")) {
            assertThat(asNote(kept)).as(kept).isEqualTo(kept);
        }
    }

    @Test
    void aCardCutByLineBreaksInACellIsMaskedInEachPiece() {
        assertThat(asNote("card:\n4111\n1111\n1111\n1111\nthanks"))
                .isEqualTo("card:\n[CARD]\n[CARD]\n[CARD]\n[CARD]\nthanks");
        assertThat(asNote("card 4111 11\r\n  11 1111 1111 exp 12/29"))
                .isEqualTo("card [CARD]\r\n  [CARD] exp 12/29");
        assertThat(asNote("4111 1111\n1111 1111")).isEqualTo("[CARD]\n[CARD]");
        assertThat(asNote("1\t4111-1111\\n1111-1111\t2"))
                .isEqualTo("1\t[CARD]\\n[CARD]\t2");
        assertThat(asNote("paid with 4111 1111 1111 1111\n2029"))
                .isEqualTo("paid with [CARD]\n2029");
        for (String kept : List.of("1234\n5678\n9012\n3456", "10\n20\n30\n40\n50\n60\n70", "total 1200\n3400 5600 7800",
                "version 4.1.1\n1111 1111 1111")) {
            assertThat(asNote(kept)).as(kept).isEqualTo(kept);
        }
    }

    /**
     * A card's plain groups as the fields of a delimited row in one text ({@code 4111,1111,1111,1111}, bars, semicolons,
     * a space after the delimiter, among other fields): until 2026-12-07 the
     * detectors read groups apart by spaces, hyphens, dots, underscores or slashes only, and a CSV line or a cell holding
     * one reached masked callers in clear. Each field is masked where it is written; rows of codes, years and postcodes,
     * a longer list of numbers and a run glued to a letter stay.
     */
    @Test
    void aCardsPlainGroupsAsTheFieldsOfADelimitedRowAreMaskedInEachField() {
        assertThat(asNote("4111,1111,1111,1111")).isEqualTo("[CARD],[CARD],[CARD],[CARD]");
        assertThat(asNote("ada|4111|1111|1111|1111|ok")).isEqualTo("ada|[CARD]|[CARD]|[CARD]|[CARD]|ok");
        assertThat(asNote("7;4111; 1111;1111;1111;9")).isEqualTo("7;[CARD]; [CARD];[CARD];[CARD];9");
        assertThat(asNote("7, 4111, 1111, 1111, 1111, 9")).isEqualTo("7, [CARD], [CARD], [CARD], [CARD], 9");
        assertThat(asNote("id\t3782\t822463\t10005")).isEqualTo("id\t[CARD]"); // tabs were read as a card's separators already
        for (String kept : List.of("1001,1002,1003,1004", "2019,2020,2021,2022", "8001|8002|8003|8004",
                "4111,1111,1111,1111x", "1234,4111,1111,1111,1111,5678,9012")) {
            assertThat(asNote(kept)).as(kept).isEqualTo(kept);
        }
    }

    /**
     * An address a line break cuts in its local part ({@code ada.love}, then {@code lace@example.com}, whose second half
     * is an address by itself) or at its {@code @} ({@code ada.lovelace}, then {@code @example.com}): until 2026-12-07 the
     * first half reached masked callers in clear. Each half is masked; a word before an address or a decorator on the
     * next line stays.
     */
    @Test
    void anAddressCutByALineBreakInItsLocalPartOrAtItsAtIsMaskedInEachHalf() {
        assertThat(asNote("ada.love\nlace@example.com")).isEqualTo("[EMAIL]\n[EMAIL]");
        assertThat(asNote("to ada.lovelace\r\n  @example.com ok"))
                .isEqualTo("to [EMAIL]\r\n  [EMAIL] ok");
        assertThat(asNote("1\tada_l\\novelace@example.com")).isEqualTo("1\t[EMAIL]\\[EMAIL]");
        for (String kept : List.of("raised from\n@contextlib.contextmanager", "Thanks to\nada@example.org", "ping\n@ada",
                "FreeBSD PR 206620\nada@example.org", "Built with libc4.2\nada@example.org")) {
            assertThat(asNote(kept)).as(kept)
                    .isEqualTo(kept.replace("ada@example.org", "[EMAIL]"));
        }
    }

    /**
     * A text cell holding an address a line break cuts inside its domain ({@code ada.lovelace@exam}, then {@code
     * ple.com}), as psql, COPY's text and CSV output and a terminal show it on two lines (or as COPY's text format
     * escapes it, {@code \n}): until 2026-12-07 neither
     * half was an address to the detectors and the cell reached masked callers in clear. Each half is masked, the line
     * break kept; a sentence's end before the next line's word and a decorator on the next line stay.
     */
    @Test
    void anAddressCutByALineBreakInACellIsMaskedInEachHalf() {
        MaskingReport report = new MaskingReport();
        ColumnRef notes = customers("notes", "text");
        Masker defaults = new Masker(MaskingProfile.defaults());
        assertThat(defaults.maskText(notes, "ada.lovelace@exam\nple.com", report).value()).isEqualTo("[EMAIL]\n[EMAIL]");
        assertThat(defaults.maskText(notes, "write to ada.lovelace@\r\n  example.com today", report).value())
                .isEqualTo("write to [EMAIL]\r\n  [EMAIL] today");
        // the line break written as an escape, as COPY's text format and a log line write it
        assertThat(defaults.maskText(notes, "1\tada.lovelace@exam\\nple.com\t2", report).value())
                .isEqualTo("1\t[EMAIL]\\n[EMAIL]\t2");
        assertThat(defaults.maskText(notes, "printf(\"root@localhost\\n\");", report).value()).isEqualTo("printf(\"root@localhost\\n\");");
        for (String kept : List.of("Prefer EMAIL to username@hostname.\nChange it", "raised from\n@contextlib.contextmanager",
                "mail ada@example.org\nthanks", "reported by wylda@volny.\nnow LAME won't crash")) {
            assertThat(defaults.maskText(notes, kept, report).value()).as(kept)
                    .isEqualTo(kept.replace("ada@example.org", "[EMAIL]"));
        }
    }

    @Test
    void base64OrHexOfPersonalDataIsReadDecodedAndMaskedWhole() {
        MaskingReport report = new MaskingReport();
        String[][] cases = {
            {"email: YWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t", "email: [EMAIL]"},
            {"data:text/plain;base64,YWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t", "data:text/plain;base64,[EMAIL]"},
            {"from =?UTF-8?B?YWRhQGV4YW1wbGUuY29t?=", "from =?UTF-8?B?[EMAIL]?="},
            {"card NDExMTExMTExMTExMTExMQ==", "card [CARD]"},
            {"card NDExMSAxMTExIDExMTEgMTExMQ", "card [CARD]"},
            {"/files/YWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t/raw", "/files/[EMAIL]/raw"},
            {"id-YWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t", "id-[EMAIL]"},
            {"twice WVdSaFFHVjRZVzF3YkdVdVkyOXQ=", "twice [EMAIL]"},
            {"phone KzQ0IDIwIDc5NDYgMDk1OA==", "phone [PHONE]"},
            {"bytea \\x6164612e6c6f76656c616365406578616d706c652e636f6d", "bytea \\x[EMAIL]"},
            {"card 34313131313131313131313131313131", "card [CARD]"},
            {"DB_URL: cG9zdGdyZXM6Ly9zaG9wOlRyMHViNGRvckBkYjo1NDMyL3Nob3A=", "DB_URL: [SECRET]"},
            {"hex of base64 4e4445784d5445784d5445784d5445784d5445784d513d3d", "hex of base64 [CARD]"},
            // a digit or characters written around the encoding shift its bytes
            {"odd 6164612e6c6f76656c616365406578616d706c652e636f6dF", "odd [EMAIL]"},
            {"odd F6164612e6c6f76656c616365406578616d706c652e636f6d", "odd [EMAIL]"},
            {"shifted F6164612e6c6f76656c616365406578616d706c652e636f6dF", "shifted [EMAIL]"},
            {"shifted AYWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t", "shifted [EMAIL]"},
            {"shifted ABCYWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t", "shifted [EMAIL]"},
            {"over YWRhLmxvdmVsYWNlQGV4YW1wbGUuY29tA", "over [EMAIL]"},
        };
        for (String[] c : cases) {
            assertThat(demo.maskText(ColumnRef.expression("?column?"), c[0], report).value()).as(c[0]).isEqualTo(c[1]);
        }
        // as base64(1) wraps it at 76 characters: the address straddles the first line break
        String wrapped = Base64.getMimeEncoder().encodeToString(
                ("Shipping notes for the order of 12 March, customer ada.lovelace@example.com, two boxes, fragile")
                        .getBytes(StandardCharsets.UTF_8)).replace("\r\n", "\n");
        assertThat(wrapped).contains("\n");
        assertThat(demo.maskText(ColumnRef.expression("?column?"), "base64:\n" + wrapped + "\nend", report).value())
                .isEqualTo("base64:\n[EMAIL]\nend");
        for (String clean : List.of("SGVsbG8gd29ybGQsIGhvdyBhcmUgeW91Pw==", "CustomerAccountNumber internationalization",
                "3f2a9c1b7e4d5f60a1b2c3d4e5f60718", "eyJhbGciOiJub25lIn0", "/api/v1/customers/12345/orders",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "order 2024031512345678 shipped")) {
            assertThat(demo.maskText(ColumnRef.expression("?column?"), clean, report).outcome()).as(clean)
                    .isEqualTo(CellOutcome.UNCHANGED);
        }
    }

    @Test
    void base32OfPersonalDataIsReadDecodedAndMaskedWhole() {
        MaskingReport report = new MaskingReport();
        String[][] cases = {
            // RFC 4648, as base32(1) and Python's b32encode write it, padded or not, upper or lower case
            {"email: MFSGCLTMN53GK3DBMNSUAZLYMFWXA3DFFZRW63I=", "email: [EMAIL]"},
            {"email: MFSGCLTMN53GK3DBMNSUAZLYMFWXA3DFFZRW63I", "email: [EMAIL]"},
            {"email: mfsgcltmn53gk3dbmnsuazlymfwxa3dffzrw63i=", "email: [EMAIL]"},
            {"token MFSGCQDFPBQW24DMMUXGG33N end", "token [EMAIL] end"},
            {"card GQYTCMJRGEYTCMJRGEYTCMJRGE======", "card [CARD]"},
            {"MNQXEZBAGQYTCMJAGEYTCMJAGEYTCMJAGEYTCMI=", "[CARD]"},
            // Crockford's, as ULID libraries and some APIs write it
            {"ref C5J62BKCDXV6AV31CDJM0SBRC5PQ0V355SHPYV8 ok", "ref [EMAIL] ok"},
            {"ref c5j62g35f1gptw3ccmq66vvd", "ref [EMAIL]"},
            {"card 6GRK2C9H64RK2C9H64RK2C9H64", "card [CARD]"},
            // Base32 of Base64
            {"twice " + base32("YWRhLmxvdmVsYWNlQGV4YW1wbGUuY29t"), "twice [EMAIL]"},
        };
        for (String[] c : cases) {
            assertThat(demo.maskText(ColumnRef.expression("?column?"), c[0], report).value()).as(c[0]).isEqualTo(c[1]);
        }
        for (String clean : List.of("JBSWY3DPEHPK3PXP", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "INTERNATIONALIZATION OF THE CONSOLE",
                "internationalization", base32("Hello world, how are you?"), "3f2a9c1b7e4d5f60a1b2c3d4e5f60718",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "4111111111111112")) {
            assertThat(demo.maskText(ColumnRef.expression("?column?"), clean, report).outcome()).as(clean)
                    .isEqualTo(CellOutcome.UNCHANGED);
        }
        // random bytes in Base32 hold no stretch of text a detector reads
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[10 + random.nextInt(100)];
            random.nextBytes(bytes);
            String text = "v " + (i % 2 == 0 ? base32(bytes) : base32(bytes).toLowerCase(java.util.Locale.ROOT));
            assertThat(demo.maskText(ColumnRef.expression("?column?"), text, report).outcome()).as(text).isEqualTo(CellOutcome.UNCHANGED);
        }
    }

    /** RFC 4648 Base32 with its padding, as base32(1) writes it. */
    private static String base32(String text) {
        return base32(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(alphabet.charAt((buffer >>> bits) & 31));
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        while (out.length() % 8 != 0) {
            out.append('=');
        }
        return out.toString();
    }

    @Test
    void personalDataEncodedAmongStrayBytesIsReadAsItsTextAndMaskedWhole() {
        // One byte in front, in the middle or after, UTF-16, Latin-1: each kept the decoded bytes from
        // being UTF-8 text, so the detectors never read them, though a person decoding them reads the address.
        MaskingReport report = new MaskingReport();
        byte[] address = "ada.lovelace@example.com".getBytes(StandardCharsets.UTF_8);
        byte[] card = "card 4111111111111111".getBytes(StandardCharsets.UTF_8);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("b64 " + Base64.getEncoder().encodeToString(concat(new byte[] {0}, address)), "b64 [EMAIL]");
        cases.put("hex " + HexFormat.of().formatHex(concat(new byte[] {(byte) 0xff}, address)), "hex [EMAIL]");
        cases.put("hex " + HexFormat.of().formatHex(address) + "1111111111111111", "hex [EMAIL]");
        cases.put("hex " + HexFormat.of().formatHex(address).replace("6c6f", "6cff6f"), "hex [EMAIL]");
        cases.put("utf16 " + Base64.getEncoder().encodeToString("ada.lovelace@example.com".getBytes(StandardCharsets.UTF_16LE)), "utf16 [EMAIL]");
        cases.put("utf16 " + HexFormat.of().formatHex(card).replaceAll("(..)", "00$1"), "utf16 [CARD]");
        cases.put("latin1 " + Base64.getEncoder().encodeToString("José, card 4111111111111111".getBytes(StandardCharsets.ISO_8859_1)),
                "latin1 [CARD]");
        // a run a written find overlaps (the card after the run's '+') is still read whole
        cases.put("x " + Base64.getEncoder().withoutPadding().encodeToString(concat(new byte[] {0}, address)) + "+4111111111111111",
                "x [EMAIL]");
        cases.forEach((text, masked) -> assertThat(demo.maskText(ColumnRef.expression("?column?"), text, report).value())
                .as(text).isEqualTo(masked));
        // random bytes hold no stretch of text a detector reads
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[8 + random.nextInt(200)];
            random.nextBytes(bytes);
            String text = "v " + (i % 2 == 0 ? Base64.getEncoder().encodeToString(bytes) : HexFormat.of().formatHex(bytes));
            assertThat(demo.maskText(ColumnRef.expression("?column?"), text, report).outcome()).as(text).isEqualTo(CellOutcome.UNCHANGED);
        }
    }

    @Test
    void aCardNumberAfterAPlusIsACardWhenItIsTooLongForAPhoneNumber() {
        MaskingReport report = new MaskingReport();
        assertThat(demo.maskText(ColumnRef.expression("?column?"), "pay +4111111111111111 now", report).value())
                .isEqualTo("pay +[CARD] now");
        assertThat(demo.maskText(ColumnRef.expression("?column?"), "pay +5500-0055-5555-5559 now", report).value())
                .isEqualTo("pay +[CARD] now");
        assertThat(demo.maskText(ColumnRef.expression("?column?"), "call +44 20 7946 0958", report).value())
                .isEqualTo("call [PHONE]");
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @Test
    void columnsWithoutPersonalDataPassUntouched() {
        MaskingReport report = new MaskingReport();
        CellResult status = demo.maskText(ColumnRef.of("public", "orders", "status", "text"), "shipped", report);
        assertThat(status.outcome()).isEqualTo(CellOutcome.UNCHANGED);
        assertThat(status.value()).isEqualTo("shipped");
        assertThat(demo.forColumn(ColumnRef.of("public", "orders", "created_at", "timestamptz")).mayChangeValues()).isFalse();
        assertThat(demo.maskText(customers("notes", "text"), null, report).value()).isNull();
        assertThat(report.isEmpty()).isTrue();
    }

    /** Decisions are remembered per column: a column of the same name but another table or type is decided anew. */
    @Test
    void rememberedDecisionsBelongToTheWholeColumnReference() {
        Masker masker = new Masker(MaskingProfile.demo(KEY));
        MaskingReport report = new MaskingReport();
        for (int round = 0; round < 2; round++) {
            assertThat(masker.maskText(customers("email", "text"), "alice@example.com", report).value())
                    .matches("[0-9a-f]{12}@[0-9a-f]{8}\\.example");
            assertThat(masker.forColumn(customers("created_at", "timestamptz")).mayChangeValues()).isFalse();
            assertThat(masker.forColumn(customers("created_at", "text")).mayChangeValues()).isTrue();
            assertThat(masker.maskText(ColumnRef.of("public", "orders", "notes", "text"), "see alice@example.com", report)
                    .value()).isEqualTo("see [EMAIL]");
        }
        assertThat(masker.rememberedColumns()).isEqualTo(4);
        for (int i = 0; i < 5_000; i++) {
            masker.forColumn(ColumnRef.expression("alias_" + i));
        }
        assertThat(masker.rememberedColumns()).isLessThanOrEqualTo(4_096);
        assertThat(masker.maskText(ColumnRef.expression("alias_4999"), "ssn 536-22-1234", report).value())
                .isEqualTo("ssn [SSN]");
    }

    /**
     * PostgreSQL prints a card number kept in a float8 as {@code 4.111111111111111e+15}, MySQL's
     * double as {@code 4.111111111111111e15}, pgjdbc's binary float8 reads as {@code 4.111111111111111E15}:
     * a whole float is scanned as its digits, a fraction is not, and a float column is content-protected
     * for the lineage check like any scanned column, PostgreSQL's as MySQL's: {@code card_float + 1} is
     * no card to a detector, and a sum with a row of a known fraction hands one out whole.
     */
    @Test
    void aWholeFloatIsScannedAsItsDigitsAndProtectsTheColumn() {
        MaskingReport report = new MaskingReport();
        ColumnRef float8 = ColumnRef.of("public", "orders", "amount", "float8");
        for (String card : List.of("4.111111111111111e+15", "4111111111111111", "4.111111111111111E15")) {
            CellResult masked = demo.maskText(float8, card, report);
            assertThat(masked.outcome()).as(card).isEqualTo(CellOutcome.MASKED);
            assertThat(masked.value()).as("a redacted card does not parse as a float").isNull();
        }
        assertThat(demo.maskText(ColumnRef.of("shop", "orders", "amount", "double"), "4.111111111111111e15", report)
                .outcome()).isEqualTo(CellOutcome.MASKED);
        for (String price : List.of("12.5", "20", "1e+20", "NaN", "-Infinity", "4.1111111111111111")) {
            assertThat(demo.maskText(float8, price, report).outcome()).as(price).isEqualTo(CellOutcome.UNCHANGED);
        }
        for (String type : List.of("float8", "float4", "double precision", "real", "double")) {
            assertThat(demo.forColumn(customers("balance", type)).protection().kind()).as(type)
                    .isEqualTo(ColumnProtection.Kind.CONTENT);
        }
    }

    /**
     * The same number as text ({@code card_float::text}, a CSV export, a log line, a JSON string):
     * a whole number of card length written in exponent form or with a zero fraction is read as its
     * digits and masked whole; fractions, small and huge numbers stay as written.
     */
    @Test
    void aCardWrittenAsAWholeFloatInTextIsMaskedWhole() {
        MaskingReport report = new MaskingReport();
        ColumnRef notes = customers("notes", "text");
        for (String card : List.of("4.111111111111111e+15", "4.111111111111111E15", "4111111111111111.0")) {
            assertThat(demo.maskText(notes, "paid with " + card + " today", report).value()).as(card)
                    .isEqualTo("paid with [CARD] today");
        }
        assertThat(demo.maskText(ColumnRef.expression("card_float"), "4.111111111111111e+15", report).value())
                .isEqualTo("[CARD]");
        assertThat(demo.maskText(notes, "id,card\n1,5.555555555554444e+15\n", report).value())
                .isEqualTo("id,card\n1,[CARD]\n");
        for (String text : List.of("rate 1.5e+3 and 6.02e23", "price 4111111111111111.5", "x 4.1111111111111112e+15",
                "v1.2.4111111111111111e15")) {
            assertThat(demo.maskText(notes, text, report).outcome()).as(text).isEqualTo(CellOutcome.UNCHANGED);
        }
    }

    /**
     * A card number formatted as a number with its thousands grouped (a spreadsheet's number
     * format, a report, {@code to_char}) shows the detectors no group longer than three digits: it
     * is read as its digits and masked whole; grouped numbers of other lengths, or that are no card,
     * and lists of small numbers stay as written.
     */
    @Test
    void aCardWrittenWithItsThousandsGroupedIsMaskedWhole() {
        MaskingReport report = new MaskingReport();
        ColumnRef notes = customers("notes", "text");
        for (String card : List.of("4,111,111,111,111,111", "4.111.111.111.111.111", "4'111'111'111'111'111",
                "4,111,111,111,111,111.00", "4,11,11,11,11,11,11,111", "5,555,555,555,554,444", "4 111 111 111 111 111")) {
            assertThat(demo.maskText(notes, "paid with " + card + " today", report).value()).as(card)
                    .isEqualTo("paid with [CARD] today");
        }
        // French grouping with narrow no-break spaces: read as spaces, the value is masked whole.
        assertThat(demo.maskText(notes, "4\u202f111\u202f111\u202f111\u202f111\u202f111", report).value()).isEqualTo("[CARD]");
        for (String text : List.of("total 1,234,567 units", "4,111,111,111,111,112", "4,111,111,111,111,111.50",
                "12,4,111,111,111,111,111", "x4,111,111,111,111,111", "1,2,3,4,5,6,7,8,9,10,11,12,13",
                "123,456,789,012,345,678,901,234", "v4.111.111.111.111.111", "scores 412 233 511 120 344 557")) {
            assertThat(demo.maskText(notes, text, report).outcome()).as(text).isEqualTo(CellOutcome.UNCHANGED);
        }
    }

    /**
     * A card, phone or social security number spelled a digit a word, as it is read out or typed to
     * get past a filter, is read as its digits where the words stand: the card's issuer range and
     * Luhn check, or the phone or SSN word before it, decide as they do for digits, and the whole
     * spelled span is masked. Prose that counts, and spelled numbers with no word to say what they
     * are, stay.
     */
    @Test
    void numbersSpelledInWordsAreReadAsDigitsAndMaskedWhole() {
        MaskingReport report = new MaskingReport();
        ColumnRef notes = customers("notes", "text");
        String[][] cases = {
            {"card: four one one one one one one one one one one one one one one one", "card: [CARD]"},
            {"Card number Four One One One One One One One One One One One One One One One, thanks",
                "Card number [CARD], thanks"},
            {"CARD FIVE FIVE FIVE FIVE FIVE FIVE FIVE FIVE FIVE FIVE FIVE FIVE FOUR FOUR FOUR FOUR", "CARD [CARD]"},
            {"my visa is 4 one 1 one 1 one 1 one 1 one 1 one 1 one 1 one ok", "my visa is [CARD] ok"},
            {"four-one-one-one-one-one-one-one-one-one-one-one-one-one-one-one", "[CARD]"},
            {"four, one, one, one, one, one, one, one, one, one, one, one, one, one, one, one.", "[CARD]."},
            {"pan 4one1one1one1one1one1one1one1one", "pan [CARD]"},
            {"4111 1111 1111 one one one one", "[CARD]"},
            {"paid with four triple one, double one, one one one one one one one one one one", "paid with [CARD]"},
            {"call me at five five five, two six seven, one two three four", "call me at [PHONE]"},
            {"phone: five five five oh one two three", "phone: [PHONE]"},
            {"my phone number is (four one five) five five five two six seven one", "my phone number is [PHONE]"},
            {"reach me on plus four four two zero seven nine four six zero nine five eight", "reach me on [PHONE]"},
            {"+44 two zero seven nine four six zero nine five eight", "[PHONE]"},
            {"SSN one two three four five six seven eight nine", "SSN [SSN]"},
            {"my social security number is one two three, four five, six seven eight nine", "my social security number is [SSN]"},
            {"ssn: One Two Three - Four Five - Six Seven Eight Nine", "ssn: [SSN]"},
            // digit words written together, or with zero-width spaces between them, which a reader does not see
            {"card fouroneoneoneoneoneoneoneoneoneoneoneoneoneoneone", "card [CARD]"},
            {"card four\u200bone\u200bone\u200bone one one one one one one one one one one one one", "[CARD]"},
            {"SSN one two three four five six seven eight niner", "SSN [SSN]"},
            // read out in pairs and groups, tens, teens, hundreds and thousands, words and digits mixed
            {"card: forty-one eleven eleven eleven eleven eleven eleven eleven", "card: [CARD]"},
            {"card: Forty One Eleven, Eleven Eleven, Eleven Eleven, Eleven Eleven", "card: [CARD]"},
            {"card: four thousand one hundred eleven, one one one one, one one one one, one one one one", "card: [CARD]"},
            {"card: four thousand one hundred and eleven, eleven eleven, eleven eleven, eleven eleven", "card: [CARD]"},
            {"card: 41 eleven 1111 1111 1111", "card: [CARD]"},
            {"card: 4111 eleven eleven 1111 1111", "card: [CARD]"},
            {"call four one five, five five five, twenty-six seventy-one", "call [PHONE]"},
            {"SSN one twenty-three forty-five sixty-seven eighty-nine", "SSN [SSN]"},
            // two cards in a comma-separated list are two numbers, not one of 32 digits
            {"cards: four one one one one one one one one one one one one one one one, five five five five five five five five"
                + " five five five five four four four four", "cards: [CARD]"},
        };
        for (String[] c : cases) {
            assertThat(demo.maskText(notes, c[0], report).value()).as(c[0]).isEqualTo(c[1]);
        }
        for (String text : List.of("one two three four five six seven eight nine", "count: one, two, three, four, five, six,"
                + " seven, eight, nine, ten", "one or two of the three options, four five six", "I/O 555 1234 one",
                "card: four one one one one one one one one one one one one one one two", "order four one one one one one"
                + " one one one one one one one one one one", "Released one two three four five six seven release",
                "someone one two three four five six seven eight nine", "someone often tone function options seven one",
                "In nineteen eighty four, twenty thousand people came and eleven of them stayed",
                "I have twenty one apples and 3 pears on 12 May 2024 at 10 30",
                "it cost four thousand one hundred eleven dollars, about forty-one eleven euros")) {
            assertThat(demo.maskText(notes, text, report).outcome()).as(text).isEqualTo(CellOutcome.UNCHANGED);
        }
    }

    @Test
    void typedColumnsGetNullWhenTheMaskWouldNotParse() {
        MaskingReport report = new MaskingReport();
        CellResult dob = demo.maskText(customers("date_of_birth", "date"), "1984-03-12", report);
        assertThat(dob.outcome()).isEqualTo(CellOutcome.MASKED);
        assertThat(dob.value()).isNull();
        Masker hashCards = new Masker(MaskingProfile.from(new MaskingConfig(null, null, null, null,
                List.of(ColumnRuleConfig.mask("*.card", EntityType.CARD, StrategyConfig.hash(true))), null, null, null), KEY));
        assertThat(hashCards.maskText(ColumnRef.of(null, "t", "card", "int8"), "4111111111111111", report).value())
                .hasSize(16).containsOnlyDigits();
    }

    @Test
    void hintsFromColumnNames() {
        Masker masker = new Masker(MaskingProfile.defaults());
        MaskingReport report = new MaskingReport();
        assertThat(masker.maskText(ColumnRef.of("hr", "employees", "first_name", "varchar"), "Ada", report).value())
                .isEqualTo("[PERSON_NAME]");
        assertThat(masker.maskText(ColumnRef.of("hr", "employees", "name", "varchar"), "Ada Lovelace", report).value())
                .isEqualTo("[PERSON_NAME]");
        assertThat(masker.maskText(ColumnRef.of("shop", "products", "name", "varchar"), "Teapot", report).value())
                .isEqualTo("Teapot");
        assertThat(masker.maskText(ColumnRef.of(null, "users", "birthDate", "text"), "1990-01-02", report).value())
                .isEqualTo("[DATE_OF_BIRTH]");
        assertThat(masker.maskText(ColumnRef.of(null, "users", "api_token", "text"), "x", report).value())
                .isEqualTo("[SECRET]");
    }

    @Test
    void rulesByTypeAndByPatternFirstMatchWins() {
        MaskingConfig config = new MaskingConfig(null, null, List.of(), null, List.of(
                new ColumnRuleConfig("audit.*.client", null, EntityType.IP, StrategyConfig.nullify(), null),
                new ColumnRuleConfig(null, "inet", EntityType.IP, StrategyConfig.partial(2), null)), null, null, null);
        Masker masker = new Masker(MaskingProfile.from(config, null));
        MaskingReport report = new MaskingReport();
        assertThat(masker.maskText(ColumnRef.of("audit", "log", "client", "inet"), "10.1.2.3", report).value()).isNull();
        assertThat(masker.maskText(ColumnRef.of("audit", "log", "server", "text"), "10.1.2.3", report).value()).isEqualTo("[IP]");
    }

    @Test
    void nullifyInsideFreeTextNullifiesTheCell() {
        MaskingConfig config = new MaskingConfig(null, null, null, Map.of("ssn", StrategyConfig.nullify()), null, null,
                null, null);
        Masker masker = new Masker(MaskingProfile.from(config, null));
        CellResult result = masker.maskText(ColumnRef.expression("x"), "ssn 536-22-1234", new MaskingReport());
        assertThat(result.changed()).isTrue();
        assertThat(result.value()).isNull();
    }

    @Test
    void customDetectorsReportTheirName() {
        MaskingConfig config = new MaskingConfig(null, null, null, null, null, null,
                List.of(new CustomDetectorConfig("employee_id", "EMP-[0-9]{6}", List.of("Project Falcon"), null, null)), null);
        MaskingReport report = new MaskingReport();
        CellResult result = new Masker(MaskingProfile.from(config, null))
                .maskText(ColumnRef.expression("x"), "EMP-123456 on project falcon", report);
        assertThat(result.value()).isEqualTo("[EMPLOYEE_ID] on [EMPLOYEE_ID]");
        assertThat(report.snapshot().found()).containsEntry("x", Map.of("CUSTOM:employee_id", 2L));
    }

    @Test
    void reportNeverHoldsValues() {
        MaskingReport report = new MaskingReport();
        demo.maskText(customers("notes", "text"), "alice@example.com 4111111111111111", report);
        demo.maskText(customers("email", "text"), "bob@example.com", report);
        MaskingSummary summary = report.snapshot();
        assertThat(summary.toEventData().toString()).doesNotContain("alice", "bob", "4111", "example.com");
        assertThat(summary.total("EMAIL")).isEqualTo(2);
        assertThat(summary.valuesMasked()).isEqualTo(2);
    }

    @Test
    void reportLocationsAreBounded() {
        MaskingReport report = new MaskingReport();
        for (int i = 0; i < MaskingReport.MAX_LOCATIONS + 50; i++) {
            report.count("col" + i, "EMAIL", 1);
        }
        assertThat(report.snapshot().found()).hasSize(MaskingReport.MAX_LOCATIONS + 1)
                .containsEntry(MaskingReport.OTHER_LOCATION, Map.of("EMAIL", 50L));
    }

    @Test
    void configurationMistakesAreExplained() {
        assertThatThrownBy(() -> MaskingProfile.from(MaskingConfig.demo(), null)).hasMessageContaining("hash key");
        assertThatThrownBy(() -> new MaskingConfig(List.of(EntityType.PERSON_NAME), null, null, null, null, null, null, null))
                .hasMessageContaining("PERSON_NAME");
        assertThatThrownBy(() -> new LimitsConfig(null, null, FallbackAction.PASS, null).toLimits())
                .hasMessageContaining("overLimit");
        assertThatThrownBy(() -> MaskingProfile.from(new MaskingConfig(null, List.of("Atlantis"), null, null, null, null,
                null, null), null)).hasMessageContaining("Atlantis");
    }

    @Test
    void replacementsSayWhereAValueChangesWithoutLosingTheOriginalSpans() {
        MaskingReport report = new MaskingReport();
        String notes = "mail alice@example.com or pay 4111 1111 1111 1111";
        List<Replacement> found = demo.forColumn(customers("notes", null)).replacements(notes, report);
        assertThat(found).extracting(Replacement::entity).containsExactly("EMAIL", "CARD");
        assertThat(found).extracting(r -> notes.substring(r.start(), r.end()))
                .containsExactly("alice@example.com", "4111 1111 1111 1111");
        assertThat(found).extracting(Replacement::text).containsExactly("[EMAIL]", "[CARD]");
        List<Replacement> whole = demo.forColumn(customers("card_number", null)).replacements("4111111111111111", report);
        assertThat(whole).containsExactly(new Replacement(0, 16, "CARD", "************1111"));
        assertThat(demo.forColumn(customers("name", null)).replacements("Alice Smith", report)).isEmpty();
        assertThat(report.snapshot().found()).containsKeys("public.customers.notes", "public.customers.card_number");
    }

    @Test
    void replacementsOfANullifyingStrategyAreItsPlaceholder() {
        Masker nullifying = new Masker(MaskingProfile.from(new MaskingConfig(null, null, null,
                Map.of("email", StrategyConfig.parse("nullify")), null, null, null, null), KEY));
        assertThat(nullifying.forColumn(ColumnRef.expression("x")).replacements("to bob@example.org", new MaskingReport()))
                .containsExactly(new Replacement(3, 18, "EMAIL", "[EMAIL]"));
        assertThat(nullifying.forColumn(ColumnRef.of(null, "users", "email", null)).replacements("bob@example.org",
                new MaskingReport())).containsExactly(new Replacement(0, 15, "EMAIL", "[EMAIL]"));
    }

    @Test
    void aProfileSaysWhetherSomeColumnOfANameWouldBeMaskedWhole() {
        MaskingProfile profile = demo.profile();
        assertThat(profile.mayMaskColumnNamed("card_number")).as("a column rule, whatever its table").isTrue();
        assertThat(profile.mayMaskColumnNamed("contact_email")).as("a hint").isTrue();
        assertThat(profile.mayMaskColumnNamed("abalance")).isFalse();
        assertThat(profile.mayMaskColumnNamed("name")).as("the demo does not hint person names").isFalse();
        assertThat(MaskingProfile.defaults().mayMaskColumnNamed("name")).as("a bare name, as in a table of people").isTrue();
    }

    @Test
    void aColumnAsAStatementWritesItMatchesRulesOfAnySchema() {
        Masker ruled = new Masker(MaskingProfile.from(new MaskingConfig(null, null, List.of(), null,
                List.of(ColumnRuleConfig.mask("sales.customers.nickname", EntityType.PERSON_NAME, StrategyConfig.parse("redact"))),
                null, null, null), KEY));
        assertThat(ruled.forColumn(ColumnRef.of(null, "customers", "nickname", null)).masksWholeValue())
                .as("customers as written may resolve to sales.customers").isTrue();
        assertThat(ruled.forColumn(ColumnRef.of("sales", "customers", "nickname", null)).masksWholeValue()).isTrue();
        assertThat(ruled.forColumn(ColumnRef.of("public", "customers", "nickname", null)).masksWholeValue()).isFalse();
        assertThat(ruled.forColumn(ColumnRef.of(null, null, "nickname", null)).masksWholeValue())
                .as("an expression has no table").isFalse();
        assertThat(ruled.forColumn(ColumnRef.of(null, "customers", "notes", null)).masksWholeValue()).isFalse();
    }
}
