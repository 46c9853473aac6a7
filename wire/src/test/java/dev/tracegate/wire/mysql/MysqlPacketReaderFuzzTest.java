package dev.tracegate.wire.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.wire.PiecewiseStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link MysqlPacketReader} over a stream that arrives in pieces of any
 * size, continued (16 MiB) packets included ({@code ./fuzz MysqlPacketReaderFuzzTest}).
 *
 * <p>Properties: the reader ends only in a packet, a clean end, {@link MysqlProtocolException} or
 * {@link EOFException}; every packet is within the limit and made of bytes that really arrived (its
 * header's length and sequence id, then its payload, agree to the byte with what was read); a
 * declared length beyond the limit is refused before anything of that size is allocated (the JVM
 * running the fuzzer has far less heap than the limits it is given).
 */
class MysqlPacketReaderFuzzTest {

    @FuzzTest
    void packets(FuzzedDataProvider data) throws IOException {
        int limit = data.consumeBoolean() ? data.consumeInt(0, 1 << 16) : data.consumeInt(0, Integer.MAX_VALUE - 1); // (Jazzer 0.24 answers -1 for the full range)
        int pieceBytes = data.consumeInt(1, 70_000);
        byte[] stream = data.consumeRemainingAsBytes();
        PiecewiseStream in = new PiecewiseStream(stream, pieceBytes);
        MysqlPacketReader reader = new MysqlPacketReader(in, limit);
        try {
            MysqlPacket packet;
            int start = 0;
            while ((packet = reader.read()) != null) {
                assertThat(packet.payload().length).isLessThanOrEqualTo(limit);
                assertThat(packet.sequence()).isEqualTo(stream[start + 3] & 0xFF);
                assertThat(packet.payload()).isEqualTo(payloadAt(stream, start, in.consumed()));
                start = in.consumed();
            }
            assertThat(in.consumed()).isEqualTo(stream.length);
        } catch (MysqlProtocolException | EOFException expected) {
            // A refusal: the stream breaks the protocol or ends inside a packet.
        }
    }

    /** The payload the pieces between {@code start} and {@code end} carry, read independently of the reader. */
    private static byte[] payloadAt(byte[] stream, int start, int end) {
        byte[] joined = new byte[0];
        int at = start;
        while (at < end) {
            int length = (stream[at] & 0xFF) | (stream[at + 1] & 0xFF) << 8 | (stream[at + 2] & 0xFF) << 16;
            byte[] piece = Arrays.copyOfRange(stream, at + 4, at + 4 + length);
            byte[] next = Arrays.copyOf(joined, joined.length + piece.length);
            System.arraycopy(piece, 0, next, joined.length, piece.length);
            joined = next;
            at += 4 + length;
        }
        assertThat(at).as("packet ends where the reader stopped").isEqualTo(end);
        return joined;
    }
}
