package dev.tracegate.gateway.ssh;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The SFTP codec's framing: each packet is a 4-byte length, then the type byte and its body
 * (draft-ietf-secsh-filexfer-02, the version OpenSSH speaks). A length over the limit, or a stream that ends
 * inside a packet, ends the channel with {@link SftpProtocolException}: the gateway never buffers what it cannot inspect.
 */
final class SftpFrames {

    /** OpenSSH's own limit on an SFTP packet. */
    static final int MAX_PACKET = 256 * 1024;

    private SftpFrames() {
    }

    /** The next packet's type and body, or null at a clean end of stream. */
    static byte[] read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int first = data.read();
        if (first < 0) {
            return null;
        }
        try {
            int length = (first << 24) | (data.readUnsignedByte() << 16) | (data.readUnsignedByte() << 8)
                    | data.readUnsignedByte();
            if (length <= 0 || length > MAX_PACKET) {
                throw new SftpProtocolException("an SFTP packet of " + Integer.toUnsignedString(length)
                        + " bytes is " + (length == 0 ? "empty" : "over the gateway's limit of " + MAX_PACKET));
            }
            // Allocated as declared: the limit above bounds it, and a stream that ends early is refused.
            byte[] packet = new byte[length];
            data.readFully(packet);
            return packet;
        } catch (EOFException e) {
            throw new SftpProtocolException("the SFTP stream ended inside a packet");
        }
    }

    static void write(OutputStream out, byte[] packet) throws IOException {
        int n = packet.length;
        out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(packet);
        out.flush();
    }

    /** A stream that is not SFTP as the gateway reads it. */
    static final class SftpProtocolException extends IOException {
        SftpProtocolException(String message) {
            super(message);
        }
    }
}
