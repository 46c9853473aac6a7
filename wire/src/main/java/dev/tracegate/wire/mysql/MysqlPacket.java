package dev.tracegate.wire.mysql;

/**
 * One logical MySQL packet: its payload, already joined from the 16 MiB pieces it may have
 * arrived in, and the sequence id of its first piece.
 *
 * @param sequence sequence id (0..255) of the first piece
 * @param payload  the payload; read-only
 */
public record MysqlPacket(int sequence, byte[] payload) {

    /** The payload's first byte (what kind of packet it is), or -1 for an empty payload. */
    public int header() {
        return payload.length == 0 ? -1 : payload[0] & 0xFF;
    }

    public boolean isOk() {
        return header() == OkPacket.HEADER;
    }

    public boolean isErr() {
        return header() == ErrPacket.HEADER;
    }

    /** An EOF packet, or the OK packet that ends a result set under {@code CLIENT_DEPRECATE_EOF} (both 0xFE and short). */
    public boolean isEofOrTerminalOk() {
        return header() == EofPacket.HEADER && payload.length < MysqlPacketReader.MAX_PIECE;
    }
}
