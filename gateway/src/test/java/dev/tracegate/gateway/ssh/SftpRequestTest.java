package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.ssh.SftpFrames.SftpProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The requests the sftp relay decides on, read as the host reads them (what {@link SftpCodecFuzzTest} fuzzes). */
class SftpRequestTest {

    @Test
    void theRelayDecidesOnThePathsTheHostWillActOn() throws Exception {
        SftpRequest rename = SftpRequest.parse(packet(SftpRelay.RENAME, 12, string("/home/app/a"), string("/etc/cron.d/a")));
        assertThat(rename.paths()).containsExactly("/home/app/a", "/etc/cron.d/a");
        assertThat(rename.readable()).isTrue();

        SftpRequest posixRename = SftpRequest.parse(packet(SftpRelay.EXTENDED, 13, string("posix-rename@openssh.com"),
                string("x"), string("/etc/ü")));
        assertThat(posixRename.extension()).isEqualTo("posix-rename@openssh.com");
        assertThat(posixRename.paths()).containsExactly("x", "/etc/ü");
    }

    @Test
    void aPathThatIsNotUtf8IsUnreadableNotGuessedAt() throws Exception {
        // An overlong '/' and a stray byte: decoded leniently they would read as something the host never sees.
        SftpRequest remove = SftpRequest.parse(packet(SftpRelay.REMOVE, 7, bytes(new byte[] {'/', 'e', 't', 'c', '/',
                (byte) 0xc0, (byte) 0xaf, (byte) 0xff})));
        assertThat(remove.readable()).isFalse();
        assertThat(remove.paths()).isEmpty();
    }

    @Test
    void aNulInAPathIsRefusedAsOpenSshRefusesIt() {
        assertThatThrownBy(() -> SftpRequest.parse(packet(SftpRelay.REMOVE, 7,
                bytes("/tmp/ok\0/../../etc/shadow".getBytes(StandardCharsets.UTF_8)))))
                .isInstanceOf(SftpProtocolException.class).hasMessageContaining("NUL");
    }

    @Test
    void lengthsThePacketCannotBackAreRefusedBeforeAnythingIsAllocated() {
        byte[] write = packet(SftpRelay.WRITE, 9, string("h"), new byte[8], uint32(Integer.MAX_VALUE), "abc".getBytes());
        assertThatThrownBy(() -> SftpRequest.parse(write)).isInstanceOf(SftpProtocolException.class)
                .hasMessageContaining("data declares 2147483647 bytes, but only 3 follow");
        assertThatThrownBy(() -> SftpRequest.parse(packet(SftpRelay.REMOVE, 7, uint32(0xfffffff0L))))
                .isInstanceOf(SftpProtocolException.class).hasMessageContaining("4294967280 bytes");
        assertThatThrownBy(() -> SftpRequest.parse(new byte[] {SftpRelay.OPEN, 0, 0}))
                .isInstanceOf(SftpProtocolException.class).hasMessageContaining("ends before its request id");
    }

    @Test
    void framesOverTheLimitOrCutShortAreRefused() {
        byte[] over = {0, 4, 0, 1, 3};
        assertThatThrownBy(() -> SftpFrames.read(new ByteArrayInputStream(over))).isInstanceOf(SftpProtocolException.class)
                .hasMessageContaining("262145 bytes is over the gateway's limit of 262144");
        for (byte[] cut : List.of(new byte[] {0, 0}, new byte[] {0, 0, 0, 9, 3})) {
            assertThatThrownBy(() -> SftpFrames.read(new ByteArrayInputStream(cut))).isInstanceOf(SftpProtocolException.class)
                    .hasMessageContaining("ended inside a packet");
        }
    }

    static byte[] packet(int type, long id, byte[]... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.writeBytes(uint32(id));
        for (byte[] field : fields) {
            out.writeBytes(field);
        }
        return out.toByteArray();
    }

    static byte[] string(String text) {
        return bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(uint32(value.length));
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] uint32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
