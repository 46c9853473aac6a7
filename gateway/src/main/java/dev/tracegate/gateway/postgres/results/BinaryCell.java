package dev.tracegate.gateway.postgres.results;

import dev.tracegate.gateway.results.BinaryCells;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Binary-format cells of the types whose value the masker can read as text: the text types
 * (their binary form is their UTF-8 text), jsonb (a version byte, then the text), integers,
 * floating point numbers and dates. Drivers such as pgjdbc ask for binary results for integers,
 * floats and dates, so a card number in an {@code int8} or {@code float8} column or a birth date
 * in a {@code date} column arrives this way.
 */
final class BinaryCell implements BinaryCells {

    /** PostgreSQL's binary cells. */
    static final BinaryCell POSTGRES = new BinaryCell();


    private static final Set<String> TEXT_TYPES = Set.of(
            "text", "varchar", "bpchar", "name", "char", "unknown", "xml", "json", "citext");
    private static final byte JSONB_VERSION = 1;
    private static final LocalDate POSTGRES_EPOCH = LocalDate.of(2000, 1, 1);

    private BinaryCell() {
    }

    /** Whether the binary form of {@code type} is its UTF-8 text, exactly as in text format. */
    @Override
    public boolean isText(String type) {
        return type != null && TEXT_TYPES.contains(type);
    }

    /** bytea is bytes in text format too. */
    @Override
    public boolean opaque(String type) {
        return "bytea".equals(type);
    }

    /** Whether {@link #toText} can read cells of {@code type}. */
    @Override
    public boolean readable(String type) {
        return type != null && (TEXT_TYPES.contains(type) || type.equals("jsonb") || type.equals("int2")
                || type.equals("int4") || type.equals("int8") || type.equals("float4") || type.equals("float8")
                || type.equals("date"));
    }

    /** The value as PostgreSQL would print it in text format, or {@code null} when the bytes do not fit the type. */
    @Override
    public String toText(String type, byte[] cell) {
        if (TEXT_TYPES.contains(type)) {
            return new String(cell, StandardCharsets.UTF_8);
        }
        return switch (type) {
            case "jsonb" -> cell.length >= 1 && cell[0] == JSONB_VERSION
                    ? new String(cell, 1, cell.length - 1, StandardCharsets.UTF_8) : null;
            case "int2" -> cell.length == 2 ? Short.toString(ByteBuffer.wrap(cell).getShort()) : null;
            case "int4" -> cell.length == 4 ? Integer.toString(ByteBuffer.wrap(cell).getInt()) : null;
            case "int8" -> cell.length == 8 ? Long.toString(ByteBuffer.wrap(cell).getLong()) : null;
            case "float4" -> cell.length == 4 ? Float.toString(ByteBuffer.wrap(cell).getFloat()) : null;
            case "float8" -> cell.length == 8 ? Double.toString(ByteBuffer.wrap(cell).getDouble()) : null;
            case "date" -> cell.length == 4 ? date(ByteBuffer.wrap(cell).getInt()) : null;
            default -> null;
        };
    }

    /** The binary form of a masked value, or {@code null} (SQL NULL) when the type cannot hold it. */
    @Override
    public byte[] fromText(String type, String text) {
        if (text == null) {
            return null;
        }
        if (TEXT_TYPES.contains(type)) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return switch (type) {
                case "jsonb" -> jsonb(text);
                case "int2" -> ByteBuffer.allocate(2).putShort(Short.parseShort(text)).array();
                case "int4" -> ByteBuffer.allocate(4).putInt(Integer.parseInt(text)).array();
                case "int8" -> ByteBuffer.allocate(8).putLong(Long.parseLong(text)).array();
                case "float4" -> ByteBuffer.allocate(4).putFloat(Float.parseFloat(text)).array();
                case "float8" -> ByteBuffer.allocate(8).putDouble(Double.parseDouble(text)).array();
                case "date" -> ByteBuffer.allocate(4)
                        .putInt((int) (LocalDate.parse(text).toEpochDay() - POSTGRES_EPOCH.toEpochDay())).array();
                default -> null;
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }

    private static byte[] jsonb(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] cell = new byte[utf8.length + 1];
        cell[0] = JSONB_VERSION;
        System.arraycopy(utf8, 0, cell, 1, utf8.length);
        return cell;
    }

    private static String date(int daysSince2000) {
        // infinity and -infinity are the int32 extremes; they carry nothing personal.
        if (daysSince2000 == Integer.MAX_VALUE) {
            return "infinity";
        }
        if (daysSince2000 == Integer.MIN_VALUE) {
            return "-infinity";
        }
        return POSTGRES_EPOCH.plusDays(daysSince2000).toString();
    }
}
