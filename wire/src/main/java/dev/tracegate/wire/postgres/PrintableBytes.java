package dev.tracegate.wire.postgres;

import java.util.StringJoiner;

/**
 * How messages print byte arrays in {@code toString}: by size only, because cells, parameters and copy
 * data may hold exactly the values the gateway exists to protect, and toString output ends up in logs.
 */
public final class PrintableBytes {

    /** Printed in place of a secret (passwords, SASL exchanges, cancel keys). */
    public static final String REDACTED = "<redacted>";

    private PrintableBytes() {
    }

    public static String size(byte[] bytes) {
        return bytes == null ? "NULL" : bytes.length + " bytes";
    }

    public static String sizes(byte[][] values) {
        if (values == null) {
            return "null";
        }
        StringJoiner joined = new StringJoiner(", ", "[", "]");
        for (byte[] value : values) {
            joined.add(size(value));
        }
        return joined.toString();
    }

    /** A type byte for messages: the character when printable, hex otherwise. */
    public static String typeName(byte type) {
        int unsigned = type & 0xFF;
        return unsigned >= 0x20 && unsigned < 0x7F ? String.valueOf((char) unsigned) : String.format("0x%02x", unsigned);
    }
}
