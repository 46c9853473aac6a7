package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.engine.UnshownValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * How a bind parameter appears in the evidence: text-format values as sent, binary values of
 * well-known types decoded so an auditor reads {@code 42} rather than {@code \x0000002a}, other
 * binary values as {@code \x} hex, and oversized values by their size only: a digest of a value
 * that is known but for a card number or an e-mail would let anyone confirm a guess.
 */
final class ParameterText {

    static final int INLINE_LIMIT_BYTES = 4096;

    private static final int BOOL = 16;
    private static final int BYTEA = 17;
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int VARCHAR = 1043;
    private static final int UUID_OID = 2950;

    private ParameterText() {
    }

    /** @param typeOid the type the Parse declared for this parameter, or 0 when unspecified */
    static String render(byte[] value, boolean binary, int typeOid) {
        if (value == null) {
            return null;
        }
        if (value.length > INLINE_LIMIT_BYTES) {
            return "[" + value.length + " bytes, not kept]";
        }
        if (!binary) {
            return new String(value, StandardCharsets.UTF_8);
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return switch (typeOid) {
            case BOOL -> value.length == 1 ? Boolean.toString(value[0] != 0) : hex(value);
            case INT2 -> value.length == 2 ? Short.toString(buffer.getShort()) : hex(value);
            case INT4 -> value.length == 4 ? Integer.toString(buffer.getInt()) : hex(value);
            case INT8 -> value.length == 8 ? Long.toString(buffer.getLong()) : hex(value);
            case FLOAT4 -> value.length == 4 ? Float.toString(buffer.getFloat()) : hex(value);
            case FLOAT8 -> value.length == 8 ? Double.toString(buffer.getDouble()) : hex(value);
            case UUID_OID -> value.length == 16 ? new UUID(buffer.getLong(), buffer.getLong()).toString() : hex(value);
            case TEXT, VARCHAR -> new String(value, StandardCharsets.UTF_8);
            default -> hex(value);
        };
    }

    /** The values approvers would see by their size only: a run with any is not put to them. */
    static List<UnshownValue> unshown(byte[][] values) {
        List<UnshownValue> unshown = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && values[i].length > INLINE_LIMIT_BYTES) {
                unshown.add(new UnshownValue(i + 1, values[i].length, INLINE_LIMIT_BYTES));
            }
        }
        return unshown;
    }

    private static String hex(byte[] value) {
        return "\\x" + HexFormat.of().formatHex(value);
    }
}
