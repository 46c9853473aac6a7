package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values written one unit at a time ({@link SpacedOutReading}) or with control characters between
 * their pieces ({@link ControlFreeText}): a reader joins them at a glance, so the masker does.
 * Before 2026-12-07 each of the first cases passed in clear.
 */
class SpelledOutValuesTest {

    private final Masker masker = new Masker(MaskingProfile.defaults());

    private String masked(String text) {
        return masker.maskText(ColumnRef.expression("note"), text, new MaskingReport()).value();
    }

    @Test
    void aValueSpelledOutACharacterAtATimeIsMaskedWhereItStands() {
        assertThat(masked("mail a d a . l o v e l a c e @ e x a m p l e . c o m today")).isEqualTo("mail [EMAIL] today");
        assertThat(masked("a-d-a-.-l-o-v-e-l-a-c-e-@-e-x-a-m-p-l-e-.-c-o-m")).isEqualTo("[EMAIL]");
        assertThat(masked("a, d, a, ., l, o, v, e, l, a, c, e, @, e, x, a, m, p, l, e, ., c, o, m")).isEqualTo("[EMAIL]");
        assertThat(masked("a\nd\na\n.\nl\no\nv\ne\nl\na\nc\ne\n@\ne\nx\na\nm\np\nl\ne\n.\nc\no\nm")).isEqualTo("[EMAIL]");
        assertThat(masked("iban G B 8 2 W E S T 1 2 3 4 5 6 9 8 7 6 5 4 3 2")).isEqualTo("iban [IBAN]");
        assertThat(masked("['a', 'd', 'a', '.', 'l', 'o', 'v', 'e', 'l', 'a', 'c', 'e', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e',"
                + " '.', 'c', 'o', 'm']")).isEqualTo("['[EMAIL]']");
    }

    @Test
    void digitsSpelledOutOneByOneAreReadWithTheWordBeforeThem() {
        assertThat(masked("card 4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1")).isEqualTo("card [CARD]");
        // since 2026-12-07 an array of a card's digits is read as an array too, and replaced with its brackets
        assertThat(masked("card [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]")).isEqualTo("card [CARD]");
        assertThat(masked("ssn 5 3 6 2 2 1 2 3 4")).isEqualTo("ssn [SSN]");
        assertThat(masked("phone 4-1-5-5-5-5-2-6-7-1")).isEqualTo("phone [PHONE]");
    }

    /**
     * A card's groups as the elements of an array written as text (a PostgreSQL {@code int[]} or {@code text[]}, a
     * JSON array in a log line): no separator the card detector reads, so before 2026-12-07 they passed in clear. A
     * list of years, ports or ids, and a text's digits listed, stay.
     */
    @Test
    void aCardsGroupsAsAnArraysElementsAreReadTogether() {
        assertThat(masked("{4111,1111,1111,1111}")).isEqualTo("[CARD]");
        assertThat(masked("pan: [\"4111\", \"1111\", \"1111\", \"1111\"] ok")).isEqualTo("pan: [CARD] ok");
        assertThat(masked("{3782,822463,10005}")).isEqualTo("[CARD]");
        for (String ordinary : List.of("{2019,2020,2021,2022,2023}", "{80,443,8080,8443}", "{1001,1002,1003,1004}",
                "[5161,6734,2398]", "{4003,7051,3847,7,49,30}", "{a,b,c}")) {
            assertThat(masked(ordinary)).as(ordinary).isEqualTo(ordinary);
        }
    }

    @Test
    void aValuesBytesListedInHexOrDecimalAreReadDecoded() {
        String email = "ada.lovelace@example.com";
        StringBuilder spaced = new StringBuilder();
        StringBuilder colons = new StringBuilder();
        StringBuilder prefixed = new StringBuilder();
        StringBuilder escaped = new StringBuilder();
        StringBuilder decimal = new StringBuilder();
        for (char c : email.toCharArray()) {
            spaced.append(spaced.isEmpty() ? "" : " ").append(String.format("%02x", (int) c));
            colons.append(colons.isEmpty() ? "" : ":").append(String.format("%02X", (int) c));
            prefixed.append(prefixed.isEmpty() ? "" : ", ").append(String.format("0x%02x", (int) c));
            escaped.append(String.format("\\x%02x", (int) c));
            decimal.append(decimal.isEmpty() ? "" : ",").append((int) c);
        }
        StringBuilder octal = new StringBuilder();
        StringBuilder binary = new StringBuilder();
        StringBuilder codeUnits = new StringBuilder();
        for (char c : email.toCharArray()) {
            octal.append(octal.isEmpty() ? "" : " ").append(Integer.toOctalString(c));
            binary.append(binary.isEmpty() ? "" : " ").append(String.format("%8s", Integer.toBinaryString(c)).replace(' ', '0'));
            codeUnits.append(codeUnits.isEmpty() ? "" : " ").append(String.format("U+%04X", (int) c));
        }
        for (String bytes : List.of(spaced.toString(), colons.toString(), prefixed.toString(), decimal.toString(),
                octal.toString(), binary.toString(), codeUnits.toString())) {
            assertThat(masked("bytes " + bytes + " end")).as(bytes).isEqualTo("bytes [EMAIL] end");
        }
        // Escapes are markup the reading form undoes first, and a value hidden in it masks the whole text.
        assertThat(masked("bytes " + escaped + " end")).isEqualTo("[EMAIL]");
        // A card's digits are 48 to 57: two-digit numbers, read as decimal as well as hex.
        assertThat(masked("{52,49,49,49,49,49,49,49,49,49,49,49,49,49,49,49}")).isEqualTo("{[CARD]}");
    }

    @Test
    void aValueWithControlsBetweenItsPiecesIsMaskedWithThemAndNothingElse() {
        assertThat(masked("card 4111 \u001b[1m1111\u001b[0m 1111 1111 ok")).isEqualTo("card [CARD] ok");
        assertThat(masked("card 4111111X\b111111111 ok")).isEqualTo("card [CARD] ok");
        assertThat(masked("mail ada.lovelace\u001b]0;title\u0007@example.com ok")).isEqualTo("mail [EMAIL] ok");
        assertThat(masked("mail ada.lovelace\u0007@example.com ok")).isEqualTo("mail [EMAIL] ok");
        assertThat(masked("\u001b[1;31mred\u001b[0m text")).as("colours alone are left").isEqualTo("\u001b[1;31mred\u001b[0m text");
    }

    @Test
    void ordinaryTextThatLooksSpelledOutIsLeftAlone() {
        for (String text : List.of("T O T A L S  for the year", "a b c d e f g h i j k l", "- - - - - - - - - -",
                "sizes 10 20 30 40 50 60 70 80 90 100", "00:1a:2b:3c:4d:5e", "1 2 3 4 5 6 7 8 9 10 11 12",
                "x = 1, y = 2, z = 3, w = 4, v = 5, u = 6, t = 7, s = 8", "de ad be ef ca fe ba be 00 11 22 33",
                "flags 1 | 0 | 1 | 1 | 0 | 0 | 1 | 0 | 1", "I am a b c d e f g h person", "ids 1 2 3 4 5 6 7 8 9",
                "version 1.2.3.4.5.6.7.8", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "permissions 0755 0644 0600 0700 0750 0640 0444 0555",
                "years 1999 2000 2001 2002 2003 2004 2005 2006", "10110010 00000000 11111111 01010101 11001100 00001111 10101010 11110000")) {
            assertThat(masked(text)).as(text).isEqualTo(text);
        }
    }
}
