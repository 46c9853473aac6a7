package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import dev.tracegate.ledger.merkle.SubtreeSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The hash of every complete subtree of the embedded log, beside the {@link LeafLog}: one file per
 * level ({@code merkle/level-NN}), 32 bytes per subtree in index order, so {@code hash(level,
 * index)} is one positioned read and a proof takes O(log n) of them. Level 0 holds the leaf hashes.
 *
 * <p>Each hash is written once and never changed; a batch of leaves appends the subtrees it
 * completes ({@link CompactRange}). The files are derived from the leaves: after a crash they are
 * completed from the log, and at every start {@link StoreHistoryCheck} requires that they agree
 * with it.
 */
final class SubtreeHashFiles implements SubtreeHashes, AutoCloseable {

    private static final int LEVELS = 63;
    private static final int HASH = MerkleHashes.HASH_SIZE;

    private final Path directory;
    private final FileChannel[] levels = new FileChannel[LEVELS];
    private final ByteBuffer[] pending = new ByteBuffer[LEVELS];
    private CompactRange range;
    /** {@link #keep}, made once: every leaf of the log passes through it. */
    private final SubtreeSink keeper = this::keep;

    private SubtreeHashFiles(Path directory) {
        this.directory = directory;
    }

    /** Opens the files and completes them up to the log's size from its leaves. */
    static SubtreeHashFiles open(Path directory, LeafLog log) throws IOException {
        Files.createDirectories(directory);
        SubtreeHashFiles files = new SubtreeHashFiles(directory);
        try {
            files.complete(log);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
        return files;
    }

    /** Leaves whose hashes are stored: the entries of level 0. */
    long size() throws IOException {
        return channel(0).size() / HASH;
    }

    private void complete(LeafLog log) throws IOException {
        long size = Math.min(size(), log.size());
        // Each level is appended by a write of its own: a crash between them (kill -9) leaves a higher level short
        // of what level 0 holds. Trust the levels only as far as every one of them goes; the rest is made again.
        for (int level = 1; level < LEVELS && size >>> level > 0; level++) {
            long entries = channel(level).size() / HASH;
            if (entries < size >>> level) {
                size = ((entries + 1) << level) - 1;
            }
        }
        // A write cut short by a crash leaves part of an entry, or entries of leaves the log lost with it.
        for (int level = 0; level < LEVELS; level++) {
            if (level > 0 && size >>> level == 0 && !Files.exists(file(level))) {
                break;
            }
            channel(level).truncate(Math.min(channel(level).size() / HASH, size >>> level) * HASH);
        }
        range = CompactRange.load(this, size);
        if (size < log.size()) {
            log.scan(size, log.size(), (index, leaf) -> add(MerkleHashes.leafHash(leaf)));
            flush();
        }
    }

    /** Appends the next leaf hash and every subtree it completes (written at the next {@link #flush}). */
    void add(byte[] leafHash) {
        range.append(leafHash, keeper);
    }

    private void keep(int level, long index, byte[] hash) {
        ByteBuffer buffer = pending[level];
        if (buffer == null || buffer.remaining() < HASH) {
            buffer = grow(level);
        }
        buffer.put(hash);
    }

    private ByteBuffer grow(int level) {
        ByteBuffer old = pending[level];
        ByteBuffer bigger = ByteBuffer.allocate(old == null ? HASH * 64 : old.capacity() * 2);
        if (old != null) {
            bigger.put(old.flip());
        }
        pending[level] = bigger;
        return bigger;
    }

    /** Leaves added so far, written or not. */
    long addedSize() {
        return range.size();
    }

    /** Writes what {@link #add} gathered. */
    void flush() throws IOException {
        for (int level = 0; level < LEVELS; level++) {
            ByteBuffer buffer = pending[level];
            if (buffer == null || buffer.position() == 0) {
                continue;
            }
            buffer.flip();
            FileChannel channel = channel(level);
            long at = channel.size();
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
            buffer.clear();
        }
    }

    @Override
    public byte[] hash(int level, long index) {
        try {
            FileChannel channel = channel(level);
            long position = index * HASH;
            if (index < 0 || position + HASH > channel.size()) {
                throw missing(level, index);
            }
            ByteBuffer hash = ByteBuffer.allocate(HASH);
            while (hash.hasRemaining()) {
                if (channel.read(hash, position + hash.position()) < 0) {
                    throw missing(level, index);
                }
            }
            return hash.array();
        } catch (IOException e) {
            throw new StoreException("cannot read merkle subtree " + level + "/" + index + " from " + directory, e);
        }
    }

    private synchronized FileChannel channel(int level) throws IOException {
        if (levels[level] == null) {
            levels[level] = FileChannel.open(file(level), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return levels[level];
    }

    private Path file(int level) {
        return directory.resolve(String.format("level-%02d", level));
    }

    private StoreException missing(int level, long index) {
        return new StoreException("merkle subtree " + level + "/" + index + " is missing from " + directory
                + ": it was damaged or tampered with");
    }

    @Override
    public void close() throws IOException {
        for (FileChannel channel : levels) {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
