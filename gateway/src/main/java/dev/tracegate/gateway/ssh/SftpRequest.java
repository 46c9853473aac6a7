package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.ssh.SftpFrames.SftpProtocolException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One request of the caller's sftp client, read as the host will read it
 * (draft-ietf-secsh-filexfer-02 and OpenSSH's extensions): the relay decides on these fields and
 * forwards the packet's bytes unchanged, so each field must be exactly what the bytes say. A packet
 * too short for its type's fields is refused ({@link SftpProtocolException}); fields after those
 * the relay reads (attributes) are the host's to read.
 *
 * @param type       the request type ({@link SftpRelay#OPEN}, ...)
 * @param id         the request id; for INIT, the client's version
 * @param paths      the paths the request names, in order, as UTF-8 text; empty when
 *                   {@code readable} is false
 * @param readable   false when a path is not UTF-8 (the request is refused, not guessed at)
 * @param openFlags  OPEN's pflags; 0 for other requests
 * @param handle     the handle the request acts through, in hex; null when it names none
 * @param offset     READ's and WRITE's file offset
 * @param dataFrom   where WRITE's data starts in the packet
 * @param dataLength how many bytes WRITE writes, within the packet
 * @param extension  EXTENDED's request name; null for other requests
 * @param attributes the flags of the attributes SETSTAT, FSETSTAT and {@code lsetstat@openssh.com}
 *                   set ({@link #MODE_OR_OWNER} among them); 0 for other requests
 */
record SftpRequest(int type, long id, List<String> paths, boolean readable, int openFlags, String handle, long offset,
                   int dataFrom, int dataLength, String extension, int attributes) {

    /** SSH_FILEXFER_ATTR_UIDGID and SSH_FILEXFER_ATTR_PERMISSIONS: the attributes chown and chmod set. */
    static final int MODE_OR_OWNER = 0x2 | 0x4;

    /** OpenSSH extensions whose fields name a path, two paths, or a handle. */
    private static final Set<String> ONE_PATH = Set.of("lsetstat@openssh.com", "statvfs@openssh.com",
            "expand-path@openssh.com");
    private static final Set<String> TWO_PATHS = Set.of("posix-rename@openssh.com", "hardlink@openssh.com");
    private static final Set<String> HANDLE = Set.of("fstatvfs@openssh.com", "fsync@openssh.com");

    static SftpRequest parse(byte[] packet) throws SftpProtocolException {
        SftpFields in = new SftpFields(packet);
        Fields f = new Fields(in.uint8());
        long id = in.uint32(f.type == SftpRelay.INIT ? "version" : "request id");
        switch (f.type) {
            case SftpRelay.OPEN -> {
                f.path(in);
                f.openFlags = (int) in.uint32("pflags");
            }
            case SftpRelay.OPENDIR, SftpRelay.REMOVE, SftpRelay.RMDIR, SftpRelay.REALPATH, SftpRelay.STAT,
                 SftpRelay.LSTAT, SftpRelay.READLINK, SftpRelay.MKDIR -> f.path(in);
            case SftpRelay.SETSTAT -> {
                f.path(in);
                f.attributes = (int) in.uint32("attribute flags");
            }
            case SftpRelay.RENAME, SftpRelay.SYMLINK -> {
                f.path(in);
                f.path(in);
            }
            case SftpRelay.CLOSE, SftpRelay.FSTAT, SftpRelay.READDIR -> f.handle(in);
            case SftpRelay.FSETSTAT -> {
                f.handle(in);
                f.attributes = (int) in.uint32("attribute flags");
            }
            case SftpRelay.READ -> {
                f.handle(in);
                f.offset = in.uint64("offset");
                in.uint32("length");
            }
            case SftpRelay.WRITE -> {
                f.handle(in);
                f.offset = in.uint64("offset");
                f.dataLength = in.stringLength("data");
                f.dataFrom = in.position();
                in.skip(f.dataLength);
            }
            case SftpRelay.EXTENDED -> f.extension(in);
            default -> {
                // A type the relay does not know: refused by type, whatever follows.
            }
        }
        boolean readable = !f.paths.contains(null);
        return new SftpRequest(f.type, id, readable ? List.copyOf(f.paths) : List.of(), readable, f.openFlags, f.handle,
                f.offset, f.dataFrom, f.dataLength, f.extension, f.attributes);
    }

    /** The fields of one request while it is read. */
    private static final class Fields {
        final int type;
        final List<String> paths = new ArrayList<>(2);
        int openFlags;
        String handle;
        long offset;
        int dataFrom;
        int dataLength;
        String extension;
        int attributes;

        Fields(int type) {
            this.type = type;
        }

        void path(SftpFields in) throws SftpProtocolException {
            paths.add(in.path("path"));
        }

        void handle(SftpFields in) throws SftpProtocolException {
            // Handles are opaque bytes (OpenSSH's are binary numbers): kept as hex.
            handle = HexFormat.of().formatHex(in.bytes("handle"));
        }

        void extension(SftpFields in) throws SftpProtocolException {
            String name = in.path("extension name");
            extension = name == null ? "(a name that is not UTF-8)" : name;
            if (ONE_PATH.contains(extension)) {
                path(in);
                if (extension.equals("lsetstat@openssh.com")) {
                    attributes = (int) in.uint32("attribute flags");
                }
            } else if (TWO_PATHS.contains(extension)) {
                path(in);
                path(in);
            } else if (HANDLE.contains(extension)) {
                handle(in);
            }
        }
    }
}
