package dev.tracegate.wire.mysql;

/**
 * One column of a result set (or one parameter of a prepared statement): the names the client
 * sees ({@code table}, {@code name}, aliases included) and the names the server read it from
 * ({@code orgTable}, {@code orgName}; empty for an expression), its character set, type and flags.
 */
public record ColumnDefinition41(String catalog, String schema, String table, String orgTable, String name,
                                 String orgName, int characterSet, long columnLength, int type, int flags,
                                 int decimals) {

    public static final int UNSIGNED_FLAG = 0x20;
    public static final int BINARY_FLAG = 0x80;
    private static final int BINARY_CHARSET = 63;

    public static ColumnDefinition41 decode(byte[] payload) throws MysqlProtocolException {
        PayloadReader in = new PayloadReader(payload);
        String catalog = in.lenencString();
        String schema = in.lenencString();
        String table = in.lenencString();
        String orgTable = in.lenencString();
        String name = in.lenencString();
        String orgName = in.lenencString();
        long fixed = in.lenencInt();
        if (fixed != 0x0C) {
            throw new MysqlProtocolException("a column definition's fixed fields are " + fixed + " bytes, not 12");
        }
        int characterSet = in.int2();
        long length = in.int4();
        int type = in.int1();
        int flags = in.int2();
        int decimals = in.int1();
        in.int2();
        // COM_FIELD_LIST adds default values; the gateway does not relay that command.
        in.end("a column definition");
        return new ColumnDefinition41(catalog, schema, table, orgTable, name, orgName, characterSet, length, type, flags,
                decimals);
    }

    public boolean unsigned() {
        return (flags & UNSIGNED_FLAG) != 0;
    }

    /** Bytes rather than characters: binary strings and blobs (character set 63). */
    public boolean binaryCharset() {
        return characterSet == BINARY_CHARSET;
    }

    /** Whether the value was read from a table's column rather than computed. */
    public boolean fromTableColumn() {
        return orgTable != null && !orgTable.isEmpty() && orgName != null && !orgName.isEmpty();
    }

    public byte[] encode() {
        return new PayloadWriter().lenencString(catalog).lenencString(schema).lenencString(table).lenencString(orgTable)
                .lenencString(name).lenencString(orgName).lenencInt(0x0C).int2(characterSet).int4(columnLength)
                .int1(type).int2(flags).int1(decimals).int2(0).toByteArray();
    }
}
