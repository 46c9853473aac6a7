package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.gateway.ssh.SftpFrames.SftpProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the SFTP codec the relay decides on ({@code ./fuzz SftpCodecFuzzTest}):
 * {@link SftpFrames} over a stream arriving in pieces of any size, and {@link SftpRequest} on
 * requests built field by field as the draft and OpenSSH lay them out, and on any bytes.
 *
 * <p>Properties: only a packet, a clean end or {@link SftpProtocolException}, never another
 * exception; every packet is exactly its declared length, within {@link SftpFrames#MAX_PACKET},
 * and made of bytes that arrived; a request holds no more bytes than its packet (a length the
 * bytes cannot back is refused, not allocated); the paths the relay decides on are, byte for
 * byte, the strings the host will act on, and a path that is not UTF-8 is marked unreadable
 * (refused by the relay) rather than decoded into something else; WRITE's data is exactly the
 * bytes the host writes.
 */
class SftpCodecFuzzTest {

    private enum Field { PATH, HANDLE, UINT32, UINT64, DATA }

    private static final List<Field> PATH = List.of(Field.PATH);
    private static final List<Field> HANDLE = List.of(Field.HANDLE);
    /** A path and the flags of the attributes set after it (SETSTAT, lsetstat): the relay reads which are set. */
    private static final List<Field> PATH_ATTRIBUTES = List.of(Field.PATH, Field.UINT32);
    /** The fields the relay reads, per request type (attributes and the rest after them are the host's). */
    private static final Map<Integer, List<Field>> LAYOUT = Map.ofEntries(
            Map.entry(SftpRelay.OPEN, List.of(Field.PATH, Field.UINT32)),
            Map.entry(SftpRelay.OPENDIR, PATH), Map.entry(SftpRelay.REMOVE, PATH), Map.entry(SftpRelay.RMDIR, PATH),
            Map.entry(SftpRelay.REALPATH, PATH), Map.entry(SftpRelay.STAT, PATH), Map.entry(SftpRelay.LSTAT, PATH),
            Map.entry(SftpRelay.READLINK, PATH), Map.entry(SftpRelay.SETSTAT, PATH_ATTRIBUTES),
            Map.entry(SftpRelay.MKDIR, PATH),
            Map.entry(SftpRelay.RENAME, List.of(Field.PATH, Field.PATH)), Map.entry(SftpRelay.SYMLINK, List.of(Field.PATH, Field.PATH)),
            Map.entry(SftpRelay.CLOSE, HANDLE), Map.entry(SftpRelay.FSTAT, HANDLE), Map.entry(SftpRelay.READDIR, HANDLE),
            Map.entry(SftpRelay.FSETSTAT, List.of(Field.HANDLE, Field.UINT32)),
            Map.entry(SftpRelay.READ, List.of(Field.HANDLE, Field.UINT64, Field.UINT32)),
            Map.entry(SftpRelay.WRITE, List.of(Field.HANDLE, Field.UINT64, Field.DATA)),
            Map.entry(SftpRelay.INIT, List.of()), Map.entry(SftpRelay.EXTENDED, List.of()));
    private static final Map<String, List<Field>> EXTENSIONS = Map.of(
            "posix-rename@openssh.com", List.of(Field.PATH, Field.PATH), "hardlink@openssh.com", List.of(Field.PATH, Field.PATH),
            "lsetstat@openssh.com", PATH_ATTRIBUTES, "statvfs@openssh.com", PATH, "expand-path@openssh.com", PATH,
            "fstatvfs@openssh.com", HANDLE, "fsync@openssh.com", HANDLE, "limits@openssh.com", List.of());
    /** Sorted: an input must pick the same thing in every run (a map's own order changes from run to run). */
    private static final List<Integer> TYPES = LAYOUT.keySet().stream().sorted().toList();
    private static final List<String> EXTENSION_NAMES = EXTENSIONS.keySet().stream().sorted().toList();
    private static final List<String> PATHS = List.of("/etc/passwd", "../../etc/shadow", ".", "/home/app/x.txt",
            "a/./b/../../../etc", "/protected/ü.txt", "//etc//./cron.d/", "");

    @FuzzTest
    void frames(FuzzedDataProvider data) {
        int piece = data.consumeInt(1, 70_000);
        byte[] stream = data.consumeRemainingAsBytes();
        ByteArrayInputStream in = new ByteArrayInputStream(stream) {
            @Override
            public synchronized int read(byte[] target, int offset, int length) {
                return super.read(target, offset, Math.min(length, piece)); // as a socket hands out what arrived
            }
        };
        int start = 0;
        try {
            for (byte[] packet = SftpFrames.read(in); packet != null; packet = SftpFrames.read(in)) {
                int end = stream.length - in.available();
                assertThat(packet.length).isBetween(1, SftpFrames.MAX_PACKET);
                assertThat(end - start).as("declared length word and packet").isEqualTo(packet.length + 4);
                assertThat(uint32(stream, start)).isEqualTo(packet.length);
                assertThat(packet).isEqualTo(Arrays.copyOfRange(stream, start + 4, end));
                start = end;
            }
            assertThat(start).as("a clean end comes only between packets").isEqualTo(stream.length);
        } catch (SftpProtocolException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError("only SftpProtocolException may end the stream", e);
        }
    }

    @FuzzTest
    void requestsAsLaidOut(FuzzedDataProvider data) throws IOException {
        int type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeInt(0, 255);
        long id = data.consumeInt() & 0xFFFFFFFFL;
        Expected expected = new Expected();
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(type);
        writeUint32(packet, id);
        List<Field> fields = LAYOUT.getOrDefault(type, List.of());
        if (type == SftpRelay.EXTENDED) {
            String name = data.consumeBoolean() ? data.pickValue(EXTENSION_NAMES) : data.consumeString(40);
            writeString(packet, name.getBytes(StandardCharsets.UTF_8));
            expected.nul |= name.indexOf(0) >= 0;
            fields = EXTENSIONS.getOrDefault(name, List.of());
        }
        for (Field field : fields) {
            write(data, field, packet, expected);
        }
        int fieldsEnd = packet.size();
        packet.writeBytes(data.consumeBytes(data.consumeInt(0, 64))); // attributes and the rest: the host's to read
        byte[] bytes = packet.toByteArray();
        int cut = data.consumeBoolean() ? data.consumeInt(0, bytes.length) : bytes.length;
        byte[] sent = Arrays.copyOf(bytes, cut);

        if (cut < fieldsEnd || expected.nul) {
            assertThatThrownBy(() -> SftpRequest.parse(sent)).isInstanceOf(SftpProtocolException.class);
            return;
        }
        SftpRequest request = SftpRequest.parse(sent);
        assertThat(request.type()).isEqualTo(type);
        assertThat(request.id()).isEqualTo(id);
        assertThat(request.readable()).as("every path is UTF-8").isEqualTo(expected.unreadable == 0);
        if (request.readable()) {
            assertThat(request.paths()).isEqualTo(expected.paths);
        } else {
            assertThat(request.paths()).isEmpty();
        }
        assertThat(request.handle()).isEqualTo(expected.handle);
        assertThat(request.offset()).isEqualTo(expected.offset);
        if (type == SftpRelay.OPEN) {
            assertThat(request.openFlags()).isEqualTo((int) expected.uint32);
        }
        if (fields.contains(Field.UINT32) && type != SftpRelay.OPEN && type != SftpRelay.READ) {
            assertThat(request.attributes()).as("the attributes' flags").isEqualTo((int) expected.uint32);
        }
        if (type == SftpRelay.WRITE) {
            assertThat(Arrays.copyOfRange(sent, request.dataFrom(), request.dataFrom() + request.dataLength()))
                    .as("the data hashed is the data written").isEqualTo(expected.data);
        }
    }

    @FuzzTest
    void anyRequest(FuzzedDataProvider data) {
        byte[] packet = data.consumeRemainingAsBytes();
        SftpRequest request;
        try {
            request = SftpRequest.parse(packet);
        } catch (SftpProtocolException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(request.dataFrom()).isBetween(0, packet.length);
        assertThat(request.dataFrom() + request.dataLength()).isBetween(request.dataFrom(), packet.length);
        int held = request.handle() == null ? 0 : request.handle().length() / 2;
        for (String path : request.paths()) {
            byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
            held += utf8.length;
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            writeString(field, utf8);
            assertThat(indexOf(packet, field.toByteArray())).as("path %s is a string of the packet", path).isNotNegative();
        }
        assertThat(held).as("no more bytes than the packet holds").isLessThanOrEqualTo(packet.length);
    }

    /** What the parsed request must say, as the fields were written. */
    private static final class Expected {
        final List<String> paths = new ArrayList<>();
        int unreadable;
        boolean nul;
        String handle;
        long offset;
        long uint32;
        byte[] data = new byte[0];
    }

    private static void write(FuzzedDataProvider data, Field field, ByteArrayOutputStream packet, Expected expected) {
        switch (field) {
            case PATH -> {
                byte[] path = switch (data.consumeInt(0, 2)) {
                    case 0 -> data.pickValue(PATHS).getBytes(StandardCharsets.UTF_8);
                    case 1 -> data.consumeString(120).getBytes(StandardCharsets.UTF_8);
                    default -> data.consumeBytes(120);
                };
                writeString(packet, path);
                String text = new String(path, StandardCharsets.UTF_8);
                // Decoded independently of the codec: bytes are UTF-8 when they survive a round trip.
                if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), path)) {
                    expected.paths.add(text);
                } else {
                    expected.unreadable++;
                }
                expected.nul |= text.indexOf(0) >= 0;
            }
            case HANDLE -> {
                byte[] handle = data.consumeBytes(data.consumeInt(0, 256));
                writeString(packet, handle);
                expected.handle = HexFormat.of().formatHex(handle);
            }
            case UINT32 -> {
                expected.uint32 = data.consumeInt() & 0xFFFFFFFFL;
                writeUint32(packet, expected.uint32);
            }
            case UINT64 -> {
                expected.offset = data.consumeLong();
                writeUint32(packet, expected.offset >>> 32);
                writeUint32(packet, expected.offset & 0xFFFFFFFFL);
            }
            case DATA -> {
                expected.data = data.consumeBytes(data.consumeInt(0, 4096));
                writeString(packet, expected.data);
            }
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        writeUint32(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeUint32(ByteArrayOutputStream out, long value) {
        out.writeBytes(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    private static long uint32(byte[] bytes, int at) {
        return ((bytes[at] & 0xFFL) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
