package dev.tracegate.wire.mysql;

/**
 * {@code COM_SET_OPTION}: the server's reading of several statements in one {@code COM_QUERY}
 * turned on (option 0, {@code MYSQL_OPTION_MULTI_STATEMENTS_ON}) or off (1) for the rest of the session.
 */
public record ComSetOption(int option) {
    public static final int MULTI_STATEMENTS_ON = 0;
    public static final int MULTI_STATEMENTS_OFF = 1;

    public static ComSetOption decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = CommandType.arguments(payload, CommandType.SET_OPTION);
        ComSetOption option = new ComSetOption(in.int2());
        in.end("COM_SET_OPTION");
        return option;
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.SET_OPTION.code()).int2(option).toByteArray();
    }

    /** The option as the MySQL client library names it, or its number when it names none. */
    public String optionName() {
        return switch (option) {
            case MULTI_STATEMENTS_ON -> "MYSQL_OPTION_MULTI_STATEMENTS_ON";
            case MULTI_STATEMENTS_OFF -> "MYSQL_OPTION_MULTI_STATEMENTS_OFF";
            default -> "option " + option;
        };
    }
}
