package dev.tracegate.ledger.jcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JcsTest {

    /** RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical JSON numbers. */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000, 0",
        "8000000000000000, 0",
        "0000000000000001, 5e-324",
        "8000000000000001, -5e-324",
        "7fefffffffffffff, 1.7976931348623157e+308",
        "ffefffffffffffff, -1.7976931348623157e+308",
        "4340000000000000, 9007199254740992",
        "c340000000000000, -9007199254740992",
        "4430000000000000, 295147905179352830000",
        "44b52d02c7e14af5, 9.999999999999997e+22",
        "44b52d02c7e14af6, 1e+23",
        "44b52d02c7e14af7, 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e, 999999999999999700000",
        "444b1ae4d6e2ef4f, 999999999999999900000",
        "444b1ae4d6e2ef50, 1e+21",
        "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "41b3de4355555553, 333333333.3333332",
        "41b3de4355555554, 333333333.33333325",
        "41b3de4355555555, 333333333.3333333",
        "41b3de4355555556, 333333333.3333334",
        "41b3de4355555557, 333333333.33333343",
        "becbf647612f3696, -0.0000033333333333333333",
        "43143ff3c1cb0959, 1424953923781206.2",
    })
    void numbersFollowRfc8785AppendixB(String bits, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThat(Jcs.canonicalString(DoubleNode.valueOf(value))).isEqualTo(expected);
        assertThat(Jcs.isCanonical(expected.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void randomDoublesPrintShortestAndReadBackExactly() {
        java.util.Random random = new java.util.Random(8785);
        for (int i = 0; i < 50_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(value)) {
                continue;
            }
            String printed = Jcs.canonicalString(DoubleNode.valueOf(value));
            assertThat(Double.parseDouble(printed)).as(printed).isEqualTo(value == 0 ? 0.0 : value);
            String digits = new java.math.BigDecimal(printed).unscaledValue().abs().toString().replaceAll("0+$", "");
            String javaDigits = new java.math.BigDecimal(Double.toString(Math.abs(value))).unscaledValue().toString().replaceAll("0+$", "");
            assertThat(digits.length()).as("no longer than Java's shortest for %s", printed).isLessThanOrEqualTo(javaDigits.length());
            assertThat(Jcs.isCanonical(("[" + printed + "]").getBytes(StandardCharsets.UTF_8))).as(printed).isTrue();
        }
    }

    @Test
    void nonFiniteNumbersAreRejected() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Jcs.canonicalize(DoubleNode.valueOf(bad)))
                    .isInstanceOf(JcsException.class).hasMessageContaining("non-finite");
        }
        assertThatThrownBy(() -> Jcs.canonicalize(utf8("[1e400]"))).hasMessageContaining("non-finite");
    }

    /** RFC 8785 section 3.2.2 example (also cyberphone/json-canonicalization testdata/values.json). */
    @Test
    void rfcValuesExample() {
        String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertThat(new String(Jcs.canonicalize(utf8(input)), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(Jcs.isCanonical(utf8(expected))).isTrue();
        assertThat(Jcs.isCanonical(utf8(input))).isFalse();
    }

    /** RFC 8785 section 3.2.3: keys sort by UTF-16 code units (cyberphone testdata/weird.json). */
    @Test
    void keysSortByUtf16CodeUnits() {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"1\":\"One\",\"\\u0080\":\"Control\\u007f\",\"\\ud83d\\ude02\":\"Smiley\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"</script>\":\"Browser Challenge\",\"\\r\":\"Carriage Return\"}";
        String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude02\":\"Smiley\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        assertThat(new String(Jcs.canonicalize(utf8(input)), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void controlCharactersUseShortEscapesOrLowercaseUnicodeEscapes() {
        String s = "\b\t\n\f\r\u0000\u001f\u007f\u2028/\"\\";
        assertThat(Jcs.canonicalString(TextNode.valueOf(s)))
                .isEqualTo("\"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f\u2028/\\\"\\\\\"");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThatThrownBy(() -> Jcs.parse(utf8("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}")))
                .isInstanceOf(JcsException.class).hasMessageContaining("Duplicate").hasMessageContaining("c");
        assertThat(Jcs.isCanonical(utf8("{\"a\":1,\"a\":1}"))).isFalse();
    }

    @Test
    void unpairedSurrogatesAreRejected() {
        assertThatThrownBy(() -> Jcs.canonicalize(utf8("[\"\\ud800x\"]"))).hasMessageContaining("unpaired surrogate U+D800");
        assertThatThrownBy(() -> Jcs.canonicalize(utf8("[\"x\\udc00\"]"))).hasMessageContaining("unpaired surrogate U+DC00");
    }

    @Test
    void integersBeyondDoublePrecisionAreRejectedNotRounded() {
        assertThatThrownBy(() -> Jcs.canonicalize(utf8("[9007199254740993]")))
                .hasMessageContaining("9007199254740993 is not exactly representable").hasMessageContaining("become 9007199254740992");
        assertThatThrownBy(() -> Jcs.canonicalize(utf8("[12345678901234567890123]"))).isInstanceOf(JcsException.class);
        assertThat(Jcs.isCanonical(utf8("[295147905179352830000]"))).isTrue();
        assertThatThrownBy(() -> Jcs.canonicalString(LongNode.valueOf(1L << 60))).hasMessageContaining("become 1152921504606847000");
        assertThat(Jcs.canonicalString(DoubleNode.valueOf(0x1p60))).isEqualTo("1152921504606847000");
        assertThat(Jcs.isCanonical(utf8("[1152921504606847000]"))).isTrue();
        assertThat(Jcs.canonicalString(JsonNodeFactory.instance.numberNode(BigInteger.TEN.pow(30)))).isEqualTo("1e+30");
        assertThat(Jcs.canonicalString(LongNode.valueOf(-(1L << 53)))).isEqualTo("-9007199254740992");
    }

    @Test
    void nonCanonicalSpellingsAreDetectedWithTheOffset() {
        assertThat(Jcs.isCanonical(utf8("{\"a\":1,\"b\":[true,null]}"))).isTrue();
        for (String bad : new String[] {
            "{\"b\":1,\"a\":2}", "{ \"a\":1}", "{\"a\":1.0}", "{\"a\":-0}", "{\"a\":\"\\u0041\"}", "{\"a\":1}\n",
            "\ufeff{\"a\":1}", "{\"a\":1e2}", "{\"a\":\"\\/\"}",
        }) {
            assertThat(Jcs.isCanonical(utf8(bad))).as(bad).isFalse();
        }
        assertThatThrownBy(() -> Jcs.requireCanonical(utf8("{\"a\":1.50}")))
                .hasMessageContaining("first difference at byte 8");
        assertThatThrownBy(() -> Jcs.requireCanonical(utf8("{\"a\":"))).hasMessageStartingWith("invalid JSON");
        assertThatThrownBy(() -> Jcs.requireCanonical(new byte[] {'"', (byte) 0xC3, '"'})).hasMessageStartingWith("invalid JSON");
        assertThatThrownBy(() -> Jcs.requireCanonical(new byte[0])).isInstanceOf(JcsException.class);
    }

    @Test
    void canonicalizingTwiceIsStable() {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("v", 1).put("index", 42).put("time", "2025-01-01T00:00:00.000000Z").put("ratio", 0.1);
        event.putObject("detail").put("sql", "SELECT 'é' \n FROM t").putArray("rows").add(1.5e-7).add(-0.0);
        byte[] once = Jcs.canonicalize(event);
        assertThat(Jcs.canonicalize(Jcs.parse(once))).isEqualTo(once);
        assertThat(new String(once, StandardCharsets.UTF_8))
                .isEqualTo("{\"detail\":{\"rows\":[1.5e-7,0],\"sql\":\"SELECT 'é' \\n FROM t\"},\"index\":42,\"ratio\":0.1,"
                        + "\"time\":\"2025-01-01T00:00:00.000000Z\",\"v\":1}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
