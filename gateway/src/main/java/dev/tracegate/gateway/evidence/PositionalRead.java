package dev.tracegate.gateway.evidence;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Fills a buffer from a file at a given position. {@link FileChannel#read(ByteBuffer, long)} may
 * return fewer bytes than asked for, so the evidence files (leaf log segments, blob segments)
 * read whole records through this loop; a file that ends before the record does is an error
 * naming what was being read, never a short record.
 */
final class PositionalRead {

    private PositionalRead() {
    }

    /**
     * @param what the file kind for the error, e.g. "the evidence log"
     * @throws EOFException when the file ends before the buffer is full
     */
    static void fill(FileChannel channel, ByteBuffer buffer, long position, String what) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException(what + " ends early at byte " + at);
            }
            at += read;
        }
    }
}
