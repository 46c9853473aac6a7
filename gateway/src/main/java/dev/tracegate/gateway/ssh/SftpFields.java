package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.ssh.SftpFrames.SftpProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one SFTP packet's fields in order, each checked against what the packet holds: a length
 * the remaining bytes cannot back is refused before anything of that size is allocated, so a
 * packet yields no more bytes than it has. (MINA's own buffer throws unchecked exceptions for
 * these, and does not say whether a name was UTF-8.)
 */
final class SftpFields {

    private final byte[] packet;
    private int at;

    SftpFields(byte[] packet) {
        this.packet = packet;
    }

    /** Where the next field starts in the packet. */
    int position() {
        return at;
    }

    int uint8() throws SftpProtocolException {
        need(1, "a type byte");
        return packet[at++] & 0xFF;
    }

    long uint32(String what) throws SftpProtocolException {
        need(4, what);
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value = value << 8 | (packet[at++] & 0xFF);
        }
        return value;
    }

    long uint64(String what) throws SftpProtocolException {
        return uint32(what) << 32 | uint32(what);
    }

    /** A string's length word, checked against the bytes left; the string itself follows ({@link #skip}). */
    int stringLength(String what) throws SftpProtocolException {
        long length = uint32(what);
        if (length > packet.length - at) {
            throw new SftpProtocolException("the SFTP packet's " + what + " declares " + length + " bytes, but only "
                    + (packet.length - at) + " follow");
        }
        return (int) length;
    }

    void skip(int length) {
        at += length;
    }

    byte[] bytes(String what) throws SftpProtocolException {
        int length = stringLength(what);
        byte[] bytes = Arrays.copyOfRange(packet, at, at + length);
        at += length;
        return bytes;
    }

    /**
     * A path, or null when its bytes are not UTF-8: the host acts on the bytes, so a path the
     * gateway would have to guess at is not one it decides on. A NUL inside a path is refused as
     * OpenSSH's sftp-server refuses it (C strings would end there).
     */
    String path(String what) throws SftpProtocolException {
        byte[] bytes = bytes(what);
        for (byte b : bytes) {
            if (b == 0) {
                throw new SftpProtocolException("the SFTP packet's " + what + " holds a NUL byte");
            }
        }
        try {
            // The JDK's decoder refuses overlong forms and encoded surrogates: what decodes re-encodes to the same bytes.
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void need(int bytes, String what) throws SftpProtocolException {
        if (packet.length - at < bytes) {
            throw new SftpProtocolException("the SFTP packet ends before its " + what);
        }
    }
}
