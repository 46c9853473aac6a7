package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Card numbers grouped in fours by dots, underscores or slashes are card numbers. Values written so that ASCII detectors miss what a reader sees (full-width or Arabic-Indic
 * digits, no-break and thin spaces, Unicode dashes, zero-width characters) are masked whole, and
 * text that reads as it is written is masked exactly as before.
 */
class ReadingFormTest {

    private final Masker masker = new Masker(MaskingProfile.defaults());

    @ParameterizedTest
    @ValueSource(strings = {
        "4111\u00a01111\u00a01111\u00a01111", // no-break spaces
        "4111\u202f1111\u202f1111\u202f1111", // narrow no-break spaces (French grouping)
        "4111\u20091111\u20091111\u20091111", // thin spaces
        "4111\u20131111\u20131111\u20131111", // en dashes
        "\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11", // full-width
        "\u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661", // Arabic-Indic
        "4111\u200b1111\u200b1111\u200b1111", // zero-width spaces
        "41\u00ad11 1111 1111 1111", // a soft hyphen
        "card: 4111\u00a01111\u00a01111\u00a01111, thanks",
    })
    void aCardNumberAReaderSeesIsMaskedHowEverItsDigitsAndSeparatorsAreWritten(String value) {
        MaskingReport report = new MaskingReport();
        CellResult result = masker.maskText(ColumnRef.expression("note"), value, report);
        assertThat(result.value()).isEqualTo("[CARD]");
        assertThat(report.snapshot().toString()).contains("CARD");
        String json = masker.json("response.body").mask("{\"note\":\"" + value + "\"}", new MaskingReport());
        assertThat(json).isEqualTo("{\"note\":\"[CARD]\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ada\u200b@example.com",
        "\uff41\uff44\uff41\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d",
        "ada\ufe6bexample.com", // small commercial at
        "ada@exam\u00adple.com",
    })
    void anEmailAddressAReaderSeesIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[EMAIL]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111.1111.1111.1111", "4111_1111_1111_1111", "4111/1111/1111/1111",
        "card 5500.0000.0000.0004 on file"})
    void aCardNumberGroupedInFoursByDotsUnderscoresOrSlashesIsACardNumber(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).contains("[CARD]")
                .doesNotContain("1111 ").doesNotContain("0000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v4111.1111.1111.1111", "411.11111.1111.1111", "2024/11/30 12:00", "1.2.3",
        "4111.1111.1111.1112"})
    void otherNumbersWithDotsAndSlashesAreNot(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isFalse();
    }

    @Test
    void phoneAndSsnWithUnicodeSeparatorsAreMasked() {
        assertThat(masker.maskText(ColumnRef.expression("note"), "+44\u202f20\u202f7946\u202f0123", new MaskingReport())
                .value()).isEqualTo("[PHONE]");
        assertThat(masker.maskText(ColumnRef.expression("note"), "SSN 123\u201145\u20116789", new MaskingReport())
                .value()).isEqualTo("[SSN]");
    }

    @Test
    void textThatReadsAsWrittenIsMaskedSpanBySpanAsBefore() {
        assertThat(masker.maskText(ColumnRef.expression("note"), "José Müller in Zürich: ada@example.com",
                new MaskingReport()).value()).isEqualTo("José Müller in Zürich: [EMAIL]");
        assertThat(masker.maskText(ColumnRef.expression("note"), "Réunion\u00a0: rien à signaler",
                new MaskingReport()).changed()).isFalse();
        // Its written form already shows the detectors everything: only the finds are replaced.
        assertThat(masker.maskText(ColumnRef.expression("note"), "Appelez\u00a0: ada@example.com",
                new MaskingReport()).value()).isEqualTo("Appelez\u00a0: [EMAIL]");
    }

    /** Markup a browser or a decoder undoes: character references, escapes, URL encoding, tags inside a value. */
    @ParameterizedTest
    @ValueSource(strings = {
        "card &#52;&#49;&#49;&#49; &#49;&#49;&#49;&#49; &#49;&#49;&#49;&#49; &#49;&#49;&#49;&#49;",
        "card &#x34;111&nbsp;1111&nbsp;1111&nbsp;1111",
        "card=%34%31%31%31%20%31%31%31%31%201111%201111",
        "card \\u0034111 1111 1111 1111",
        "card 4111 <b>1111</b> 11<span>11</span> 1111",
    })
    void aCardNumberHiddenByMarkupIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[CARD]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "alice<span>@</span>example.com", "<span>alice</span>@<span>example.com</span>", "alice@<b></b>example.com",
        "alice<!-- x -->@example.com", "alice%2540example.com", "alice@example\u3002com", "SSN 536&#45;22&#45;1234",
    })
    void anEmailOrSsnHiddenByMarkupIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isTrue();
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).doesNotContain("alice")
                .doesNotContain("1234");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<p>Hello <b>World</b></p>", "50%25 off &amp; more <div>text</div> &#169; 2024",
        "<td>4111</td><td>1111</td>", "C:\\Users\\x40\\docs", "a &lt; b &gt; c, 100% sure", "<span>Order 4111</span>"})
    void ordinaryMarkupIsLeftAsItIs(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isFalse();
    }

    /**
     * A find as written that is none as read (a digit after a zero-width space makes {@code
     * 123-45-6789} a longer number) kept the count of finds even, and the value hidden as written
     * came out in clear: each find as read must be one the written form shows.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "123-45-6789\u200b0 ada\u200b@example.com",
        "card 4111 1111 1111 1111\u200b1, mail ada\u200b@example.com",
        "ada@example.com or 4111\u00a01111\u00a01111\u00a01111 and SSN 536-22-1234\u00ad5",
    })
    void aValueHiddenAsWrittenIsMaskedWhenAFindAsWrittenIsNoneAsRead(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).doesNotContain("ada").doesNotContain("example").doesNotContain("1111");
    }

    /**
     * Characters a reader reads as digits, separators or nothing that Unicode files elsewhere: the
     * minus sign and middle dots or bullets between groups, combining marks drawn on a digit or a
     * letter (an underline, a keycap, a grapheme joiner), tag characters and digits outside the
     * Basic Multilingual Plane (Adlam), which a reading form built char by char saw as surrogates.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "4111\u22121111\u22121111\u22121111", // minus signs
        "4111\u00b71111\u00b71111\u00b71111", // middle dots
        "4111\u20221111\u20221111\u20221111", // bullets
        "4\u03321\u03321\u03321\u0332 1111 1111 1111", // a combining underline on each digit
        "4\ufe0f\u20e31\ufe0f\u20e31\ufe0f\u20e31\ufe0f\u20e3 1111 1111 1111", // keycaps
        "41\u034f11 1111 1111 1111", // a combining grapheme joiner
        "41\udb40\udc2011 1111 1111 1111", // a tag space
        "\ud83a\udd54\ud83a\udd51\ud83a\udd51\ud83a\udd51 1111 1111 1111", // Adlam digits
        "4111\u31641111\u31641111\u31641111", // Hangul fillers, letters that draw a blank
        "4111\uffa01111\uffa01111\uffa01111", // their half-width form
        "4111\u28001111\u28001111\u28001111", // Braille blanks
    })
    void aCardNumberWithCharactersThatDrawNothingOrReadAsSeparatorsIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[CARD]");
    }

    /**
     * A Japanese input method in full-width mode types the katakana prolonged sound mark {@code ー} (U+30FC, a
     * letter to Unicode) for the hyphen key, so a card or phone number typed so reads grouped by dashes and reached
     * masked callers in clear; so did the half-width form {@code ｰ}, which NFKC folds into it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\uff14\uff11\uff11\uff11\u30fc\uff11\uff11\uff11\uff11\u30fc\uff11\uff11\uff11\uff11\u30fc\uff11\uff11\uff11\uff11",
        "4111\u30fc1111\u30fc1111\u30fc1111", "4111\uff701111\uff701111\uff701111"})
    void aCardNumberTypedWithTheProlongedSoundMarkForHyphensIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[CARD]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u30b3\u30fc\u30d2\u30fc 2\u676f 4111 1111", "\u30c7\u30fc\u30bf 12\u30fc34"})
    void japaneseWordsWithTheProlongedSoundMarkAreLeftAsTheyAre(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada\u2800@example.com", "ada@\u3164example.com", "+44\u316420\u31647946\u31640958",
        "ada@exa\u0332mple.com", "ada\u034f@example.com", "ada\udb40\udc20@example.com",
        "ada@example\u00b7com", "SSN 123\u221245\u22126789", "+44\u221220\u22127946\u22120958"})
    void anEmailSsnOrPhoneWithSuchCharactersIsMasked(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).doesNotContain("ada").doesNotContain("6789").doesNotContain("0958");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u05e9\u05dc\u05d5\u05dd 123", "na\u00efve caf\u00e9 \u2212 5 \u00b7 3",
        "\u0928\u092e\u0938\u094d\u0924\u0947 2024", "\u202eevil.exe 42\u202c", "col\u00b7legi 4111 1111",
        "\u2022 item one \u2022 item two", "\u3164\uc548\ub155 2024 \u3164", "\u2800\u2801\u2803 12 34"})
    void ordinaryTextWithSuchCharactersIsLeftAsItIs(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isFalse();
    }

    /** A run after a right-to-left override is displayed reversed: what the reader sees is what is masked. */
    @ParameterizedTest
    @ValueSource(strings = {"\u202emoc.elpmaxe@ada", "\u202e1111 1111 1111 1114", "note \u202emoc.elpmaxe@ada\u202c ok",
        "&#x202e;moc.elpmaxe@ada"})
    void aValueDisplayedReversedByAnOverrideIsMasked(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).doesNotContain("ada").doesNotContain("1111");
    }

    /**
     * Escapes and encodings a decoder undoes that the reading form did not read: character
     * references with leading zeros, {@literal \}u{..} and octal escapes, quoted-printable soft line
     * breaks inside a value (MIME wraps lines at 76 characters), a form's {@code +} for a space.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "card &#00000052;111 1111 1111 1111", "card &#x00000034;111 1111 1111 1111",
        "card \\u{34}111 1111 1111 1111", "card \\064\\061\\061\\061 1111 1111 1111",
        "card=4111+1111+1111+1111", // a form's or a query string's spaces
    })
    void aCardNumberHiddenByAnEscapeOrASoftLineBreakIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[CARD]");
    }

    @Test
    void aValueASoftLineBreakOfQuotedPrintableSplitsIsMasked() {
        String card = "x".repeat(60) + " card 4111 11=\r\n11 1111 1111 on file";
        String mail = "x".repeat(60) + " mail ada@exam=\nple.com";
        assertThat(masker.maskText(ColumnRef.expression("note"), card, new MaskingReport()).value()).doesNotContain("1111");
        assertThat(masker.maskText(ColumnRef.expression("note"), mail, new MaskingReport()).value()).doesNotContain("ada");
        // An = that ends a shorter line (Base64's padding, an assignment) is no soft line break.
        String shortLine = "code 4111 11=\n11 1111 1111 on file";
        assertThat(masker.maskText(ColumnRef.expression("note"), shortLine, new MaskingReport()).changed()).isFalse();
    }

    /**
     * Base64 whose {@code + / =} markup escapes: URL-encoded in a query string ({@code %2F}, {@code %2B},
     * {@code %3D}), JSON's {@literal \}/ in a logged JSON text, character references. The escape splits
     * the run, and its pieces decoded to halves of the value or to nothing: {@code zoë@example.com}
     * in an unsubscribe link reached masked callers in clear. The run is read in the reading form too.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "unsubscribe https://shop.example/u?e=em%2FDq0BleGFtcGxlLmNvbQ%3D%3D",
        "{\"e\":\"em\\/Dq0BleGFtcGxlLmNvbQ==\"} logged",
        "e=em&#x2F;Dq0BleGFtcGxlLmNvbQ&#61;&#61;",
        "d=Q29udGFjdDogem%2FDq0Biw7xjaGVyLmV4YW1wbGU%3D",
        "c=bm%2FCsCA0MTExMTExMTExMTExMTEx", // no° 4111111111111111
    })
    void aBase64RunSplitByMarkupIsReadAsTheDecoderReadsIt(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).isIn("[EMAIL]", "[CARD]");
    }

    /** JSON's escaped slash ({@literal \}/), as PHP's json_encode writes every slash of a URL, hid a webhook's key and a URL's password. */
    @ParameterizedTest
    @ValueSource(strings = {
        "payload={\"url\":\"https:\\/\\/hooks.slack.com\\/services\\/T01ABCDEF\\/B02GHIJKL\\/aBcDeFgHiJkLmNoPqRsTuVwX\"}",
    })
    void aCredentialBehindJsonEscapedSlashesIsMasked(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).isNotNull().doesNotContain("aBcDeFgHiJkLmNoPqRsTuVwX");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada\\100example.com", "ada\\u{40}example.com"})
    void anEmailHiddenByAnEscapeOrASoftLineBreakIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).doesNotContain("ada");
    }

    /**
     * CSS escapes ({@code content: "ada\40 example.com"} in a stylesheet or an inline style), Perl's
     * {@literal \}x{40}, URL encoding encoded again and again ({@code %252540}, a redirect parameter
     * behind a proxy), IIS's {@code %u0040}, and a reference or an escape escaped again ({@code &amp;#64;},
     * {@literal \\}{@literal \}u0040): each reached masked callers in clear before 2026-12-06.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ada\\40 example.com", "ada\\000040example.com", "ada\\0040 example.com", "ada\\x{40}example.com",
        "ada%252540example.com", "ada%25252540example.com", "ada%u0040example.com",
        "card \\34\\31\\31\\31 1111 1111 1111", "card \\000034 111 1111 1111 1111",
        // escaped twice: HTML escaped again, a JavaScript string's escape in a JSON text
        "ada&amp;#64;example.com", "ada&amp;amp;#x40;example.com", "ada&amp;commat;example.com", "ada\\\\u0040example.com",
        "ada\\\\x40example.com"})
    void anEmailOrCardBehindCssEscapesOrRepeatedUrlEncodingIsMasked(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).isIn("[EMAIL]", "[CARD]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x =\n 4111", "C:\\Users\\100\\docs", "printf '\\101\\102'", "a=\nb", "\\u{1F600} 1234", "1+1=2, 2024+1",
        "q=4111+1111", "C:\\Users\\Ada\\Documents\\40 files", "grep -E '\\d+\\s\\bfoo' 4111", "50%2525 off, 100%25",
        "AT&amp;T &amp; Co, 4111", "\\\\server\\\\users\\\\ada"})
    void ordinaryTextWithEscapesOrLineEndsIsLeftAsItIs(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isFalse();
    }

    /**
     * Characters a reader reads as a digit, a dot, a hyphen or a slash that NFKC keeps and the reading form read as
     * symbols, so each of these reached masked callers in clear before 2026-12-07: digits in a circle (the dingbats'
     * {@code ❹ ➀ ➍} and the double circled {@code ⓸}, other numbers to Unicode, where the circled {@code ④} folds to a
     * digit), dots drawn by other punctuation or letters ({@code ⸱ ⸳ ◦ ‣ ● ꞏ ꓸ ۔}), the division and fraction slashes
     * ({@code ∕ ⁄ ⧸}), and the modifier letter minus and horizontal lines ({@code ˗ ─ ⎯}).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "\u2779\u2780\u2780\u2780 \u2780\u2780\u2780\u2780 \u2780\u2780\u2780\u2780 \u2780\u2780\u2780\u2780", // dingbat digits
        "\u278d111 1111 1111 1111", // a negative circled sans-serif four
        "\u24f8\u24f5\u24f5\u24f5 1111 1111 1111", // double circled digits
        "4111\u2e311111\u2e311111\u2e311111", "4111\u25e61111\u25e61111\u25e61111", "4111\u20231111\u20231111\u20231111",
        "4111\u25cf1111\u25cf1111\u25cf1111", "4111\ua78f1111\ua78f1111\ua78f1111", "4111\u2e331111\u2e331111\u2e331111",
        "4111\u22151111\u22151111\u22151111", "4111\u20441111\u20441111\u20441111", "4111\u29f81111\u29f81111\u29f81111",
        "4111\u02d71111\u02d71111\u02d71111", "4111\u25001111\u25001111\u25001111", "4111\u23af1111\u23af1111\u23af1111",
    })
    void aCardWrittenWithCircledDigitsOrSeparatorsDrawnLikeOursIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[CARD]");
        assertThat(masker.json("response.body").mask("{\"n\":\"" + value + "\"}", new MaskingReport()))
                .isEqualTo("{\"n\":\"[CARD]\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada@example\ua4f8com", "ada@example\u06d4com", "ada@example\u2e31com", "ada.lovelace@example\u25cfcom",
        "SSN 536\u02d722\u02d71234", "+44\u250020\u25007946\u25000958"})
    void anEmailSsnOrPhoneWithSeparatorsDrawnLikeOursIsMasked(String value) {
        String masked = masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value();
        assertThat(masked).doesNotContain("ada").doesNotContain("1234").doesNotContain("0958");
    }

    /**
     * Unicode's line and paragraph separators draw a line break (a browser, an editor, a JavaScript string): a value
     * cut by one is read as one cut by a line feed, each piece masked where it is written. Before 2026-12-07 the
     * detectors read a symbol there and the address's local part and each of the card's groups reached masked
     * callers in clear.
     */
    @Test
    void aValueCutByALineOrParagraphSeparatorIsReadAsOneCutByALineBreak() {
        assertThat(masker.maskText(ColumnRef.expression("note"), "ada.lovelace\u2028@example.com", new MaskingReport()).value())
                .doesNotContain("lovelace").doesNotContain("example").contains("\u2028");
        assertThat(masker.maskText(ColumnRef.expression("note"), "card\u20294111\u20291111\u20291111\u20291111\u2029thanks",
                new MaskingReport()).value()).isEqualTo("card\u2029[CARD]\u2029[CARD]\u2029[CARD]\u2029[CARD]\u2029thanks");
        assertThat(masker.maskText(ColumnRef.expression("note"), "card 4111 1111\u20281111 1111", new MaskingReport()).value())
                .doesNotContain("1111");
        String kept = "line one\u2028line two 2024\u20291234\u20285678";
        assertThat(masker.maskText(ColumnRef.expression("note"), kept, new MaskingReport()).value()).isEqualTo(kept);
    }

    /**
     * A character other than ASCII written as its encoded UTF-8 bytes, in a URL or a form ({@code %C2%A0}, a no-break
     * space; {@code %EF%BC%94}, a full-width 4; also encoded again) or in quoted-printable ({@code =E2=80=8B}, a
     * zero-width space), and HTML's named references of spaces, invisible characters, dots and the slash: only
     * printable ASCII was decoded, and only eighteen names read, so each of these reached masked callers in clear
     * before 2026-12-07.
     */
    @ParameterizedTest
    @ValueSource(strings = {"card=4111%C2%A01111%C2%A01111%C2%A01111", "card=%EF%BC%94%EF%BC%91%EF%BC%91%EF%BC%91%201111%201111%201111",
        "card 4111%E2%80%931111%E2%80%931111%E2%80%931111", "card 4111%25C2%25A01111%25C2%25A01111%25C2%25A01111",
        "card 4111=E2=80=8B1111=E2=80=8B1111=E2=80=8B1111", "card 4111=C2=A01111=C2=A01111=C2=A01111",
        "card 4111&numsp;1111&numsp;1111&numsp;1111", "card 4111&ThinSpace;1111&ThinSpace;1111&ThinSpace;1111",
        "card 4111&middot;1111&middot;1111&middot;1111", "card 4111&bull;1111&bull;1111&bull;1111",
        "card 4111&sol;1111&sol;1111&sol;1111"})
    void aCardWhoseSeparatorsOrDigitsAreEncodedUtf8OrNamedReferencesIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[CARD]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada%EF%BC%A0example.com", "ada=EF=BC=A0example.com", "ada%E2%80%8B%40example.com",
        "ada&ZeroWidthSpace;@example.com", "ada&NegativeVeryThinSpace;@example.com", "ada&NoBreak;@example.com",
        "ada&InvisibleComma;@example.com", "ada&lrm;@example.com", "ada@example&middot;com"})
    void anEmailWhoseCharactersAreEncodedUtf8OrNamedReferencesIsMasked(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).value()).isEqualTo("[EMAIL]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"caf%C3%A9 2024, %E2%82%AC 4111", "caf=C3=A9 =E2=82=AC 12", "x=C0=80 %C0%80 %ED%A0%80 %F5%80%80%80",
        "\u00bd cup, 1\u20442, 3\u22154", "\u2776 one \u2777 two \u2778 three 4111", "\u25cf item \u25e6 sub 1111",
        "\u067e\u0627\u06a9\u0633\u062a\u0627\u0646\u06d4 2024", "\u250c\u2500\u2500\u2510 12 \u2500 34",
        "&nbsp;&middot;&bull; &sol; 2024 &NewLine;"})
    void ordinaryTextWithEncodedUtf8LookalikesOrCircledDigitsIsLeftAsItIs(String value) {
        assertThat(masker.maskText(ColumnRef.expression("note"), value, new MaskingReport()).changed()).isFalse();
    }
}
