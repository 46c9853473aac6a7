package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextFactsTest {

    @Test
    void longestNumberCountsDigitsAcrossSeparators() {
        assertThat(TextFacts.of("card 4111 1111 1111 1111 ok").longestNumberDigits()).isEqualTo(16);
        assertThat(TextFacts.of("+1 (415) 555-2671").longestNumberDigits()).isEqualTo(11);
        assertThat(TextFacts.of("order 1042 on 2024-03-02, 12 items").longestNumberDigits()).isEqualTo(8);
        assertThat(TextFacts.of("no digits here").longestNumberDigits()).isZero();
    }

    @Test
    void colonsAndIbanShape() {
        assertThat(TextFacts.of("a::1 b:c").colons()).isEqualTo(3);
        assertThat(TextFacts.of("pay DE89 3704").lettersThenDigits()).isTrue();
        assertThat(TextFacts.of("model X200, ab 1").lettersThenDigits()).isFalse();
    }

    @Test
    void onlyARunOfTheBase64AlphabetWithBothCasesIsWorthDecoding() {
        for (String encoded : new String[] {"email: YWRhQGV4YW1wbGUuY29t", "NDExMTExMTExMTExMTExMQ==", "/files/YWRhQGV4YW1w"}) {
            assertThat(TextFacts.of(encoded).base64Run()).as(encoded).isTrue();
        }
        for (String plain : new String[] {"internationalization", "3f2a9c1b7e4d5f60a1b2c3d4e5f60718", "SKU-00001-EU",
            "Ada Lovelace paid", "YWRhQGV4"}) {
            assertThat(TextFacts.of(plain).base64Run()).as(plain).isFalse();
        }
        assertThat(TextFacts.of("\\x6164614065").hexRun()).isFalse();
        assertThat(TextFacts.of("\\x6164614065786160").hexRun()).isTrue();
    }

    @Test
    void wordsThatSpellADigitAreCountedWhateverTheirCase() {
        assertThat(TextFacts.of("card four one one one, Four-One, ONE 4one1oh").spelledDigitWords()).isEqualTo(9);
        assertThat(TextFacts.of("SSN: Nine eight seven").spelledDigitWords()).isEqualTo(3);
        assertThat(TextFacts.of("card fouroneone Ohtwothree niner").spelledDigitWords()).isEqualTo(7);
        // glued to other letters, single "o" and longer words are no digit words (digit words glued together are: fouroneone)
        assertThat(TextFacts.of("someone often tone Onesie I/O o'clock fivefold seventh tenth").spelledDigitWords()).isZero();
        // a teen or a ten counts twice (a number of two digits alone: 41 eleven 1111 ...), hundred and thousand once
        assertThat(TextFacts.of("card 41 eleven 1111, Forty-One HUNDRED thousand").spelledDigitWords()).isEqualTo(7);
        assertThat(TextFacts.of("paid with 4111 1111 1111 1111, call (212) 555-0100").spelledDigitWords()).isZero();
    }

    @Test
    void dotsBetweenDigitsAndTheReadingFormsPasses() {
        assertThat(TextFacts.of("from 10.0.0.1").dottedDigits()).isTrue();
        assertThat(TextFacts.of("v1. 2 .3 order 4111 1111").dottedDigits()).isFalse();
        assertThat(TextFacts.of("from c-73-158-12-34.hsd1.example.net").dottedDigits()).isTrue();
        assertThat(TextFacts.of("on 2026-12-06, 415-555-2671, 4111-1111-1111-1111").dottedDigits()).isFalse();
        assertThat(TextFacts.of("paid, call Ada first").readAsWritten()).isTrue();
        for (String marked : new String[] {"4111&#32;1111", "x%40y", "a\\u0040b", "alice<span>@</span>example.com", "４１１１"}) {
            assertThat(TextFacts.of(marked).readAsWritten()).as(marked).isFalse();
            assertThat(ReadingForm.of(marked)).as(marked).isNotNull();
        }
    }

    @Test
    void aRunOfLowerCaseLettersCountsAsEachOfItsLettersWould() {
        // Such runs are taken whole (the common case's shortcut): runs that cross into other characters still count.
        assertThat(TextFacts.of("id deadbeefcafebabe").hexRun()).isTrue();
        assertThat(TextFacts.of("id deadbeefcafeba").hexRun()).isFalse();
        assertThat(TextFacts.of("abcdefabcdefabc1").hexRun()).isTrue();
        assertThat(TextFacts.of("12345678abcdefab").hexRun()).isTrue();
        assertThat(TextFacts.of("abcdefgabcdefabcdef").hexRun()).isFalse();
        assertThat(TextFacts.of("mfsgcqdfpbqw24dm").base32Run()).isTrue();
        assertThat(TextFacts.of("mfsgcqdfpbqW24dm").base32Run()).isFalse();
        assertThat(TextFacts.of("aGVsbG8gd29ybGQh").base64Run()).isTrue();
        assertThat(TextFacts.of("iban de89").lettersThenDigits()).isTrue();
        assertThat(TextFacts.of("card 4111 1111 1111 1111x").longestNumberDigits()).isEqualTo(16);
        assertThat(TextFacts.of("4111,111,111,111,111ab").longestGroupedDigits()).isEqualTo(16);
        assertThat(TextFacts.of("6e23").exponentDigits()).isTrue();
        assertThat(TextFacts.of("6ex23").exponentDigits()).isFalse();
    }

    @Test
    void aSpaceCountsAsEveryOtherSeparatorWould() {
        // Spaces are taken by a path of their own (the commonest character after lower-case letters).
        assertThat(TextFacts.of("alice at example dot com").atSpelling()).isTrue();
        assertThat(TextFacts.of("alice AT example DOT com").atSpelling()).isTrue();
        assertThat(TextFacts.of("alice at example dot").atSpelling()).isFalse();
        assertThat(TextFacts.of("meet at noon, dotted lines").atSpelling()).isFalse();
        assertThat(TextFacts.of("card 4111 1111 1111 1111").longestNumberDigits()).isEqualTo(16);
        assertThat(TextFacts.of("4 111 111 111 111 111").longestGroupedDigits()).isEqualTo(16);
        assertThat(TextFacts.of("deadbeef cafebabe").hexRun()).isFalse();
        assertThat(TextFacts.of("aGVsbG8g d29ybGQh").base64Run()).isFalse();
        assertThat(TextFacts.of("MFRGGZDF MZTWQ2LK").base32Run()).isFalse();
        assertThat(TextFacts.of("MFRGGZDFMZTWQ2LK ").base32Run()).isTrue();
        // A single space after two letters differs on purpose: an IBAN may be written DE 89 3704 ...
        assertThat(TextFacts.of("iban DE 89").lettersThenDigits()).isTrue();
        assertThat(TextFacts.of("iban DE-89").lettersThenDigits()).isFalse();
        assertThat(TextFacts.of("iban DE  89, page 12").lettersThenDigits()).isFalse();
    }

    @Test
    void aNumberInExponentForm() {
        for (String written : new String[] {"4.111111111111111e+15", "x 4.1E15 y", "6.02e23", "1e-3"}) {
            assertThat(TextFacts.of(written).exponentDigits()).as(written).isTrue();
        }
        for (String plain : new String[] {"4111111111111111.0", "case 12e", "Dec 5 e+1", "0xe+"}) {
            assertThat(TextFacts.of(plain).exponentDigits()).as(plain).isFalse();
        }
    }

    @Test
    void anAddressIsNeverRuledOutWhateverItsLettersOrSpelling() {
        Masker masker = new Masker(MaskingProfile.defaults());
        ColumnMasker column = masker.forColumn(ColumnRef.expression("body"));
        for (String address : new String[] {"jörg.müller@bücher.de", "o'brien+tag@example.ie", "x%40example.org",
            "?to=alice%40example.com&x=1", "Ελένη@παράδειγμα.ελ", "a_b-c.d%e@sub-domain.example.co.uk",
            "alice at example dot com", "alice(at)example.com", "alice [at] example.org", "alice&#64;example.com",
            "alice\\u0040example.com", "alice@example[dot]com", "alice [ at ] example [ dot ] org", "alice @ example . org"}) {
            assertThat(TextFacts.of(address).atSpelling()).as(address).isTrue();
            assertThat(column.mask("write to " + address + " today", new MaskingReport()).value()).as(address)
                    .contains("[EMAIL]");
        }
        assertThat(TextFacts.of("no address, 40 % off").atSpelling()).isTrue();
        assertThat(TextFacts.of("meet at noon, ＠ full width (note) [x]").atSpelling()).isFalse();
    }
}
