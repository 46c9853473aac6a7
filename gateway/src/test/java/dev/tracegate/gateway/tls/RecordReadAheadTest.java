package dev.tracegate.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordReadAheadTest {

    /** A socket-like source that remembers the length each read asked for: each is a system call. */
    private static final class Reads extends InputStream {
        final List<Integer> asked = new ArrayList<>();
        final ByteArrayInputStream bytes;
        boolean closed;

        Reads(byte[] bytes) {
            this.bytes = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            throw new AssertionError("the record layer reads arrays");
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            asked.add(length);
            return bytes.read(into, offset, length);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Reads one record as the JDK's record layer does: its five-byte header, then its body, each read fully. */
    private static byte[] record(InputStream in) throws IOException {
        byte[] header = readFully(in, 5);
        int length = (header[3] & 0xFF) << 8 | header[4] & 0xFF;
        return concat(header, readFully(in, length));
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] into = new byte[length];
        for (int at = 0; at < length; ) {
            int read = in.read(into, at, length - at);
            if (read < 0) {
                throw new EOFException();
            }
            at += read;
        }
        return into;
    }

    private static byte[] record(int bodyLength, int fill) {
        byte[] record = new byte[5 + bodyLength];
        record[0] = 23;
        record[1] = 3;
        record[2] = 3;
        record[3] = (byte) (bodyLength >> 8);
        record[4] = (byte) bodyLength;
        for (int i = 5; i < record.length; i++) {
            record[i] = (byte) (fill + i);
        }
        return record;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void aStatementsRecordIsReadFromTheSocketOnce() throws IOException {
        byte[] query = record(120, 1);
        Reads socket = new Reads(query);

        assertArrayEquals(query, record(new RecordReadAhead(null, socket)));
        assertEquals(List.of(RecordReadAhead.BYTES), socket.asked, "header and body in one read");
    }

    @Test
    void aLargeRecordIsReadAsWithoutTheReadAhead() throws IOException {
        byte[] large = record(16_401, 2);
        byte[] small = record(40, 3);
        Reads socket = new Reads(concat(large, small));
        RecordReadAhead in = new RecordReadAhead(null, socket);

        assertArrayEquals(large, record(in));
        assertArrayEquals(small, record(in));
        // The header's read takes the buffer's worth; the rest of the body goes straight to the caller's array.
        assertEquals(List.of(RecordReadAhead.BYTES, 5 + 16_401 - RecordReadAhead.BYTES, RecordReadAhead.BYTES),
                socket.asked);
    }

    @Test
    void bytesReadBeforeTlsBeganComeFirstAndClosingLeavesTheSocketOpen() throws IOException {
        byte[] hello = record(300, 4);
        Reads socket = new Reads(Arrays.copyOfRange(hello, 1, hello.length));
        RecordReadAhead in = new RecordReadAhead(new ByteArrayInputStream(hello, 0, 1), socket);

        assertArrayEquals(hello, record(in));
        in.close();
        assertFalse(socket.closed, "the socket's owner closes it");
    }
}
