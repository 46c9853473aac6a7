package dev.tracegate.wire.mysql;

/** {@code COM_STMT_CLOSE}: the statement is deallocated; the server sends no answer. */
public record ComStmtClose(long statementId) {

    public static ComStmtClose decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = CommandType.arguments(payload, CommandType.STMT_CLOSE);
        ComStmtClose close = new ComStmtClose(in.int4());
        in.end("COM_STMT_CLOSE");
        return close;
    }

    public byte[] encode() {
        return new PayloadWriter().int1(CommandType.STMT_CLOSE.code()).int4(statementId).toByteArray();
    }
}
