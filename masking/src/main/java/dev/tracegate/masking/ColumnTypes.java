package dev.tracegate.masking;

import java.util.Locale;
import java.util.Set;

/**
 * What a column type means to the masker: whether its text can hold personal data at all, whether
 * it is JSON, and whether a masked replacement is still a valid value of the type. The names are
 * PostgreSQL's and, where they differ, MySQL's protocol names ({@code blob} is TEXT with a text
 * character set there, {@code string} is CHAR; binary columns arrive as {@code binary}).
 * A client parses a {@code date} or {@code int8} column; {@code [DATE_OF_BIRTH]} there would break
 * it, so such replacements become NULL instead.
 */
final class ColumnTypes {

    private static final Set<String> TEXT = Set.of(
            "text", "varchar", "character varying", "bpchar", "char", "character", "name", "citext", "unknown", "xml",
            "blob", "string");
    /** Types whose text form cannot carry an e-mail, a phone or a card: content scanning would only cost time. */
    private static final Set<String> NOT_PERSONAL = Set.of(
            "bool", "boolean", "int2", "smallint", "int4", "integer", "int", "oid", "time", "timetz", "time without time zone", "time with time zone", "timestamp",
            "timestamptz", "timestamp without time zone", "timestamp with time zone", "interval", "uuid", "regclass",
            "regtype", "xid", "cid", "tid", "pg_lsn");
    private static final Set<String> INTEGERS = Set.of(
            "int2", "smallint", "int4", "integer", "int", "int8", "bigint", "numeric", "decimal",
            "tiny", "short", "int24", "long", "longlong");
    private static final Set<String> DATES = Set.of("date");
    /**
     * Floating point types (PostgreSQL's names, then MySQL's): a card number stored in one prints
     * as {@code 4.111111111111111e+15}, so a value is scanned only when it is a whole number, as its
     * digits ({@link WholeNumber}); a fraction (a price, a rate) cannot be a card or an account.
     */
    private static final Set<String> FLOATS = Set.of("float4", "real", "float8", "double precision", "float", "double");

    private ColumnTypes() {
    }

    static String normalise(String typeName) {
        return typeName == null ? null : typeName.strip().toLowerCase(Locale.ROOT);
    }

    static boolean isJson(String type) {
        return "json".equals(type) || "jsonb".equals(type);
    }

    static boolean isContentFree(String type) {
        return type != null && NOT_PERSONAL.contains(type);
    }

    static boolean isFloat(String type) {
        return type != null && FLOATS.contains(type);
    }

    /** {@code masked} if a client can still read it as a value of {@code type}, else {@code null} (NULL). */
    static String fit(String type, String masked) {
        if (masked == null || type == null || TEXT.contains(type) || type.startsWith("varchar")
                || type.startsWith("character") || type.startsWith("bpchar")) {
            return masked;
        }
        if (INTEGERS.contains(type)) {
            return fitsInteger(type, masked) ? masked : null;
        }
        if (DATES.contains(type)) {
            return isIsoDate(masked) ? masked : null;
        }
        if (FLOATS.contains(type)) {
            return fitsInteger("numeric", masked) ? masked : null; // a format-preserving card hash is still a number
        }
        return null; // arrays, ranges, network and user-defined types have their own syntax
    }

    private static boolean isIsoDate(String s) {
        if (s.length() != 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (i != 4 && i != 7 && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean fitsInteger(String type, String masked) {
        int maxDigits = switch (type) {
            case "tiny" -> 2;
            case "int2", "smallint", "short" -> 4;
            case "int24" -> 6;
            case "int4", "integer", "int", "long" -> 9;
            case "int8", "bigint", "longlong" -> 18;
            default -> 1000;
        };
        if (masked.isEmpty() || masked.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < masked.length(); i++) {
            if (masked.charAt(i) < '0' || masked.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
