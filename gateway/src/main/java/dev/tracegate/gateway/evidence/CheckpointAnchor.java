package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The last checkpoint this gateway signed, kept in a file outside the store (by default under the
 * data directory), so the store alone cannot rewrite history: whoever can write the database can
 * delete its checkpoint rows and rewrite events, but at the next start the store must still extend
 * this checkpoint or the gateway refuses to run.
 *
 * <p>Each write goes to a temporary file in the same directory, is forced to disk, replaces the
 * anchor by an atomic rename, and the directory is forced too: a crash leaves the old anchor or
 * the new one, never a torn file.
 */
public final class CheckpointAnchor {

    private final Path file;

    public CheckpointAnchor(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** The anchored checkpoint's signed note, or empty when nothing was anchored here yet. */
    public Optional<String> read() {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read the evidence anchor " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the anchor with {@code note}, durably. */
    public void write(String note) {
        Path directory = file.getParent();
        Path temp = directory.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(directory);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(directory);
        } catch (IOException e) {
            throw new StoreException("cannot write the evidence anchor " + file + ": " + e.getMessage(), e);
        }
    }

    /** Makes the rename itself durable; file systems that cannot open a directory (not POSIX) keep the file's own force. */
    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Nothing more can be done here; the file's contents are already on disk.
        }
    }
}
