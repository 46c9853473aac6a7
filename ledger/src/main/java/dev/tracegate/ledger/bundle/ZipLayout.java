package dev.tracegate.ledger.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;

/**
 * Checks that a zip holds nothing but the entries its central directory lists, one after the
 * other from its first byte, each local header naming and sizing its entry as the directory does,
 * then the directory itself.
 *
 * <p>Why: the verifier reads a zip by its central directory, as {@code unzip} does; a streaming
 * reader ({@code java.util.zip.ZipInputStream}, many archive tools and libraries) reads the local
 * headers one after the other instead. Bytes the directory does not account for (an entry written
 * between two listed ones or before the directory, data prepended to the zip) or a local header
 * that names or sizes its entry otherwise are invisible to the one and read by the other: a
 * bundle that verifies could then show an auditor who unpacked it with another tool another
 * {@code report.html} or {@code events.jsonl}. Such a zip is refused, never read either way.
 */
final class ZipLayout {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final int END_OF_DIRECTORY = 0x06054b50;
    private static final int ZIP64_END_LOCATOR = 0x07064b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final long UNKNOWN_32 = 0xFFFFFFFFL;
    /** The end record (22 bytes) and the longest comment it may carry. */
    private static final int MAX_END_SEARCH = 22 + 0xFFFF;

    private ZipLayout() {}

    /** Empty when the zip is laid out as its directory says; otherwise why not. */
    static Optional<String> problem(Path zip, List<? extends ZipEntry> directoryOrder) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            long directoryStart = directoryStart(channel);
            long position = 0;
            for (ZipEntry entry : directoryOrder) {
                Optional<Long> next = entryEnd(channel, position, entry);
                if (next.isEmpty()) {
                    return Optional.of("the zip's bytes at offset " + position + " are not the local header of " + entry.getName()
                            + ", the next entry its directory lists, named and sized as the directory says");
                }
                position = next.get();
            }
            if (position != directoryStart) {
                return Optional.of("the zip holds " + (directoryStart - position) + " byte(s) at offset " + position
                        + " that its directory does not list (an entry a streaming unzip would read and the verifier would not)");
            }
            return Optional.empty();
        }
    }

    /** Where the central directory begins, as the end record (or its zip64 form) states. */
    private static long directoryStart(FileChannel channel) throws IOException {
        long size = channel.size();
        int tail = (int) Math.min(size, MAX_END_SEARCH);
        ByteBuffer end = read(channel, size - tail, tail);
        for (int at = tail - 22; at >= 0; at--) {
            if (end.getInt(at) == END_OF_DIRECTORY && at + 22 + Short.toUnsignedInt(end.getShort(at + 20)) == tail) {
                long offset = Integer.toUnsignedLong(end.getInt(at + 16));
                if (offset != UNKNOWN_32) {
                    return offset;
                }
                long locator = size - tail + at - 20;
                if (locator < 0 || read(channel, locator, 20).getInt(0) != ZIP64_END_LOCATOR) {
                    throw new IOException("the zip's end record names a zip64 directory it does not locate");
                }
                ByteBuffer zip64End = read(channel, read(channel, locator, 20).getLong(8), 56);
                if (zip64End.getInt(0) != ZIP64_END) {
                    throw new IOException("the zip's zip64 end record is not where its locator says");
                }
                return zip64End.getLong(48);
            }
        }
        throw new IOException("no zip end record");
    }

    /** Where the entry whose local header is at {@code position} ends, when that header is the entry's as the directory lists it. */
    private static Optional<Long> entryEnd(FileChannel channel, long position, ZipEntry entry) throws IOException {
        if (position + 30 > channel.size()) {
            return Optional.empty();
        }
        ByteBuffer header = read(channel, position, 30);
        int nameLength = Short.toUnsignedInt(header.getShort(26));
        int extraLength = Short.toUnsignedInt(header.getShort(28));
        if (header.getInt(0) != LOCAL_HEADER || Short.toUnsignedInt(header.getShort(8)) != entry.getMethod()) {
            return Optional.empty();
        }
        String name = new String(read(channel, position + 30, nameLength).array(), StandardCharsets.UTF_8);
        if (!name.equals(entry.getName())) {
            return Optional.empty();
        }
        boolean descriptor = (header.getShort(6) & 0x08) != 0;
        long compressed = Integer.toUnsignedLong(header.getInt(18));
        long uncompressed = Integer.toUnsignedLong(header.getInt(22));
        if (!descriptor && compressed != UNKNOWN_32 && (compressed != entry.getCompressedSize() || uncompressed != entry.getSize())) {
            return Optional.empty();
        }
        long dataEnd = position + 30 + nameLength + extraLength + entry.getCompressedSize();
        return descriptor ? descriptorEnd(channel, dataEnd, entry) : Optional.of(dataEnd);
    }

    /** After an entry's data, its data descriptor (with or without its signature, 32- or 64-bit sizes) stating the directory's sizes. */
    private static Optional<Long> descriptorEnd(FileChannel channel, long at, ZipEntry entry) throws IOException {
        long available = channel.size() - at;
        for (int signature : new int[] {4, 0}) {
            for (int width : new int[] {4, 8}) {
                int length = signature + 4 + 2 * width;
                if (length > available) {
                    continue;
                }
                ByteBuffer descriptor = read(channel, at, length);
                if (signature == 4 && descriptor.getInt(0) != DATA_DESCRIPTOR) {
                    continue;
                }
                long compressed = width == 4 ? Integer.toUnsignedLong(descriptor.getInt(signature + 4)) : descriptor.getLong(signature + 4);
                long uncompressed = width == 4 ? Integer.toUnsignedLong(descriptor.getInt(signature + 4 + width))
                        : descriptor.getLong(signature + 4 + width);
                if (compressed == entry.getCompressedSize() && uncompressed == entry.getSize()) {
                    return Optional.of(at + length);
                }
            }
        }
        return Optional.empty();
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the zip ends inside a record at offset " + position);
            }
        }
        return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
}
