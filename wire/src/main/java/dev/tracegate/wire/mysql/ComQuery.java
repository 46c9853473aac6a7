package dev.tracegate.wire.mysql;

/** {@code COM_QUERY}: SQL text, possibly several statements. (Query attributes are not negotiated by the gateway.) */
public record ComQuery(String sql) {

    public static ComQuery decode(byte[] payload) throws MysqlProtocolException {
        return new ComQuery(CommandType.arguments(payload, CommandType.QUERY).restString());
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.QUERY.code()).string(sql).toByteArray();
    }
}
