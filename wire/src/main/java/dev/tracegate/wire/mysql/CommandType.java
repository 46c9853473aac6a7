package dev.tracegate.wire.mysql;

/** The first byte of a command packet: what the client asks the server to do. */
public enum CommandType {
    QUIT(0x01), INIT_DB(0x02), QUERY(0x03), FIELD_LIST(0x04), CREATE_DB(0x05), DROP_DB(0x06), REFRESH(0x07),
    SHUTDOWN(0x08), STATISTICS(0x09), PROCESS_INFO(0x0A), CONNECT(0x0B), PROCESS_KILL(0x0C), DEBUG(0x0D), PING(0x0E),
    TIME(0x0F), DELAYED_INSERT(0x10), CHANGE_USER(0x11), BINLOG_DUMP(0x12), TABLE_DUMP(0x13), CONNECT_OUT(0x14),
    REGISTER_SLAVE(0x15), STMT_PREPARE(0x16), STMT_EXECUTE(0x17), STMT_SEND_LONG_DATA(0x18), STMT_CLOSE(0x19),
    STMT_RESET(0x1A), SET_OPTION(0x1B), STMT_FETCH(0x1C), DAEMON(0x1D), BINLOG_DUMP_GTID(0x1E),
    RESET_CONNECTION(0x1F), CLONE(0x20), SUBSCRIBE_GROUP_REPLICATION_STREAM(0x21),
    /** MariaDB's array binding. */
    STMT_BULK_EXECUTE(0xFA);

    private final int code;

    CommandType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The command a packet carries, or {@code null} for a byte that names none (or an empty packet). */
    public static CommandType of(byte[] payload) {
        if (payload.length == 0) {
            return null;
        }
        int code = payload[0] & 0xFF;
        for (CommandType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    /** The payload of a command without arguments ({@code COM_PING}, {@code COM_QUIT}, {@code COM_RESET_CONNECTION}). */
    public byte[] encode() {
        return new byte[] {(byte) code};
    }

    /** The arguments of a command packet after its command byte, checking the byte. */
    static PayloadReader arguments(byte[] payload, CommandType expected) throws MysqlProtocolException {
        if (of(payload) != expected) {
            throw new MysqlProtocolException("not a COM_" + expected.name() + " packet");
        }
        return new PayloadReader(payload, 1);
    }
}
