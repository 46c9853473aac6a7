package dev.tracegate.wire.mysql;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads MySQL packets: a 3-byte little-endian length and a 1-byte sequence id, then the payload.
 * A piece of exactly 0xFFFFFF bytes continues in the next piece (each with the next sequence id),
 * so one logical packet may be any size: the reader refuses one whose joined length would pass
 * {@code maxPacketBytes} before allocating it, and reads nothing beyond the packet it returns
 * (bytes after an SSLRequest belong to the TLS handshake).
 */
public final class MysqlPacketReader {

    /** The largest piece; a piece this long is continued by the next one. */
    public static final int MAX_PIECE = 0xFFFFFF;

    private final InputStream in;
    private final int maxPacketBytes;

    /** @param maxPacketBytes largest joined payload accepted */
    public MysqlPacketReader(InputStream in, int maxPacketBytes) {
        this.in = in;
        this.maxPacketBytes = maxPacketBytes;
    }

    /** The next packet, or {@code null} when the stream ends cleanly between packets. */
    public MysqlPacket read() throws IOException {
        byte[] header = new byte[4];
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        readFully(header, 1, 3);
        int length = length(header);
        int sequence = header[3] & 0xFF;
        if (length < MAX_PIECE) {
            checkLimit(length);
            byte[] payload = new byte[length];
            readFully(payload, 0, length);
            return new MysqlPacket(sequence, payload);
        }
        return new MysqlPacket(sequence, continued(length, sequence));
    }

    private byte[] continued(int firstLength, int sequence) throws IOException {
        long total = firstLength;
        checkLimit(total);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream(MAX_PIECE);
        int length = firstLength;
        int expected = sequence;
        byte[] header = new byte[4];
        while (true) {
            byte[] piece = new byte[length];
            readFully(piece, 0, length);
            joined.writeBytes(piece);
            if (length < MAX_PIECE) {
                return joined.toByteArray();
            }
            readFully(header, 0, 4);
            length = length(header);
            expected = (expected + 1) & 0xFF;
            if ((header[3] & 0xFF) != expected) {
                throw new MysqlProtocolException("a continued packet's piece has sequence id " + (header[3] & 0xFF)
                        + ", expected " + expected);
            }
            total += length;
            checkLimit(total);
        }
    }

    private void checkLimit(long length) throws MysqlProtocolException {
        if (length > maxPacketBytes) {
            throw new MysqlProtocolException("packet of " + length + " bytes or more exceeds the limit of "
                    + maxPacketBytes + " bytes");
        }
    }

    private static int length(byte[] header) {
        return (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
    }

    private void readFully(byte[] buffer, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(buffer, offset + done, length - done);
            if (n < 0) {
                throw new EOFException("connection ended inside a packet");
            }
            done += n;
        }
    }
}
