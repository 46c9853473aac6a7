package dev.tracegate.ledger.jcs;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme.
 *
 * <p>Numbers follow the I-JSON model of RFC 8785: every number is an IEEE-754 double. An integer
 * literal whose canonical form would denote a different integer (9007199254740993 would become
 * 9007199254740992) is rejected rather than silently rounded, because evidence must never change
 * the value it records. Fractions are rounded to the nearest double as the RFC prescribes.
 */
public final class Jcs {
    private static final long MAX_EXACT_INTEGER = 1L << 53;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Jcs() {}

    /** Parses UTF-8 JSON, rejecting duplicate object keys and trailing content. */
    public static JsonNode parse(byte[] utf8Json) {
        try {
            JsonNode node = STRICT.readTree(utf8Json);
            if (node == null || node.isMissingNode()) {
                throw new JcsException("empty input is not a JSON value");
            }
            return node;
        } catch (JacksonException e) {
            throw new JcsException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new JcsException("invalid JSON: " + e.getMessage(), e);
        }
    }

    /** The canonical UTF-8 bytes of a JSON value. */
    public static byte[] canonicalize(JsonNode value) {
        return canonicalString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses strictly and canonicalizes. */
    public static byte[] canonicalize(byte[] utf8Json) {
        return canonicalize(parse(utf8Json));
    }

    public static String canonicalString(JsonNode value) {
        StringBuilder out = new StringBuilder(128);
        write(value, out);
        return out.toString();
    }

    /**
     * Appends the canonical text of {@code value} to {@code out}: for callers that assemble a
     * canonical object from parts they canonicalised once (the gateway's event leaves).
     */
    public static void appendCanonical(JsonNode value, StringBuilder out) {
        write(value, out);
    }

    /** Appends {@code text} as a canonical JSON string (quoted and escaped as RFC 8785 says). */
    public static void appendCanonical(String text, StringBuilder out) {
        writeString(text, out);
    }

    /** True if the bytes are valid JSON already in canonical form. */
    public static boolean isCanonical(byte[] utf8Json) {
        try {
            requireCanonical(utf8Json);
            return true;
        } catch (JcsException e) {
            return false;
        }
    }

    /**
     * Parses and re-canonicalizes, throwing with the reason when the input is not valid JSON, holds
     * something JCS cannot represent, or differs from its canonical form.
     *
     * @return the parsed value, so callers need not parse twice
     */
    public static JsonNode requireCanonical(byte[] utf8Json) {
        JsonNode node = parse(utf8Json);
        byte[] canonical = canonicalize(node);
        int mismatch = Arrays.mismatch(canonical, utf8Json);
        if (mismatch >= 0) {
            throw new JcsException("not in RFC 8785 canonical form (first difference at byte " + mismatch + ")");
        }
        return node;
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> writeArray(node, out);
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new JcsException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
        // String.compareTo orders by UTF-16 code units, exactly what RFC 8785 section 3.2.3 asks.
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeString(members.get(i).getKey(), out);
            out.append(':');
            write(members.get(i).getValue(), out);
        }
        out.append('}');
    }

    private static void writeArray(JsonNode node, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(node.get(i), out);
        }
        out.append(']');
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new JcsException("string contains an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase()
                                + " at char " + i);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String number(JsonNode node) {
        if ((node.isInt() || node.isLong()) && node.longValue() >= -MAX_EXACT_INTEGER && node.longValue() <= MAX_EXACT_INTEGER) {
            // The common case (indices, counts, sizes): the digits as they are, without a BigInteger.
            return Long.toString(node.longValue());
        }
        if (node.isIntegralNumber()) {
            return integer(node.bigIntegerValue());
        }
        if (node.isBigDecimal() && node.decimalValue().stripTrailingZeros().scale() <= 0) {
            return integer(node.decimalValue().toBigIntegerExact());
        }
        return EcmaNumber.format(node.doubleValue());
    }

    private static String integer(BigInteger value) {
        if (value.bitLength() < 63 && Math.abs(value.longValue()) <= MAX_EXACT_INTEGER) {
            return value.toString(); // every integer up to 2^53 needs all its digits: same as ECMAScript
        }
        double d = value.doubleValue();
        String canonical = EcmaNumber.format(d);
        // Beyond 2^53 the canonical digits are those of the nearest double, padded with zeros. Accept
        // the integer only if those digits still denote it (295147905179352830000, 1e+30), so that no
        // written integer silently turns into a different one.
        if (!Double.isFinite(d) || new BigDecimal(canonical).compareTo(new BigDecimal(value)) != 0) {
            throw new JcsException("integer " + value + " is not exactly representable as an IEEE-754 double (it would become "
                    + canonical + ")");
        }
        return canonical;
    }
}
