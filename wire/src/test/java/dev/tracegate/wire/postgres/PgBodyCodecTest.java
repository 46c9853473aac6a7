package dev.tracegate.wire.postgres;

import org.junit.jupiter.api.Test;

import static dev.tracegate.wire.postgres.HandBuilt.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgBodyCodecTest {

    @Test
    void readsFieldsInNetworkOrder() throws Exception {
        byte[] body = bytes().byte1(0x7F).int16(-2).int16(0xFFFF).int32(0x01020304).string("héllo").raw("xyz").build();
        PgBodyReader reader = new PgBodyReader(body);

        assertThat(reader.readByte()).isEqualTo((byte) 0x7F);
        assertThat(reader.readInt16()).isEqualTo((short) -2);
        assertThat(reader.readUInt16()).isEqualTo(65535);
        assertThat(reader.readInt32()).isEqualTo(0x01020304);
        assertThat(reader.readCString()).isEqualTo("héllo");
        assertThat(reader.remaining()).isEqualTo(3);
        assertThat(reader.readBytes(3)).containsExactly('x', 'y', 'z');
        reader.expectEnd();
    }

    @Test
    void everyReadPastTheEndIsATruncationNotAnIndexError() {
        byte[] oneByte = {1};
        assertThatThrownBy(() -> new PgBodyReader(new byte[0], "Sync").readByte())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated Byte1 in Sync");
        assertThatThrownBy(() -> new PgBodyReader(oneByte).readInt16())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated Int16");
        assertThatThrownBy(() -> new PgBodyReader(new byte[3]).readInt32())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated Int32");
        assertThatThrownBy(() -> new PgBodyReader(new byte[] {'a', 'b'}).readCString())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated String");
        assertThatThrownBy(() -> new PgBodyReader(new byte[4]).readBytes(5))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new PgBodyReader(bytes().int32(1000).build()).readNullableBytes())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }

    @Test
    void negativeLengthsOtherThanNullAreRefused() throws Exception {
        assertThat(new PgBodyReader(bytes().int32(-1).build()).readNullableBytes()).isNull();
        assertThatThrownBy(() -> new PgBodyReader(bytes().int32(-2).build()).readNullableBytes())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> new PgBodyReader(new byte[8]).readBytes(-1))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void trailingBytesAreReported() {
        assertThatThrownBy(() -> new PgBodyReader(new byte[2], "Flush").expectEnd())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("2 unexpected trailing bytes in Flush");
    }

    @Test
    void writerProducesTheDocumentedLayoutAndGrows() {
        PgBodyWriter writer = new PgBodyWriter(1);
        writer.int8('x').int16(-2).int32(0x01020304).cstring("héllo").bytes(new byte[1000]).nullableBytes(null);

        byte[] expected = bytes().byte1('x').int16(-2).int32(0x01020304).string("héllo").raw(new byte[1000]).int32(-1).build();
        assertThat(writer.toByteArray()).isEqualTo(expected);
        assertThat(writer.size()).isEqualTo(expected.length);
    }

    @Test
    void writerRefusesWhatTheProtocolCannotCarry() {
        assertThatThrownBy(() -> new PgBodyWriter().cstring("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PgBodyWriter().uint16(65536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactSizedBodyIsNotChangedByLaterWrites() {
        PgBodyWriter writer = new PgBodyWriter(4).int32(7);
        byte[] body = writer.toByteArray();

        writer.int32(9);

        assertThat(body).containsExactly(0, 0, 0, 7);
    }
}
