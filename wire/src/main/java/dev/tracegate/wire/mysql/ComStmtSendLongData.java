package dev.tracegate.wire.mysql;

/** {@code COM_STMT_SEND_LONG_DATA}: a piece of one parameter's value, sent before the execute; no answer. */
public record ComStmtSendLongData(long statementId, int parameter, byte[] data) {

    public static ComStmtSendLongData decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = CommandType.arguments(payload, CommandType.STMT_SEND_LONG_DATA);
        return new ComStmtSendLongData(in.int4(), in.int2(), in.rest());
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.STMT_SEND_LONG_DATA.code()).int4(statementId).int2(parameter)
                .bytes(data).toByteArray();
    }
}
