package dev.tracegate.wire.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MysqlPacketReaderTest {

    @Test
    void readsAPacketWithItsSequenceAndNothingBeyondIt() throws IOException {
        byte[] wire = {3, 0, 0, 7, 'a', 'b', 'c', 0x16, 0x03};
        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        MysqlPacket packet = new MysqlPacketReader(in, 100).read();
        assertThat(packet.sequence()).isEqualTo(7);
        assertThat(packet.payload()).containsExactly('a', 'b', 'c');
        assertThat(in.available()).as("the TLS bytes after it stay unread").isEqualTo(2);
    }

    @Test
    void joinsA16MebibytePacketAcrossItsPiecesAndWritesItBackTheSame() throws IOException {
        byte[] payload = new byte[MysqlPacketReader.MAX_PIECE + 10];
        Arrays.fill(payload, (byte) 'x');
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int next = new MysqlPacketWriter(wire).write(3, payload);
        assertThat(next).isEqualTo(5);
        MysqlPacket packet = new MysqlPacketReader(new ByteArrayInputStream(wire.toByteArray()), 32 << 20).read();
        assertThat(packet.sequence()).isEqualTo(3);
        assertThat(packet.payload()).isEqualTo(payload);
    }

    @Test
    void anExactMultipleOfTheLargestPieceEndsWithAnEmptyPiece() throws IOException {
        byte[] payload = new byte[MysqlPacketReader.MAX_PIECE];
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        assertThat(new MysqlPacketWriter(wire).write(0, payload)).isEqualTo(2);
        assertThat(wire.size()).isEqualTo(payload.length + 8);
        assertThat(new MysqlPacketReader(new ByteArrayInputStream(wire.toByteArray()), 32 << 20).read().payload())
                .hasSize(payload.length);
    }

    @Test
    void aLengthBombIsRefusedFromItsHeaderBeforeAnythingIsAllocated() {
        // 0xFFFFFF announced, nothing behind it: refused on the length word alone.
        InputStream in = new ByteArrayInputStream(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0});
        assertThatThrownBy(() -> new MysqlPacketReader(in, 1 << 20).read())
                .isInstanceOf(MysqlProtocolException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void continuedPiecesCannotAddUpPastTheLimit() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new MysqlPacketWriter(wire).write(0, new byte[MysqlPacketReader.MAX_PIECE + 5]);
        assertThatThrownBy(() -> new MysqlPacketReader(new ByteArrayInputStream(wire.toByteArray()),
                MysqlPacketReader.MAX_PIECE + 1).read()).isInstanceOf(MysqlProtocolException.class);
    }

    @Test
    void aContinuationWithTheWrongSequenceIdIsAProtocolError() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new MysqlPacketWriter(wire).write(0, new byte[MysqlPacketReader.MAX_PIECE + 5]);
        byte[] bytes = wire.toByteArray();
        bytes[4 + MysqlPacketReader.MAX_PIECE + 3] = 9;
        assertThatThrownBy(() -> new MysqlPacketReader(new ByteArrayInputStream(bytes), 32 << 20).read())
                .isInstanceOf(MysqlProtocolException.class).hasMessageContaining("sequence id 9");
    }

    @Test
    void aStreamEndingInsideAPacketIsNotACleanEnd() throws IOException {
        assertThat(new MysqlPacketReader(new ByteArrayInputStream(new byte[0]), 10).read()).isNull();
        assertThatThrownBy(() -> new MysqlPacketReader(new ByteArrayInputStream(new byte[] {5, 0, 0, 0, 1}), 10).read())
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> new MysqlPacketReader(new ByteArrayInputStream(new byte[] {5, 0}), 10).read())
                .isInstanceOf(EOFException.class);
    }
}
