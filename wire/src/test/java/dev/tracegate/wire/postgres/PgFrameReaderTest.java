package dev.tracegate.wire.postgres;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static dev.tracegate.wire.postgres.HandBuilt.bytes;
import static dev.tracegate.wire.postgres.HandBuilt.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgFrameReaderTest {

    private static final int LIMIT = 64 * 1024 * 1024;

    private static PgFrameReader readerOf(byte[] wire, int limit) {
        return new PgFrameReader(new BufferedInputStream(new ByteArrayInputStream(wire)), limit);
    }

    @Test
    void readsManyPipelinedFramesThenNullAtCleanEof() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            wire.write(frame('Q', bytes().string("SELECT " + i).build()));
            wire.write(frame('S', new byte[0]));
        }
        PgFrameReader reader = readerOf(wire.toByteArray(), LIMIT);

        for (int i = 0; i < 1000; i++) {
            PgFrame query = reader.read();
            assertThat(query.typeChar()).isEqualTo('Q');
            assertThat(query.body()).isEqualTo(bytes().string("SELECT " + i).build());
            assertThat(reader.read()).isEqualTo(new PgFrame((byte) 'S', new byte[0]));
        }
        assertThat(reader.read()).isNull();
        assertThat(reader.read()).isNull();
    }

    @Test
    void refusesClaimedLengthAboveLimitBeforeReadingBody() {
        byte[] wire = bytes().byte1('D').int32(2_147_483_000).raw("tiny").build();

        assertThatThrownBy(() -> readerOf(wire, LIMIT).read())
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("length 2147483000 exceeds limit 67108864");
    }

    @Test
    void claimed2GbLengthWithoutLimitCostsOnlyWhatArrives() throws Exception {
        byte[] wire = bytes().byte1('d').int32(Integer.MAX_VALUE).raw("only a few bytes").build();
        PgFrameReader reader = readerOf(wire, Integer.MAX_VALUE);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class).hasMessageContaining("stream ended inside");

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated for a 2 GB claim backed by 16 bytes").isLessThan(1024 * 1024);
    }

    @Test
    void growsBodyAcrossManySmallArrivals() throws Exception {
        byte[] body = new byte[300_000];
        Arrays.fill(body, (byte) 'x');
        body[body.length - 1] = 'y';
        byte[] wire = frame('d', body);
        // A peer that delivers 1000 bytes per read, as a slow socket would.
        ByteArrayInputStream source = new ByteArrayInputStream(wire);
        InputStream trickle = new InputStream() {
            @Override
            public int read() {
                return source.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return source.read(b, off, Math.min(len, 1000));
            }
        };

        PgFrame read = new PgFrameReader(trickle, LIMIT).read();

        assertThat(read.body()).isEqualTo(body);
    }

    @Test
    void rejectsLengthBelowFour() {
        byte[] wire = bytes().byte1('Q').int32(3).build();

        assertThatThrownBy(() -> readerOf(wire, LIMIT).read())
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("invalid length 3");
    }

    @Test
    void lengthFourIsAnEmptyBody() throws Exception {
        assertThat(readerOf(frame('S', new byte[0]), LIMIT).read().body()).isEmpty();
    }

    @Test
    void bodyAtExactlyTheLimitIsAcceptedAndOneMoreIsNot() throws Exception {
        assertThat(readerOf(frame('d', new byte[100]), 100).read().body()).hasSize(100);
        assertThatThrownBy(() -> readerOf(frame('d', new byte[101]), 100).read())
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void eofInsideBodyOrHeaderIsEofException() {
        byte[] whole = frame('Q', bytes().string("SELECT 1").build());
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] partial = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> readerOf(partial, LIMIT).read())
                    .as("cut after %d bytes", cut)
                    .isInstanceOf(EOFException.class);
        }
    }

    @Test
    void readsStartupBodyAndThenTypedFrames() throws Exception {
        byte[] startupBody = bytes().int32(196608).string("user").string("alice").byte1(0).build();
        byte[] wire = bytes().int32(startupBody.length + 4).raw(startupBody)
                .raw(frame('X', new byte[0])).build();
        PgFrameReader reader = readerOf(wire, LIMIT);

        assertThat(reader.readStartupBody()).isEqualTo(startupBody);
        assertThat(reader.read().typeChar()).isEqualTo('X');
        assertThat(reader.read()).isNull();
    }

    @Test
    void startupBodyIsNullAtCleanEofAndEofExceptionWhenCut() throws Exception {
        assertThat(readerOf(new byte[0], LIMIT).readStartupBody()).isNull();
        assertThatThrownBy(() -> readerOf(new byte[] {0, 0}, LIMIT).readStartupBody()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> readerOf(bytes().int32(16).int32(80877102).build(), LIMIT).readStartupBody())
                .isInstanceOf(EOFException.class);
    }

    @Test
    void startupLengthOutsideServerBoundsIsRefused() {
        assertThatThrownBy(() -> readerOf(bytes().int32(10_005).build(), LIMIT).readStartupBody())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("10005");
        assertThatThrownBy(() -> readerOf(bytes().int32(7).build(), LIMIT).readStartupBody())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> readerOf(bytes().int32(-1).build(), LIMIT).readStartupBody())
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void startupBodyAtServerMaximumIsAccepted() throws Exception {
        byte[] body = new byte[PgFrameReader.MAX_STARTUP_BODY_BYTES];
        byte[] wire = bytes().int32(body.length + 4).raw(body).build();

        assertThat(readerOf(wire, LIMIT).readStartupBody()).hasSize(10_000);
    }

    @Test
    void readsSingleUnframedByte() throws Exception {
        PgFrameReader reader = readerOf(new byte[] {'S'}, LIMIT);

        assertThat(reader.readSingleByte()).isEqualTo('S');
        assertThat(reader.readSingleByte()).isEqualTo(-1);
    }
}
