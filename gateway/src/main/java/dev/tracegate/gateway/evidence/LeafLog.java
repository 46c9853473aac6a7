package dev.tracegate.gateway.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The evidence log's write-ahead journal for the embedded store: the point where an event
 * becomes durable.
 *
 * <p>An embedded database pays for every commit by rewriting index pages, which made each
 * command wait hundreds of microseconds. Appending a record to a file costs a few microseconds,
 * so the journal takes the write-ahead role and the store is filled from it in large batches
 * a moment later. After a crash, records the store had not yet received are replayed from here.
 *
 * <p>Record: {@code int64 index, int32 length, leaf bytes, int32 CRC-32C of the three}. A torn
 * record at the end of the last segment is a write that never completed, so it was never
 * acknowledged; recovery drops it. Segments are named by their first index and deleted once the
 * store holds (and has flushed) everything in them.
 *
 * <p>Durability: records reach the operating system before the caller is released, which
 * survives the gateway being killed. With {@code fsync} they also reach the disk before release,
 * which survives power loss at the cost of one fsync per batch.
 */
final class EvidenceJournal implements AutoCloseable {

    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final String SUFFIX = ".journal";

    /** A record read back during recovery. */
    record Entry(long index, byte[] leaf) {
    }

    private final Path directory;
    private final boolean fsync;
    private FileChannel segment;

    private EvidenceJournal(Path directory, boolean fsync) {
        this.directory = directory;
        this.fsync = fsync;
    }

    static EvidenceJournal open(Path directory, boolean fsync) throws IOException {
        Files.createDirectories(directory);
        return new EvidenceJournal(directory, fsync);
    }

    /** Every intact record with an index at or after {@code fromIndex}, in order. */
    List<Entry> recover(long fromIndex) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Path> segments = segments();
        for (int s = 0; s < segments.size(); s++) {
            boolean last = s == segments.size() - 1;
            ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(segments.get(s)));
            while (data.remaining() > 0) {
                Entry entry = readRecord(data);
                if (entry == null) {
                    if (!last) {
                        throw new IOException("journal segment " + segments.get(s).getFileName()
                                + " is damaged before its end; it is not only a torn final write");
                    }
                    break;
                }
                if (entry.index() >= fromIndex) {
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    /** Appends records; when this returns they survive the gateway being killed. */
    void append(List<SealedEvent> events) throws IOException {
        if (segment == null || segment.size() >= SEGMENT_BYTES) {
            startSegment(events.getFirst().index());
        }
        int size = 0;
        for (SealedEvent event : events) {
            size += 16 + event.leaf().length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        CRC32C crc = new CRC32C();
        for (SealedEvent event : events) {
            int start = buffer.position();
            buffer.putLong(event.index()).putInt(event.leaf().length).put(event.leaf());
            crc.reset();
            crc.update(buffer.array(), start, buffer.position() - start);
            buffer.putInt((int) crc.getValue());
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            segment.write(buffer);
        }
        if (fsync) {
            segment.force(false);
        }
    }

    /** Deletes segments whose every record is below {@code storedSize} (the store has flushed them). */
    void discardBefore(long storedSize) throws IOException {
        List<Path> segments = segments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            if (firstIndex(segments.get(i + 1)) <= storedSize) {
                Files.deleteIfExists(segments.get(i));
            }
        }
    }

    private void startSegment(long firstIndex) throws IOException {
        if (segment != null) {
            segment.close();
        }
        Path file = directory.resolve(String.format("%020d%s", firstIndex, SUFFIX));
        segment = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    private static long firstIndex(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    private static Entry readRecord(ByteBuffer data) {
        if (data.remaining() < 16) {
            return null;
        }
        int start = data.position();
        long index = data.getLong();
        int length = data.getInt();
        if (length < 0 || data.remaining() < length + 4) {
            return null;
        }
        byte[] leaf = new byte[length];
        data.get(leaf);
        int stored = data.getInt();
        CRC32C crc = new CRC32C();
        crc.update(data.array(), start, 12 + length);
        if ((int) crc.getValue() != stored) {
            return null;
        }
        return new Entry(index, leaf);
    }

    @Override
    public void close() throws IOException {
        if (segment != null) {
            segment.close();
        }
    }
}
