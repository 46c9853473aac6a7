package dev.tracegate.gateway.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayOutputTest {

    /** A socket-like sink that remembers the size of each write: with TLS, each is a record. */
    private static final class Writes extends OutputStream {
        final List<Integer> sizes = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            sizes.add(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] from, int offset, int length) {
            sizes.add(length);
            bytes.write(from, offset, length);
        }
    }

    @Test
    void aShortSessionNeverHoldsTheLargestBuffer() throws IOException {
        Writes socket = new Writes();
        RelayOutput output = RelayBuffers.output(socket);

        // A PostgreSQL log-in's answers, then a short result: each burst leaves in one write.
        output.write(new byte[450]);
        output.flush();
        output.write(new byte[120]);
        output.flush();

        assertEquals(RelayBuffers.INITIAL_OUTPUT_BYTES, output.capacity());
        assertEquals(List.of(450, 120), socket.sizes);
    }

    @Test
    void aLargeBurstLeavesInFullRecordsAsWithAFixedBuffer() throws IOException {
        Writes socket = new Writes();
        RelayOutput output = RelayBuffers.output(socket);
        byte[] row = new byte[100];
        for (int i = 0; i < 1_000; i++) {
            row[0] = (byte) i;
            output.write(row);
        }
        output.flush();

        assertEquals(RelayBuffers.OUTPUT_BYTES, output.capacity());
        // 100,000 bytes in writes of the largest buffer's size (163 rows of 100 bytes each), the rest at the flush.
        assertEquals(List.of(16_300, 16_300, 16_300, 16_300, 16_300, 16_300, 2_200), socket.sizes);
        assertEquals(100_000, socket.bytes.size());
        assertEquals((byte) 999, socket.bytes.toByteArray()[99_900]);
    }

    @Test
    void aMessageLargerThanTheLargestBufferPassesThroughAfterWhatWasBuffered() throws IOException {
        Writes socket = new Writes();
        RelayOutput output = RelayBuffers.output(socket);
        byte[] header = {1, 2, 3, 4, 5};
        byte[] body = new byte[RelayBuffers.OUTPUT_BYTES + 1];
        body[body.length - 1] = 9;
        output.write(header);
        output.write(body);
        output.write(7);
        output.flush();

        assertEquals(List.of(5, body.length, 1), socket.sizes);
        byte[] written = socket.bytes.toByteArray();
        assertArrayEquals(header, Arrays.copyOf(written, 5));
        assertEquals(9, written[5 + body.length - 1]);
        assertEquals(7, written[written.length - 1]);
    }
}
