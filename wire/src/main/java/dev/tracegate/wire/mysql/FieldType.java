package dev.tracegate.wire.mysql;

/** Column and parameter types (MYSQL_TYPE_*), and how each travels in the binary protocol. */
public final class FieldType {

    public static final int DECIMAL = 0;
    public static final int TINY = 1;
    public static final int SHORT = 2;
    public static final int LONG = 3;
    public static final int FLOAT = 4;
    public static final int DOUBLE = 5;
    public static final int NULL = 6;
    public static final int TIMESTAMP = 7;
    public static final int LONGLONG = 8;
    public static final int INT24 = 9;
    public static final int DATE = 10;
    public static final int TIME = 11;
    public static final int DATETIME = 12;
    public static final int YEAR = 13;
    public static final int NEWDATE = 14;
    public static final int VARCHAR = 15;
    public static final int BIT = 16;
    public static final int TIMESTAMP2 = 17;
    public static final int DATETIME2 = 18;
    public static final int TIME2 = 19;
    public static final int JSON = 245;
    public static final int NEWDECIMAL = 246;
    public static final int ENUM = 247;
    public static final int SET = 248;
    public static final int TINY_BLOB = 249;
    public static final int MEDIUM_BLOB = 250;
    public static final int LONG_BLOB = 251;
    public static final int BLOB = 252;
    public static final int VAR_STRING = 253;
    public static final int STRING = 254;
    public static final int GEOMETRY = 255;

    private FieldType() {
    }

    /** Bytes of a fixed-length binary value; -1 for a length-prefixed one. */
    static int fixedLength(int type) {
        return switch (type) {
            case NULL -> 0;
            case TINY -> 1;
            case SHORT, YEAR -> 2;
            case LONG, INT24, FLOAT -> 4;
            case LONGLONG, DOUBLE -> 8;
            default -> -1;
        };
    }

    /** Date and time values carry a one-byte length; everything else not fixed is a length-encoded string. */
    static boolean temporal(int type) {
        return type == DATE || type == DATETIME || type == TIMESTAMP || type == TIME;
    }

    /** The binary form is the text's bytes: strings, decimals, enums, sets and JSON. */
    public static boolean textual(int type) {
        return switch (type) {
            case DECIMAL, NEWDECIMAL, VARCHAR, VAR_STRING, STRING, ENUM, SET, JSON, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB,
                 BLOB -> true;
            default -> false;
        };
    }

    /** A name for evidence and the masker, e.g. {@code varchar}, {@code longlong}. */
    public static String name(int type) {
        return switch (type) {
            case DECIMAL, NEWDECIMAL -> "decimal";
            case TINY -> "tiny";
            case SHORT -> "short";
            case LONG -> "long";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case NULL -> "null";
            case TIMESTAMP, TIMESTAMP2 -> "timestamp";
            case LONGLONG -> "longlong";
            case INT24 -> "int24";
            case DATE, NEWDATE -> "date";
            case TIME, TIME2 -> "time";
            case DATETIME, DATETIME2 -> "datetime";
            case YEAR -> "year";
            case VARCHAR, VAR_STRING -> "varchar";
            case BIT -> "bit";
            case JSON -> "json";
            case ENUM -> "enum";
            case SET -> "set";
            case TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB -> "blob";
            case STRING -> "string";
            case GEOMETRY -> "geometry";
            default -> "type " + type;
        };
    }
}
