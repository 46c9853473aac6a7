package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.results.BinaryCells;
import dev.tracegate.wire.mysql.BinaryValue;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import dev.tracegate.wire.mysql.FieldType;
import java.nio.charset.StandardCharsets;

/**
 * MySQL's binary-protocol cells as the masker reads them. Type names are those of
 * {@link FieldType#name}, with {@code " unsigned"} for unsigned integers and {@value #BINARY}
 * for strings and blobs in the binary character set (bytes, not text). Strings, decimals, enums,
 * sets and JSON travel as their text; integers, floating point numbers, dates and times are
 * read into text; a masked integer is written back when it still is one, anything else masked
 * becomes NULL.
 */
final class MysqlCells implements BinaryCells {

    static final MysqlCells MYSQL = new MysqlCells();
    static final String BINARY = "binary";
    private static final String UNSIGNED = " unsigned";

    private MysqlCells() {
    }

    /** The type name of a column, as the masker, the evidence and this class use it. */
    static String typeName(ColumnDefinition41 column) {
        if (FieldType.textual(column.type()) && column.binaryCharset()) {
            return BINARY;
        }
        String name = FieldType.name(column.type());
        return column.unsigned() && integer(column.type()) ? name + UNSIGNED : name;
    }

    @Override
    public boolean isText(String type) {
        return type != null && !BINARY.equals(type) && FieldType.textual(code(type));
    }

    @Override
    public boolean readable(String type) {
        return type != null && !BINARY.equals(type) && code(type) >= 0;
    }

    @Override
    public String toText(String type, byte[] cell) {
        int code = code(type);
        return code < 0 ? null : BinaryValue.text(code, type.endsWith(UNSIGNED), cell);
    }

    @Override
    public byte[] fromText(String type, String text) {
        int code = code(type);
        if (text == null || !integer(code)) {
            return FieldType.textual(code) && text != null ? text.getBytes(StandardCharsets.UTF_8) : null;
        }
        try {
            long value = type.endsWith(UNSIGNED) ? Long.parseUnsignedLong(text) : Long.parseLong(text);
            byte[] bytes = new byte[width(code)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (value >>> (8 * i));
            }
            return bytes;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public boolean opaque(String type) {
        return BINARY.equals(type) || "geometry".equals(type) || "bit".equals(type);
    }

    private static boolean integer(int code) {
        return code == FieldType.TINY || code == FieldType.SHORT || code == FieldType.LONG || code == FieldType.INT24
                || code == FieldType.LONGLONG || code == FieldType.YEAR;
    }

    private static int width(int code) {
        return switch (code) {
            case FieldType.TINY -> 1;
            case FieldType.SHORT, FieldType.YEAR -> 2;
            case FieldType.LONG, FieldType.INT24 -> 4;
            default -> 8;
        };
    }

    /** The wire type of a type name; -1 for one this class does not read. */
    private static int code(String type) {
        String base = type.endsWith(UNSIGNED) ? type.substring(0, type.length() - UNSIGNED.length()) : type;
        return switch (base) {
            case "tiny" -> FieldType.TINY;
            case "short" -> FieldType.SHORT;
            case "long" -> FieldType.LONG;
            case "int24" -> FieldType.INT24;
            case "longlong" -> FieldType.LONGLONG;
            case "year" -> FieldType.YEAR;
            case "float" -> FieldType.FLOAT;
            case "double" -> FieldType.DOUBLE;
            case "date" -> FieldType.DATE;
            case "datetime" -> FieldType.DATETIME;
            case "timestamp" -> FieldType.TIMESTAMP;
            case "time" -> FieldType.TIME;
            case "decimal" -> FieldType.NEWDECIMAL;
            case "varchar" -> FieldType.VAR_STRING;
            case "string" -> FieldType.STRING;
            case "enum" -> FieldType.ENUM;
            case "set" -> FieldType.SET;
            case "json" -> FieldType.JSON;
            case "blob" -> FieldType.BLOB;
            default -> -1;
        };
    }
}
