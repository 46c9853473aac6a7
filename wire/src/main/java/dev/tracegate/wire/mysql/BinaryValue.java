package dev.tracegate.wire.mysql;

import java.nio.charset.StandardCharsets;

/**
 * One value of the binary protocol (prepared-statement parameters and binary result rows): read
 * and written without its length prefix, and turned into text where its type allows.
 */
public final class BinaryValue {

    private BinaryValue() {
    }

    /** The value's bytes: the fixed bytes of a number, the bytes after a date's length byte, a string's content. */
    public static byte[] read(PayloadReader in, int type) throws MysqlProtocolException {
        int fixed = FieldType.fixedLength(type);
        if (fixed >= 0) {
            return in.bytes(fixed);
        }
        if (FieldType.temporal(type)) {
            return in.bytes(in.int1());
        }
        byte[] value = in.lenencBytes();
        if (value == null) {
            throw new MysqlProtocolException("a binary value of type " + FieldType.name(type) + " is the NULL marker");
        }
        return value;
    }

    public static void write(PayloadWriter out, int type, byte[] value) {
        if (FieldType.fixedLength(type) >= 0) {
            out.bytes(value);
        } else if (FieldType.temporal(type)) {
            out.int1(value.length).bytes(value);
        } else {
            out.lenencBytes(value);
        }
    }

    /** The value as text, or {@code null} when the type has no text form here (geometry, bit). */
    public static String text(int type, boolean unsigned, byte[] value) {
        if (FieldType.textual(type)) {
            return new String(value, StandardCharsets.UTF_8);
        }
        return switch (type) {
            case FieldType.TINY -> integer(value, unsigned);
            case FieldType.SHORT, FieldType.YEAR -> integer(value, unsigned);
            case FieldType.LONG, FieldType.INT24 -> integer(value, unsigned);
            case FieldType.LONGLONG -> integer(value, unsigned);
            case FieldType.FLOAT -> value.length == 4 ? Float.toString(Float.intBitsToFloat((int) littleEndian(value))) : null;
            case FieldType.DOUBLE -> value.length == 8 ? Double.toString(Double.longBitsToDouble(littleEndian(value))) : null;
            case FieldType.DATE, FieldType.DATETIME, FieldType.TIMESTAMP -> dateTime(type, value);
            case FieldType.TIME -> time(value);
            default -> null;
        };
    }

    private static String integer(byte[] value, boolean unsigned) {
        long raw = littleEndian(value);
        if (unsigned) {
            return Long.toUnsignedString(raw);
        }
        int shift = 64 - 8 * value.length;
        return Long.toString(raw << shift >> shift);
    }

    private static long littleEndian(byte[] value) {
        long result = 0;
        for (int i = value.length - 1; i >= 0; i--) {
            result = result << 8 | (value[i] & 0xFF);
        }
        return result;
    }

    private static String dateTime(int type, byte[] value) {
        if (value.length == 0) {
            return type == FieldType.DATE ? "0000-00-00" : "0000-00-00 00:00:00";
        }
        if (value.length < 4) {
            return null;
        }
        int year = (value[0] & 0xFF) | (value[1] & 0xFF) << 8;
        String date = String.format("%04d-%02d-%02d", year, value[2] & 0xFF, value[3] & 0xFF);
        if (type == FieldType.DATE) {
            return date;
        }
        String time = value.length >= 7 ? String.format(" %02d:%02d:%02d", value[4] & 0xFF, value[5] & 0xFF, value[6] & 0xFF)
                : " 00:00:00";
        String micros = value.length >= 11 ? String.format(".%06d", littleEndian(java.util.Arrays.copyOfRange(value, 7, 11)))
                : "";
        return date + time + micros;
    }

    private static String time(byte[] value) {
        if (value.length == 0) {
            return "00:00:00";
        }
        if (value.length < 8) {
            return null;
        }
        long days = littleEndian(java.util.Arrays.copyOfRange(value, 1, 5));
        long hours = days * 24 + (value[5] & 0xFF);
        String text = (value[0] != 0 ? "-" : "") + String.format("%02d:%02d:%02d", hours, value[6] & 0xFF, value[7] & 0xFF);
        return value.length >= 12 ? text + String.format(".%06d", littleEndian(java.util.Arrays.copyOfRange(value, 8, 12)))
                : text;
    }
}
