package dev.tracegate.wire.mysql;

/**
 * The server prepared a statement: its id and how many result columns and parameters it has
 * (their column definitions follow).
 */
public record ComStmtPrepareOk(long statementId, int columns, int parameters, int warnings) {

    public static ComStmtPrepareOk decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        if (in.int1() != OkPacket.HEADER) {
            throw new MysqlProtocolException("not a COM_STMT_PREPARE OK packet");
        }
        long id = in.int4();
        int columns = in.int2();
        int parameters = in.int2();
        in.int1();
        int warnings = in.remaining() >= 2 ? in.int2() : 0;
        return new ComStmtPrepareOk(id, columns, parameters, warnings);
    }

    public byte[] encode() {
        return new PayloadWriter().int1(OkPacket.HEADER).int4(statementId).int2(columns).int2(parameters).int1(0)
                .int2(warnings).toByteArray();
    }
}
