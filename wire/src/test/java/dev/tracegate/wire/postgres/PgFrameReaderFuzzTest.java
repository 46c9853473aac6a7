package dev.tracegate.wire.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.wire.PiecewiseStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of {@link PgFrameReader} over a stream that arrives in pieces of any size
 * ({@code ./fuzz PgFrameReaderFuzzTest}).
 *
 * <p>Properties: the reader ends only in a frame, a clean end, {@link ProtocolException} or {@link
 * EOFException}; every frame it returns is exactly as long as its length word declared, within the
 * limit, and made of bytes that really arrived (frames and the bytes read so far agree to the byte);
 * a declared length it cannot back with bytes never turns into a frame.
 */
class PgFrameReaderFuzzTest {

    @FuzzTest
    void frames(FuzzedDataProvider data) throws IOException {
        int limit = data.consumeBoolean() ? data.consumeInt(0, 1 << 16) : data.consumeInt(0, Integer.MAX_VALUE - 1); // (Jazzer 0.24 answers -1 for the full range)
        boolean startup = data.consumeBoolean();
        int pieceBytes = data.consumeInt(1, 70_000);
        byte[] stream = data.consumeRemainingAsBytes();
        PiecewiseStream in = new PiecewiseStream(stream, pieceBytes);
        PgFrameReader reader = new PgFrameReader(in, limit);
        try {
            if (startup) {
                byte[] body = reader.readStartupBody();
                if (body == null) {
                    assertThat(stream).isEmpty();
                    return;
                }
                assertThat(body.length).isBetween(4, PgFrameReader.MAX_STARTUP_BODY_BYTES);
                assertThat(declaredLength(stream, 0)).isEqualTo(body.length + 4);
                assertThat(in.consumed()).isEqualTo(body.length + 4);
            }
            PgFrame frame;
            while ((frame = reader.read()) != null) {
                int start = in.consumed() - frame.wireLength();
                assertThat(start).as("frame start").isGreaterThanOrEqualTo(0);
                assertThat(stream[start]).isEqualTo(frame.type());
                assertThat(declaredLength(stream, start + 1)).isEqualTo(frame.body().length + 4);
                assertThat(frame.body().length).isLessThanOrEqualTo(limit);
                assertThat(frame.toWireBytes()).isEqualTo(java.util.Arrays.copyOfRange(stream, start, in.consumed()));
            }
            assertThat(in.consumed()).isEqualTo(stream.length);
        } catch (ProtocolException | EOFException expected) {
            // A refusal: the stream breaks the protocol or ends inside a message.
        }
    }

    private static int declaredLength(byte[] stream, int at) {
        return ((stream[at] & 0xFF) << 24) | ((stream[at + 1] & 0xFF) << 16) | ((stream[at + 2] & 0xFF) << 8)
                | (stream[at + 3] & 0xFF);
    }
}
