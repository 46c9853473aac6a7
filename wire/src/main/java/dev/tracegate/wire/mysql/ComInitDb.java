package dev.tracegate.wire.mysql;

/** {@code COM_INIT_DB}: the default database changes (what {@code USE} does). */
public record ComInitDb(String database) {

    public static ComInitDb decode(byte[] payload) throws MysqlProtocolException {
        return new ComInitDb(CommandType.arguments(payload, CommandType.INIT_DB).restString());
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.INIT_DB.code()).string(database).toByteArray();
    }
}
