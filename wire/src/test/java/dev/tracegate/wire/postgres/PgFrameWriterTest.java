package dev.tracegate.wire.postgres;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tracegate.wire.postgres.HandBuilt.bytes;
import static dev.tracegate.wire.postgres.HandBuilt.frame;
import static org.assertj.core.api.Assertions.assertThat;

class PgFrameWriterTest {

    @Test
    void writesTypeLengthAndBodyExactly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgFrameWriter writer = new PgFrameWriter(out);
        byte[] body = bytes().string("SELECT 1").build();

        writer.write((byte) 'Q', body);
        writer.write(new PgFrame((byte) 'S', new byte[0]));

        assertThat(out.toByteArray()).isEqualTo(bytes().raw(frame('Q', body)).raw(frame('S', new byte[0])).build());
    }

    @Test
    void startupIsPrefixedWithItsLengthOnly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] body = bytes().int32(80877103).build();

        new PgFrameWriter(out).writeStartup(body);

        assertThat(out.toByteArray()).isEqualTo(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xD2, 0x16, 0x2F});
    }

    @Test
    void flushesOnlyWhenAsked() throws Exception {
        AtomicInteger flushes = new AtomicInteger();
        OutputStream counting = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes.incrementAndGet();
            }
        };
        PgFrameWriter writer = new PgFrameWriter(counting);

        for (int i = 0; i < 10; i++) {
            writer.write((byte) 'H', new byte[0]);
        }
        writer.writeRaw(new byte[] {'N'});
        assertThat(flushes).hasValue(0);

        writer.flush();
        assertThat(flushes).hasValue(1);
    }

    @Test
    void writerOutputReadsBackThroughReader() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgFrameWriter writer = new PgFrameWriter(out);
        PgFrame first = new PgFrame((byte) 'd', new byte[70_000]);
        PgFrame second = new PgFrame((byte) 'c', new byte[0]);
        writer.write(first);
        writer.write(second);

        PgFrameReader reader = new PgFrameReader(new BufferedInputStream(new ByteArrayInputStream(out.toByteArray())), 1 << 20);

        assertThat(reader.read()).isEqualTo(first);
        assertThat(reader.read()).isEqualTo(second);
        assertThat(reader.read()).isNull();
    }

    @Test
    void frameReportsItsWireLength() {
        PgFrame frame = new PgFrame((byte) 'Q', new byte[9]);

        assertThat(frame.wireLength()).isEqualTo(14);
        assertThat(frame.toWireBytes()).isEqualTo(frame('Q', new byte[9]));
    }
}
