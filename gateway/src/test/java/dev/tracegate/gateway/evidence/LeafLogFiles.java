package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.merkle.MerkleHashes;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
 * What someone who can write the data directory does to the embedded store's leaf log, knowing
 * its format: every record rewritten in proper form (index, length, leaf, CRC-32C), so nothing
 * but the tree itself can tell.
 */
final class LeafLogFiles {

    private LeafLogFiles() {
    }

    /** Every leaf of the log in {@code directory}, in order. */
    static List<byte[]> leaves(Path directory) throws IOException {
        List<byte[]> leaves = new ArrayList<>();
        for (Path segment : segments(directory)) {
            try (InputStream raw = Files.newInputStream(segment)) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw));
                while (true) {
                    try {
                        in.readLong();
                    } catch (EOFException end) {
                        break;
                    }
                    byte[] leaf = new byte[in.readInt()];
                    in.readFully(leaf);
                    in.readInt();
                    leaves.add(leaf);
                }
            }
        }
        return leaves;
    }

    /** Replaces the log with these leaves, as one well-formed segment; the offsets go (the log rebuilds them). */
    static void rewrite(Path directory, List<byte[]> leaves) throws IOException {
        for (Path segment : segments(directory)) {
            Files.delete(segment);
        }
        Files.deleteIfExists(directory.resolve("offsets"));
        try (FileChannel out = FileChannel.open(directory.resolve(String.format("%020d.leaves", 0)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int index = 0; index < leaves.size(); index++) {
                byte[] leaf = leaves.get(index);
                ByteBuffer record = ByteBuffer.allocate(16 + leaf.length).putLong(index).putInt(leaf.length).put(leaf);
                CRC32C crc = new CRC32C();
                crc.update(record.array(), 0, 12 + leaf.length);
                record.putInt((int) crc.getValue()).flip();
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
        }
    }

    static void replaceLeaf(Path directory, int index, byte[] leaf) throws IOException {
        List<byte[]> leaves = leaves(directory);
        leaves.set(index, leaf);
        rewrite(directory, leaves);
    }

    /** Keeps only the first {@code size} events, and cuts the hash files to match, as a careful forger would. */
    static void truncate(Path directory, int size) throws IOException {
        rewrite(directory, new ArrayList<>(leaves(directory).subList(0, size)));
        try (Stream<Path> files = Files.list(directory.resolve("merkle"))) {
            for (Path file : files.toList()) {
                int level = Integer.parseInt(file.getFileName().toString().substring("level-".length()));
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate((long) (size >>> level) * MerkleHashes.HASH_SIZE);
                }
            }
        }
    }

    /** Overwrites one stored subtree hash. */
    static void overwriteHash(Path directory, int level, long index, byte[] hash) throws IOException {
        try (FileChannel channel = FileChannel.open(directory.resolve("merkle").resolve(String.format("level-%02d", level)),
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(hash), index * MerkleHashes.HASH_SIZE);
        }
    }

    static byte[] hash(Path directory, int level, long index) throws IOException {
        try (FileChannel channel = FileChannel.open(directory.resolve("merkle").resolve(String.format("level-%02d", level)),
                StandardOpenOption.READ)) {
            ByteBuffer hash = ByteBuffer.allocate(MerkleHashes.HASH_SIZE);
            channel.read(hash, index * MerkleHashes.HASH_SIZE);
            return hash.array();
        }
    }

    private static List<Path> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".leaves")).sorted().toList();
        }
    }
}
