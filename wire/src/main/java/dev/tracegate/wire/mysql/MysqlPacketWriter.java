package dev.tracegate.wire.mysql;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes MySQL packets, splitting a payload of 16 MiB or more into pieces of 0xFFFFFF bytes with
 * consecutive sequence ids (and an empty last piece when the length is an exact multiple).
 */
public final class MysqlPacketWriter {

    private final OutputStream out;

    public MysqlPacketWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes one logical packet.
     *
     * @return the sequence id the next packet of the exchange takes
     */
    public int write(int sequence, byte[] payload) throws IOException {
        int offset = 0;
        int seq = sequence & 0xFF;
        while (true) {
            int length = Math.min(MysqlPacketReader.MAX_PIECE, payload.length - offset);
            out.write(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) seq});
            out.write(payload, offset, length);
            offset += length;
            seq = (seq + 1) & 0xFF;
            if (length < MysqlPacketReader.MAX_PIECE) {
                return seq;
            }
        }
    }

    public void flush() throws IOException {
        out.flush();
    }
}
