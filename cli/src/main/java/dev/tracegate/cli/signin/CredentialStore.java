package dev.tracegate.cli.signin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The credentials file, {@code $XDG_CONFIG_HOME/tracegate/credentials.json} (or
 * {@code ~/.config/tracegate/credentials.json}): readable by its owner only (0600, in a 0700
 * directory), replaced atomically, and locked while a refresh is under way so two {@code tracegate
 * token} runs never spend the same rotating refresh token.
 */
final class CredentialStore {

    /** The store's lock, held until closed. */
    interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }


    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final int FORMAT_VERSION = 1;

    private final Path file;

    CredentialStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** The current user's credentials file, following the XDG base directory rules. */
    static CredentialStore forCurrentUser() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        // The XDG specification says to ignore a relative XDG_CONFIG_HOME.
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return new CredentialStore(config.resolve("tracegate").resolve("credentials.json"));
    }

    Path path() {
        return file;
    }

    /** Whether anyone has signed in; checked first so a mere lookup creates no files. */
    boolean exists() {
        return Files.exists(file);
    }

    /** Holds the store's lock until closed; read, change and write under it. */
    Lock lock() throws IOException {
        createDirectory();
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel channel = posix()
                ? FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly(OWNER_FILE))
                : FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        return () -> {
            lock.release();
            channel.close();
        };
    }

    StoredLogins read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return StoredLogins.empty();
        }
        try {
            JsonNode json = JSON.readTree(bytes);
            Map<String, StoredLogin> logins = new LinkedHashMap<>();
            for (JsonNode login : json.path("logins")) {
                StoredLogin stored = StoredLogin.fromJson(login);
                logins.put(stored.issuer(), stored);
            }
            String current = json.path("current").asText(null);
            return new StoredLogins(logins.containsKey(current) ? current : null, logins);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CliException("the credentials file " + file + " is damaged; delete it and run tracegate login again");
        }
    }

    /** Replaces the file's content; with no sign-in left, the file is deleted. */
    void write(StoredLogins logins) throws IOException {
        if (logins.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        createDirectory();
        ObjectNode json = JSON.createObjectNode();
        json.put("version", FORMAT_VERSION);
        json.put("current", logins.current());
        ObjectNode byIssuer = json.putObject("logins");
        logins.byIssuer().forEach((issuer, login) -> byIssuer.set(issuer, login.toJson()));
        Path temporary = posix()
                ? Files.createTempFile(file.getParent(), "credentials", ".tmp", ownerOnly(OWNER_FILE))
                : Files.createTempFile(file.getParent(), "credentials", ".tmp");
        try {
            Files.write(temporary, JSON.writeValueAsBytes(json));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void createDirectory() throws IOException {
        Path directory = file.getParent();
        if (Files.isDirectory(directory)) {
            return;
        }
        if (posix()) {
            Files.createDirectories(directory, ownerOnly(OWNER_DIRECTORY));
            // The umask may have taken bits away, never added them; set the mode exactly anyway.
            Files.setPosixFilePermissions(directory, OWNER_DIRECTORY);
        } else {
            Files.createDirectories(directory);
        }
    }

    private boolean posix() {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
