package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob content with the embedded store: append-only segment files in {@code dataDir/evidence-blobs},
 * beside the leaf log. A batch of the background writer is one (gathering) write, with no fsync:
 * a blob whose leaf is durable but whose content the gateway died before writing is absent, which
 * the verifier reports and allows, as it was when the content went into the database.
 *
 * <p>Record: {@code int32 magic, 32 bytes SHA-256 of the content, int64 stored at (epoch microseconds),
 * int32 content length, int32 CRC-32C of these}, then the content. Opening reads every header
 * (not the content) into the {@link BlobIndex}; the last segment, the only one a crash can leave
 * torn, is also read whole, and it is cut before the first record that is short or whose content
 * does not hash to its name. Whatever is read is hashed again before it is served, so a damaged
 * record is absent, never garbled.
 *
 * <p>A segment ({@code <number>.blobs}) takes records for an hour or 64 MiB, whichever ends first.
 * Retention deletes whole segments whose newest record is older than the cutoff, so content is
 * kept up to an hour longer than its retention, never less.
 */
final class BlobSegments implements BlobStorage {

    static final String SUFFIX = ".blobs";
    private static final Logger LOG = LoggerFactory.getLogger(BlobSegments.class);
    private static final int MAGIC = 0x54474231;
    private static final int DIGEST = 32;
    private static final int CHECKED = 4 + DIGEST + 8 + 4;
    static final int HEADER = CHECKED + 4;
    private static final int MAX_CONTENT = Integer.MAX_VALUE - 64;
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final long SEGMENT_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final HexFormat HEX = HexFormat.of();

    /** A segment file as far as rolling and retention need it; {@code firstStored} and {@code lastStored} are 0 while it is empty. */
    private record Segment(int number, long bytes, int blobs, long firstStored, long lastStored) {

        Segment plus(long recordBytes, long storedAt) {
            return new Segment(number, bytes + recordBytes, blobs + 1, blobs == 0 ? storedAt : firstStored,
                    Math.max(lastStored, storedAt));
        }
    }

    /** One record's header as read back. */
    private record Header(byte[] digest, long storedAt, int length) {

        long recordBytes() {
            return HEADER + (long) length;
        }
    }

    private final Path directory;
    /** Guarded by this, as are the fields below. */
    private final TreeMap<Integer, Segment> segments = new TreeMap<>();
    private final BlobIndex index = new BlobIndex();
    private int nextNumber = 1;
    /** False after a failed write: what it left is cut if possible, and the next batch starts a segment. */
    private boolean tailUsable = true;

    private BlobSegments(Path directory) {
        this.directory = directory;
    }

    /** Opens (or creates) the segments in {@code directory}, indexing every record and cutting a torn tail. */
    static BlobSegments open(Path directory) throws IOException {
        Files.createDirectories(directory);
        BlobSegments blobs = new BlobSegments(directory);
        blobs.recover();
        return blobs;
    }

    private synchronized void recover() throws IOException {
        List<Integer> numbers;
        try (Stream<Path> files = Files.list(directory)) {
            numbers = files.map(p -> p.getFileName().toString()).filter(name -> name.matches("0\\d{9}\\" + SUFFIX))
                    .map(name -> Integer.parseInt(name.substring(0, name.length() - SUFFIX.length()))).sorted().toList();
        }
        for (int number : numbers) {
            segments.put(number, indexSegment(number, number == numbers.getLast()));
            nextNumber = number + 1;
        }
    }

