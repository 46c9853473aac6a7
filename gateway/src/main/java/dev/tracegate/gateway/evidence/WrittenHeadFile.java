package dev.tracegate.gateway.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A node's {@link WrittenHead} kept on its own disk, so that it outlives a restart: without it, a
 * node that restarts knows nothing of the events it wrote since the last checkpoint, and whoever
 * can write the shared store could cut or rewrite them while the node is down.
 *
 * <p>Two fixed-size slots, written in turn, each with a sequence number and a CRC32C: a write torn
 * by a crash spoils one slot, whose checksum fails, and the other still holds the head before it
 * (which the store extends). One positional write of under 2 KiB per batch, forced to disk when
 * the evidence log is. Written by one writer at a time (the evidence log's write lock).
 */
final class WrittenHeadFile implements AutoCloseable {

    private static final int MAGIC = 0x54475748; // "TGWH"
    private static final int HASH = 32;
    /** A right edge has at most one hash per bit of the size. */
    private static final int MAX_EDGE = 64;
    private static final int SLOT = 4 + 8 + 8 + 1 + MAX_EDGE * HASH + 4;

    private final Path path;
    private final FileChannel channel;
    private final boolean fsync;
    private final ByteBuffer buffer = ByteBuffer.allocate(SLOT);
    private long sequence;

    /** What the file held when opened. */
    sealed interface Read {
        /** No file: this node never wrote the shared store from this data directory. */
        record Absent() implements Read {
        }

        /** The newest slot whose checksum holds. */
        record Found(WrittenHead head) implements Read {
        }

        /** A file with no slot whose checksum holds: not trusted. */
        record Corrupt(String why) implements Read {
        }
    }

    private WrittenHeadFile(Path path, FileChannel channel, boolean fsync, long sequence) {
        this.path = path;
        this.channel = channel;
        this.fsync = fsync;
        this.sequence = sequence;
    }

    /** Reads what {@code path} holds, if anything; {@link #open} then writes on from there. */
    static Read read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return new Read.Absent();
        }
        byte[] bytes = Files.readAllBytes(path);
        Slot newest = newest(bytes);
        return newest == null ? new Read.Corrupt(path + " holds " + bytes.length + " bytes and no slot whose checksum holds")
                : new Read.Found(newest.head);
    }

    /** Opens {@code path} for writing, creating it; the next write goes to the slot older than {@code read}'s. */
    static WrittenHeadFile open(Path path, boolean fsync) throws IOException {
        long sequence = 0;
        Slot newest = Files.exists(path) ? newest(Files.readAllBytes(path)) : null;
        if (newest != null) {
            sequence = newest.sequence;
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new WrittenHeadFile(path, channel, fsync, sequence);
    }

    /** The slot with the highest sequence among those whose checksum holds, or null. */
    private static Slot newest(byte[] bytes) {
        Slot newest = null;
        for (int offset = 0; offset + SLOT <= bytes.length && offset < 2 * SLOT; offset += SLOT) {
            Slot slot = Slot.parse(ByteBuffer.wrap(bytes, offset, SLOT).slice());
            if (slot != null && (newest == null || slot.sequence > newest.sequence)) {
                newest = slot;
            }
        }
        return newest;
    }

    Path path() {
        return path;
    }

    /** Keeps {@code head} in the slot not holding the newest one. */
    void write(WrittenHead head) throws IOException {
        if (head.edge().size() > MAX_EDGE) {
            throw new IOException("a right edge of " + head.edge().size() + " hashes");
        }
        long next = sequence + 1;
        buffer.clear();
        buffer.putInt(MAGIC).putLong(next).putLong(head.size()).put((byte) head.edge().size());
        for (byte[] hash : head.edge()) {
            buffer.put(hash);
        }
        buffer.position(SLOT - 4);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, SLOT - 4);
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        long position = (next % 2) * SLOT;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        if (fsync) {
            channel.force(false);
        }
        sequence = next;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private record Slot(long sequence, WrittenHead head) {

        /** The slot in {@code bytes}, or null when its checksum or shape fails. */
        static Slot parse(ByteBuffer bytes) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate().limit(SLOT - 4));
            if ((int) crc.getValue() != bytes.getInt(SLOT - 4) || bytes.getInt() != MAGIC) {
                return null;
            }
            long sequence = bytes.getLong();
            long size = bytes.getLong();
            int count = Byte.toUnsignedInt(bytes.get());
            if (size < 0 || count > MAX_EDGE || count != Long.bitCount(size)) {
                return null;
            }
            List<byte[]> edge = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] hash = new byte[HASH];
                bytes.get(hash);
                edge.add(hash);
            }
            return new Slot(sequence, new WrittenHead(size, edge));
        }
    }
}
