package dev.tracegate.gateway.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RelayInputTest {

    /** A socket-like source: what it holds arrives in one read, after which nothing more is ready. */
    private static final class Burst extends InputStream {
        private byte[] bytes;
        private int asked;

        Burst(int length) {
            bytes = new byte[length];
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the relay reads in blocks");
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (bytes == null) {
                return -1;
            }
            int taken = Math.min(length, bytes.length);
            System.arraycopy(bytes, 0, into, offset, taken);
            bytes = null;
            return taken;
        }

        @Override
        public int available() {
            asked++;
            return 0;
        }
    }

    @Test
    void messagesAlreadyReadAheadArePendingThoughTheSocketHasNothingMore() throws IOException {
        Burst socket = new Burst(100);
        RelayInput input = RelayBuffers.input(socket);

        assertEquals(10, input.readNBytes(10).length);

        // A burst of messages read ahead in one go: the relay must not flush after each of them.
        assertTrue(input.hasPendingBytes());
        assertEquals(0, socket.asked, "bytes at hand in the buffer need no system call to find");
        input.readNBytes(90);
        assertFalse(input.hasPendingBytes());
        assertEquals(1, socket.asked);
    }

    @Test
    void aClosedInputSaysSo() throws IOException {
        RelayInput input = RelayBuffers.input(new Burst(1));
        input.close();

        assertThrows(IOException.class, input::hasPendingBytes);
    }
}
