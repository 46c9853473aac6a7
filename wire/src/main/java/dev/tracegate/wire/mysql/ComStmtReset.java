package dev.tracegate.wire.mysql;

/** {@code COM_STMT_RESET}: the statement's long data is discarded. */
public record ComStmtReset(long statementId) {

    public static ComStmtReset decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = CommandType.arguments(payload, CommandType.STMT_RESET);
        ComStmtReset reset = new ComStmtReset(in.int4());
        in.end("COM_STMT_RESET");
        return reset;
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.STMT_RESET.code()).int4(statementId).toByteArray();
    }
}