    /** Indexes one segment's records; in the last one, checks each content and cuts the file before the first that fails. */
    private Segment indexSegment(int number, boolean last) throws IOException {
        Path file = file(number);
        Segment segment = new Segment(number, 0, 0, 0, 0);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = channel.size();
            long position = 0;
            while (position < end) {
                Header header = readHeader(channel, position, end);
                if (header == null || last && readContent(channel, position, header).isEmpty()) {
                    break;
                }
                index.add(BlobIndex.key(header.digest()), BlobIndex.place(number, position));
                segment = segment.plus(header.recordBytes(), header.storedAt());
                position += header.recordBytes();
            }
            if (position < end && last) {
                LOG.warn("{}: cut {} bytes at offset {}: a blob write the gateway did not finish", file, end - position, position);
                channel.truncate(position);
            } else if (position < end) {
                LOG.warn("{}: unreadable record at offset {}; the blobs stored after it in this file are absent", file, position);
                segment = new Segment(number, end, segment.blobs(), segment.firstStored(), segment.lastStored());
            }
        }
        return segment;
    }

    @Override
    public synchronized void storeAll(Map<String, byte[]> blobs) {
        List<byte[]> digests = new ArrayList<>(blobs.size());
        List<byte[]> contents = new ArrayList<>(blobs.size());
        for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            byte[] digest = digestBytes(blob.getKey());
            if (digest != null && locate(digest) < 0) {
                digests.add(digest);
                contents.add(blob.getValue());
            }
        }
        if (!digests.isEmpty()) {
            append(digests, contents);
        }
    }

    /** One gathering write: the headers from one buffer, each content as it is (no copy). */
    private void append(List<byte[]> digests, List<byte[]> contents) {
        long now = micros(Instant.now());
        Segment tail = tail(now);
        ByteBuffer headers = ByteBuffer.allocate(HEADER * digests.size());
        ByteBuffer[] buffers = new ByteBuffer[digests.size() * 2];
        long bytes = 0;
        CRC32C crc = new CRC32C();
        for (int i = 0; i < digests.size(); i++) {
            int start = headers.position();
            headers.putInt(MAGIC).put(digests.get(i)).putLong(now).putInt(contents.get(i).length);
            crc.reset();
            crc.update(headers.array(), start, CHECKED);
            headers.putInt((int) crc.getValue());
            buffers[2 * i] = headers.slice(start, HEADER);
            buffers[2 * i + 1] = ByteBuffer.wrap(contents.get(i));
            bytes += HEADER + (long) contents.get(i).length;
        }
        Path file = file(tail.number());
        long base = -1;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            base = channel.size();
            channel.position(base);
            for (long written = 0; written < bytes; ) {
                written += channel.write(buffers);
            }
        } catch (IOException e) {
            tailUsable = false;
            cut(file, base);
            throw new StoreException("cannot write blobs to " + file + ": " + e.getMessage(), e);
        }
        long position = base;
        for (int i = 0; i < digests.size(); i++) {
            index.add(BlobIndex.key(digests.get(i)), BlobIndex.place(tail.number(), position));
            long recordBytes = HEADER + (long) contents.get(i).length;
            tail = tail.plus(recordBytes, now);
            position += recordBytes;
        }
        segments.put(tail.number(), tail);
    }

    /** The segment to append to: the last one, or a new one when it is full, an hour old or a write to it failed. */
    private Segment tail(long now) {
        Map.Entry<Integer, Segment> last = segments.lastEntry();
        if (last != null && tailUsable && last.getValue().bytes() < SEGMENT_BYTES
                && (last.getValue().blobs() == 0 || now - last.getValue().firstStored() < SEGMENT_MICROS)) {
            return last.getValue();
        }
        Segment started = new Segment(nextNumber++, 0, 0, 0, 0);
        segments.put(started.number(), started);
        tailUsable = true;
        return started;
    }

    /** After a failed write: removes what it left, so a later start does not take it for a torn tail and cut more. */
    private static void cut(Path file, long size) {
        if (size < 0) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            LOG.warn("{}: cannot cut a failed blob write: {}", file, e.toString());
        }
    }

    @Override
    public Optional<byte[]> get(String digest) {
        byte[] wanted = digestBytes(digest);
        if (wanted == null) {
            return Optional.empty();
        }
        long place;
        synchronized (this) {
            place = locate(wanted);
        }
        if (place < 0) {
            return Optional.empty();
        }
        // Read outside the lock: a large export must not hold up the writer.
        Path file = file(BlobIndex.segment(place));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(channel, BlobIndex.offset(place), channel.size());
            return header == null || !MessageDigest.isEqual(header.digest(), wanted) ? Optional.empty()
                    : readContent(channel, BlobIndex.offset(place), header);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // retention deleted the segment a moment ago
        } catch (IOException e) {
            throw new StoreException("cannot read blob " + digest + " from " + file, e);
        }
    }

    /** The place of the record named {@code digest}, or -1; the index's candidates are checked against their headers. */
    private long locate(byte[] digest) {
        return index.find(BlobIndex.key(digest), place -> names(place, digest));
    }

    private boolean names(long place, byte[] digest) {
        try (FileChannel channel = FileChannel.open(file(BlobIndex.segment(place)), StandardOpenOption.READ)) {
            ByteBuffer named = ByteBuffer.allocate(4 + DIGEST);
            PositionalRead.fill(channel, named, BlobIndex.offset(place), "a blob segment");
            named.flip();
            return named.getInt() == MAGIC && named.slice().equals(ByteBuffer.wrap(digest));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Deletes every segment whose newest record was stored before {@code cutoff} (the one being
     * written to included: the next batch starts another) and forgets its records, so that a
     * digest that recurs is stored again.
     */
    @Override
    public synchronized int deleteContentStoredBefore(Instant cutoff) {
        long cutoffMicros = micros(cutoff);
        Set<Integer> deleted = new HashSet<>();
        int blobs = 0;
        IOException failed = null;
        for (Segment segment : List.copyOf(segments.values())) {
            if (segment.lastStored() < cutoffMicros) {
                try {
                    Files.deleteIfExists(file(segment.number()));
                } catch (IOException e) {
                    failed = e;
                    break;
                }
                segments.remove(segment.number());
                deleted.add(segment.number());
                blobs += segment.blobs();
            }
        }
        if (!deleted.isEmpty()) {
            index.removeIf(place -> deleted.contains(BlobIndex.segment(place)));
        }
        if (failed != null) {
            throw new StoreException("cannot apply blob retention in " + directory + ": " + failed.getMessage(), failed);
        }
        return blobs;
    }

    /** The header at {@code position}, or null when it is cut short, damaged or not a record's. */
    private static Header readHeader(FileChannel channel, long position, long end) throws IOException {
        if (end - position < HEADER) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(HEADER);
        PositionalRead.fill(channel, buffer, position, "a blob segment");
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, CHECKED);
        buffer.flip();
        int magic = buffer.getInt();
        byte[] digest = new byte[DIGEST];
        buffer.get(digest);
        long storedAt = buffer.getLong();
        int length = buffer.getInt();
        if (magic != MAGIC || buffer.getInt() != (int) crc.getValue() || length < 0 || length > MAX_CONTENT
                || end - position - HEADER < length) {
            return null;
        }
        return new Header(digest, storedAt, length);
    }

    /** The record's content, if it hashes to the name in its header. */
    private static Optional<byte[]> readContent(FileChannel channel, long position, Header header) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(header.length());
        PositionalRead.fill(channel, content, position + HEADER, "a blob segment");
        return MessageDigest.isEqual(BlobStore.sha256(content.array()), header.digest()) ? Optional.of(content.array())
                : Optional.empty();
    }

    /** The 32 bytes of a {@code sha256:<hex>} name, or null when it is not one. */
    private static byte[] digestBytes(String name) {
        if (name == null || name.length() != 7 + 2 * DIGEST || !name.startsWith("sha256:")) {
            return null;
        }
        try {
            return HEX.parseHex(name, 7, name.length());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Microseconds, not milliseconds: retention run right after a write must judge it as the database's timestamps did. */
    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    private Path file(int number) {
        return directory.resolve(String.format("%010d%s", number, SUFFIX));
    }
}
