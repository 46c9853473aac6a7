package dev.tracegate.wire.mysql;

/** {@code COM_STMT_PREPARE}: one statement with {@code ?} placeholders. */
public record ComStmtPrepare(String sql) {

    public static ComStmtPrepare decode(byte[] payload) throws MysqlProtocolException {
        return new ComStmtPrepare(CommandType.arguments(payload, CommandType.STMT_PREPARE).restString());
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.STMT_PREPARE.code()).string(sql).toByteArray();
    }
}
