package dev.tracegate.gateway.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each checkpoint to a directory outside the store, as {@code checkpoint-<size>} plus a
 * {@code latest} copy. Someone who controls the gateway's database cannot rewrite history
 * without the next start-up noticing that the store disagrees with this directory.
 */
public final class DirectoryCheckpointSink implements CheckpointSink {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryCheckpointSink.class);

    private final Path directory;

    public DirectoryCheckpointSink(Path directory) {
        this.directory = directory;
    }

    @Override
    public void publish(CheckpointService.SignedCheckpoint checkpoint) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(String.format("checkpoint-%012d", checkpoint.checkpoint().size()));
            Files.writeString(file, checkpoint.note(), StandardCharsets.UTF_8);
            Path temp = directory.resolve("latest.tmp");
            Files.writeString(temp, checkpoint.note(), StandardCharsets.UTF_8);
            Files.move(temp, directory.resolve("latest"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("cannot publish checkpoint {} to {}: {}", checkpoint.checkpoint().size(), directory, e.getMessage());
        }
    }

    /** The latest checkpoint published here, if any. */
    public Optional<String> latest() {
        Path file = directory.resolve("latest");
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            LOG.error("cannot read {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
