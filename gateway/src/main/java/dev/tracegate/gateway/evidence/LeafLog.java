package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.store.StoreException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The evidence log itself, with the embedded store: every event's exact leaf bytes, in index
 * order, in append-only segment files. It is both the point where an event becomes durable (the
 * write-ahead rule) and the source of truth every read, proof and export comes from; the embedded
 * database only indexes it ({@link EvidenceIndexWriter}) and the subtree hashes live beside it
 * ({@link SubtreeHashFiles}).
 *
 * <p>Appending a record to a file costs a few microseconds, where an embedded database pays for
 * every row with encoding and index pages. One write per group-commit batch makes the whole batch
 * durable.
 *
 * <p>Record: {@code int64 index, int32 length, leaf bytes, int32 CRC-32C of the three}. Segments
 * ({@code <first index>.leaves}) are never rewritten or deleted. A torn record at the very end is
 * a write that never completed, so it was never acknowledged: opening the log cuts it off. A
 * damaged record anywhere else stops the gateway.
 *
 * <p>{@code offsets} holds each record's position in its segment (8 bytes per event), so an event
 * is read by index in one positioned read. It is derived: the positions of the latest events are
 * kept in memory and written {@link #OFFSETS_PER_WRITE} at a time (and at close), not after each
 * batch, which would cost every durable wait a second system call; a crash loses at most those,
 * and opening the log completes the file from the segments.
 *
 * <p>Durability: records reach the operating system before the caller is released, which
 * survives the gateway being killed. With {@code fsync} they also reach the disk before release,
 * which survives power loss at the cost of one fsync per batch.
 */
final class LeafLog implements AutoCloseable {

    static final String SUFFIX = ".leaves";
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final int HEADER = 12;
    private static final int MAX_LEAF = 64 * 1024 * 1024;
    /** The largest write buffer kept between appends; a larger batch allocates its own. */
    private static final int MAX_KEPT_BUFFER = 256 * 1024;
    private static final int FIRST_KEPT_BUFFER = 8 * 1024;
    /** How many records' positions are held in memory before they are written to {@code offsets} in one write. */
    static final int OFFSETS_PER_WRITE = 512;

    /** Receives events in index order. */
    @FunctionalInterface
    interface LeafVisitor {
        void visit(long index, byte[] leaf) throws IOException;
    }

    private final Path directory;
    private final boolean fsync;
    /** First index of each segment, to its file. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final Map<Path, FileChannel> readers = new ConcurrentHashMap<>();
    private final FileChannel offsets;
    private FileChannel tail;
    /**
     * The tail segment's length as this log wrote it, or -1 when only the file can tell (a new
     * segment, or a write that failed part-way): appends come from one writer, so asking the file
     * for its size twice per batch (a system call each) would only ever give this back.
     */
    private long tailBytes = -1;
    /** Kept from one {@link #append} to the next (appends come one at a time: the log's writer holds its lock). */
    private LeafBatch keptBatch;
    /**
     * The positions of the records from {@link #offsetsWritten} on, not in {@code offsets} yet; read
     * by any thread under its own lock, appended to by the log's writer.
     */
    private final ByteBuffer unwrittenPositions = ByteBuffer.allocate(8 * OFFSETS_PER_WRITE);
    /** How many records' positions {@code offsets} holds; changed under {@link #unwrittenPositions}' lock. */
    private long offsetsWritten;
    private volatile long size;

    private LeafLog(Path directory, boolean fsync, FileChannel offsets) {
        this.directory = directory;
        this.fsync = fsync;
        this.offsets = offsets;
    }

    /** Opens (or creates) the log in {@code directory}, cutting off a torn final record and completing the offsets. */
    static LeafLog open(Path directory, boolean fsync) throws IOException {
        Files.createDirectories(directory);
        FileChannel offsets = FileChannel.open(directory.resolve("offsets"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        LeafLog log = new LeafLog(directory, fsync, offsets);
        try {
            log.recover();
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    Path directory() {
        return directory;
    }

    /** Number of events in the log. */
    long size() {
        return size;
    }

    private void recover() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).forEach(p -> segments.put(firstIndex(p), p));
        }
        if (segments.isEmpty()) {
            offsets.truncate(0);
            offsetsWritten = 0;
            return;
        }
        Map.Entry<Long, Path> last = segments.lastEntry();
        // Earlier segments end where the next one begins; only the last one is read to find the end.
        long count = last.getKey();
        long position = 0;
        long known = Math.min(offsets.size() / 8, count);
        try (FileChannel channel = FileChannel.open(last.getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
            long end = channel.size();
            while (position < end) {
                Record record = Record.read(in, end - position);
                if (record == null) {
                    break; // what is left is shorter than a record: a torn write, never acknowledged
                }
                if (record == Record.DAMAGED || record.index() != count) {
                    throw damaged(last.getValue(), count);
                }
                position += record.bytes();
                count++;
            }
            if (position < end) {
                channel.truncate(position);
                channel.force(true);
            }
        }
        size = count;
        offsets.truncate(Math.min(offsets.size() / 8, size) * 8);
        completeOffsets(Math.min(known, offsets.size() / 8));
        offsetsWritten = size;
    }

    /** Rewrites the offsets from {@code from} on by reading the segments (after a crash cut them short). */
    private void completeOffsets(long from) throws IOException {
        if (from >= size) {
            return;
        }
        ByteBuffer entry = ByteBuffer.allocate(8);
        long index = segments.floorKey(from);
        for (Map.Entry<Long, Path> file : segmentsFrom(from).entrySet()) {
            long position = 0;
            try (InputStream raw = Files.newInputStream(file.getValue())) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
                long end = Files.size(file.getValue());
                while (position < end && index < size) {
                    Record record = Record.read(in, end - position);
                    if (record == null || record == Record.DAMAGED || record.index() != index) {
                        throw damaged(file.getValue(), index);
                    }
                    if (index >= from) {
                        offsets.write(entry.clear().putLong(position).flip(), index * 8);
                    }
                    position += record.bytes();
                    index++;
                }
            }
        }
        if (index != size) {
            throw new IOException("the evidence log's segments hold " + index + " events, expected " + size);
        }
    }

    /** Appends records that continue the log exactly; when this returns they survive the gateway being killed. */
    void append(List<SealedEvent> events) throws IOException {
        LeafBatch batch = batch(events.getFirst().index());
        for (SealedEvent event : events) {
            batch.add(event.leaf(), event.leaf().length);
        }
        append(batch);
    }

    /**
     * The batch to assemble the next append's records in, from index {@code first} on: the one kept
     * from the append before, so a batch of a few events allocates nothing.
     */
    LeafBatch batch(long first) {
        if (keptBatch == null) {
            keptBatch = new LeafBatch(FIRST_KEPT_BUFFER);
        }
        return keptBatch.startingAt(first);
    }

    /** Appends a batch's records, which continue the log exactly; when this returns they survive the gateway being killed. */
    void append(LeafBatch batch) throws IOException {
        if (batch.first() != size) {
            throw new IllegalStateException("the log holds " + size + " events; event " + batch.first()
                    + " cannot follow");
        }
        if (tail == null || tailBytes() >= SEGMENT_BYTES) {
            startSegment(size);
        }
        long base = tailBytes();
        if (CostAccounting.ON) {
            CostAccounting.COPIES.add(batch.count());
        }
        ByteBuffer buffer = batch.records();
        tailBytes = -1; // until the whole batch is written: a torn write leaves the length to the file
        long written = buffer.remaining();
        while (buffer.hasRemaining()) {
            tail.write(buffer);
        }
        tailBytes = base + written;
        if (fsync) {
            tail.force(false);
        }
        for (int i = 0; i < batch.count(); i++) {
            if (!unwrittenPositions.hasRemaining()) {
                writeOffsets();
            }
            synchronized (unwrittenPositions) {
                unwrittenPositions.putLong(base + batch.start(i));
            }
        }
        size += batch.count();
        if (!unwrittenPositions.hasRemaining()) {
            writeOffsets();
        }
        if (batch.capacity() > MAX_KEPT_BUFFER) {
            keptBatch = null; // a large batch's buffer is not kept for the next
        }
    }

    /**
     * Writes the positions held in memory to {@code offsets} (by the log's writer, or at close).
     * Readers go on finding them in memory until the write is done: what the file holds from
     * {@link #offsetsWritten} on is not read before that moves past it.
     */
    private void writeOffsets() throws IOException {
        ByteBuffer written;
        long at;
        synchronized (unwrittenPositions) {
            written = unwrittenPositions.duplicate().flip();
            at = offsetsWritten * 8;
        }
        int count = written.remaining() / 8;
        while (written.hasRemaining()) {
            at += offsets.write(written, at);
        }
        synchronized (unwrittenPositions) {
            offsetsWritten += count;
            unwrittenPositions.clear();
        }
    }

    /** Where record {@code index} (below {@link #size()}) starts in its segment: in memory for the latest ones. */
    private long position(long index) throws IOException {
        synchronized (unwrittenPositions) {
            if (index >= offsetsWritten) {
                return unwrittenPositions.getLong((int) (index - offsetsWritten) * 8);
            }
        }
        ByteBuffer entry = ByteBuffer.allocate(8);
        PositionalRead.fill(offsets, entry, index * 8, "the evidence log");
        return entry.flip().getLong();
    }

    /** Forces everything appended so far to disk, whatever {@code fsync} says (before the only other copy goes). */
    void force() throws IOException {
        if (tail != null) {
            tail.force(true);
        }
        writeOffsets();
        offsets.force(true);
    }

    /** The leaf of event {@code index} (below {@link #size()}), checked against its CRC. */
    byte[] leaf(long index) throws IOException {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("event " + index + " is not in the log of " + size);
        }
        long position = position(index);
        Path file;
        synchronized (segments) {
            file = segments.floorEntry(index).getValue();
        }
        FileChannel channel = reader(file);
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        PositionalRead.fill(channel, header, position, "the evidence log");
        header.flip();
        long stored = header.getLong();
        int length = header.getInt();
        if (stored != index || length < 0 || length > MAX_LEAF) {
            throw damaged(file, index);
        }
        ByteBuffer body = ByteBuffer.allocate(length + 4);
        PositionalRead.fill(channel, body, position + HEADER, "the evidence log");
        body.flip();
        byte[] leaf = new byte[length];
        body.get(leaf);
        if (body.getInt() != Record.crc(index, leaf)) {
            throw damaged(file, index);
        }
        return leaf;
    }

    /** Visits events {@code [from, to)} in order, each checked against its CRC and index. */
    void scan(long from, long to, LeafVisitor visitor) throws IOException {
        if (from >= Math.min(to, size)) {
            return;
        }
        long end = Math.min(to, size);
        long index = from;
        long position = position(from);
        for (Map.Entry<Long, Path> file : segmentsFrom(from).entrySet()) {
            // A channel of its own: scans may run side by side, and a shared channel's position would mix them up.
            try (FileChannel channel = FileChannel.open(file.getValue(), StandardOpenOption.READ)) {
                long length = channel.size();
                DataInputStream in = new DataInputStream(new BufferedInputStream(
                        Channels.newInputStream(channel.position(position)), 1 << 16));
                while (position < length && index < end) {
                    Record record = Record.read(in, length - position);
                    if (record == null || record == Record.DAMAGED || record.index() != index) {
                        throw damaged(file.getValue(), index);
                    }
                    visitor.visit(index, record.leaf());
                    position += record.bytes();
                    index++;
                }
            }
            if (index >= end) {
                return;
            }
            position = 0;
        }
        throw new IOException("the evidence log ends at event " + index + " but should hold " + end);
    }

    private Map<Long, Path> segmentsFrom(long index) {
        synchronized (segments) {
            return new TreeMap<>(segments.tailMap(segments.floorKey(index), true));
        }
    }

    private synchronized FileChannel reader(Path file) throws IOException {
        FileChannel channel = readers.get(file);
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            readers.put(file, channel);
        }
        return channel;
    }

    /** The tail segment's length: as written by this log, or asked of the file when that is not known. */
    private long tailBytes() throws IOException {
        if (tailBytes < 0) {
            tailBytes = tail.size();
        }
        return tailBytes;
    }

    private void startSegment(long firstIndex) throws IOException {
        if (tail != null) {
            tail.close();
        }
        tailBytes = -1;
        Path file = directory.resolve(String.format("%020d%s", firstIndex, SUFFIX));
        tail = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        synchronized (segments) {
            segments.put(firstIndex, file);
        }
    }

    static long firstIndex(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    private static StoreException damaged(Path file, long index) {
        return new StoreException("the evidence log is damaged at event " + index + " in " + file
                + ": a record was changed, removed or cut short");
    }

    /** One record as read back. */
    private record Record(long index, byte[] leaf) {

        /** A whole record whose CRC does not match: changed, not torn. */
        static final Record DAMAGED = new Record(-1, new byte[0]);

        long bytes() {
            return HEADER + leaf.length + 4L;
        }

        /** The next record; null when what is left is shorter than the record (torn), {@link #DAMAGED} on a CRC mismatch. */
        static Record read(DataInputStream in, long remaining) throws IOException {
            if (remaining < HEADER + 4) {
                return null;
            }
            long index = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > MAX_LEAF || remaining < HEADER + 4L + length) {
                return null;
            }
            byte[] leaf = new byte[length];
            in.readFully(leaf);
            int stored = in.readInt();
            return stored == crc(index, leaf) ? new Record(index, leaf) : DAMAGED;
        }

        static int crc(long index, byte[] leaf) {
            CRC32C crc = new CRC32C();
            ByteBuffer header = ByteBuffer.allocate(HEADER).putLong(index).putInt(leaf.length);
            crc.update(header.array());
            crc.update(leaf);
            return (int) crc.getValue();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            writeOffsets(); // derived: should this fail, the next open completes them from the segments
        } finally {
            if (tail != null) {
                tail.close();
            }
            for (FileChannel channel : readers.values()) {
                channel.close();
            }
            offsets.close();
        }
    }
}
