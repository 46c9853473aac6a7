package dev.tracegate.ledger.note;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;

/**
 * A log's Ed25519 signing key with its name. Key files use the Go {@code golang.org/x/mod/sumdb/note}
 * private key format, {@code PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>}, so keys move
 * between this log and the Go tooling. The seed never appears in {@link #toString()}.
 */
public final class LogKeyPair {
    private static final String PRIVATE_PREFIX = "PRIVATE+KEY+";

    private final String name;
    private final byte[] seed;
    private final VerifierKey verifierKey;

    private LogKeyPair(String name, byte[] seed) {
        this.name = KeyNames.require(name);
        this.seed = seed.clone();
        this.verifierKey = new VerifierKey(name, Ed25519.publicKeyFromSeed(seed));
    }

    public static LogKeyPair generate(String name) {
        return new LogKeyPair(name, Ed25519.newSeed());
    }

    public static LogKeyPair fromSeed(String name, byte[] seed) {
        return new LogKeyPair(name, seed);
    }

    /** Parses a private key line, checking the key id against the derived public key. */
    public static LogKeyPair parsePrivateKey(String line) throws NoteException {
        String trimmed = line.strip();
        if (!trimmed.startsWith(PRIVATE_PREFIX)) {
            throw malformed("private key must start with " + PRIVATE_PREFIX);
        }
        String[] parts = trimmed.substring(PRIVATE_PREFIX.length()).split("\\+", 3);
        if (parts.length != 3 || !KeyNames.isValid(parts[0]) || !parts[1].matches("[0-9a-f]{8}")) {
            throw malformed("private key must be PRIVATE+KEY+<name>+<key id>+<base64 key>");
        }
        byte[] typed = VerifierKey.decodeBase64(parts[2], "private key");
        if (typed.length != 1 + Ed25519.KEY_SIZE || typed[0] != VerifierKey.ALGORITHM_ED25519) {
            throw malformed("private key is not an Ed25519 key (type 0x01 and a 32-byte seed)");
        }
        LogKeyPair pair = new LogKeyPair(parts[0], Arrays.copyOfRange(typed, 1, typed.length));
        Arrays.fill(typed, (byte) 0);
        if (!pair.verifierKey.keyIdHex().equals(parts[1])) {
            throw malformed("private key id " + parts[1] + " does not match the key (expected " + pair.verifierKey.keyIdHex() + ")");
        }
        return pair;
    }

    public static LogKeyPair load(Path privateKeyFile) throws IOException, NoteException {
        return parsePrivateKey(Files.readString(privateKeyFile, StandardCharsets.UTF_8));
    }

    public String name() {
        return name;
    }

    public VerifierKey verifierKey() {
        return verifierKey;
    }

    public LogSigner signer() {
        return new LogSigner(name, Ed25519.privateKey(seed));
    }

    /** The private key line; handle like any secret. */
    public String privateKeyLine() {
        byte[] typed = new byte[1 + Ed25519.KEY_SIZE];
        typed[0] = VerifierKey.ALGORITHM_ED25519;
        System.arraycopy(seed, 0, typed, 1, Ed25519.KEY_SIZE);
        return PRIVATE_PREFIX + name + "+" + verifierKey.keyIdHex() + "+" + Base64.getEncoder().encodeToString(typed);
    }

    /**
     * Writes the private key line to a new file, readable by the owner only where the file system
     * has POSIX permissions. Refuses to overwrite: replacing a log key by accident is not undoable.
     */
    public void savePrivateKey(Path file) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a log key");
        }
        byte[] content = (privateKeyLine() + "\n").getBytes(StandardCharsets.UTF_8);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.write(file, content, StandardOpenOption.CREATE_NEW);
        }
    }

    /** Writes the verifier key line, the part that is published. */
    public void savePublicKey(Path file) throws IOException {
        Files.writeString(file, verifierKey.format() + "\n", StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "LogKeyPair[" + verifierKey.format() + "]";
    }

    private static NoteException malformed(String message) {
        return new NoteException(NoteException.Reason.MALFORMED, message);
    }
}
