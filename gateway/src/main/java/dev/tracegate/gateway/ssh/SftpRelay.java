package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;
import dev.tracegate.policy.shell.ShellClassification;
import dev.tracegate.policy.sql.StatementClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sftp subsystem relayed packet by packet. Every request that reads, writes, deletes or
 * renames goes through the seam (a {@code command} event, then forward, refuse with
 * SSH_FX_PERMISSION_DENIED, or hold); the data of each opened file is hashed as it passes, and
 * its {@code command.result} gives the name, size and SHA-256 when the handle is closed. Requests
 * the gateway does not know are refused (SSH_FX_OP_UNSUPPORTED) rather than passed unseen.
 */
final class SftpRelay extends CallerStreams {

    private static final Logger LOG = LoggerFactory.getLogger(SftpRelay.class);

    static final int INIT = 1, VERSION = 2, OPEN = 3, CLOSE = 4, READ = 5, WRITE = 6, LSTAT = 7, FSTAT = 8, SETSTAT = 9,
            FSETSTAT = 10, OPENDIR = 11, READDIR = 12, REMOVE = 13, MKDIR = 14, RMDIR = 15, REALPATH = 16, STAT = 17,
            RENAME = 18, READLINK = 19, SYMLINK = 20, STATUS = 101, HANDLE = 102, DATA = 103, NAME = 104, ATTRS = 105,
            EXTENDED = 200;
    private static final int FX_PERMISSION_DENIED = 3, FX_OP_UNSUPPORTED = 8;
    private static final int PFLAG_READ = 0x01, PFLAG_WRITE = 0x02, PFLAG_APPEND = 0x04, PFLAG_CREAT = 0x08, PFLAG_TRUNC = 0x10;
    /** Metadata requests that change nothing and move no file content. */
    private static final Set<Integer> METADATA = Set.of(LSTAT, FSTAT, READDIR, REALPATH, STAT, READLINK);
    /** OpenSSH extensions that change nothing and move no file content. */
    private static final Set<String> HARMLESS_EXTENSIONS = Set.of("statvfs@openssh.com", "fstatvfs@openssh.com",
            "limits@openssh.com", "expand-path@openssh.com", "home-directory", "fsync@openssh.com",
            "users-groups-by-id@openssh.com");

    private static final Map<Long, String> STATUS_NAMES = Map.of(1L, " (end of file)", 2L, " (no such file)",
            3L, " (permission denied)", 4L, " (failure)", 5L, " (bad message)", 8L, " (operation unsupported)");

    private final SshListenerContext context;
    /** Handles the host gave for opened files, with their transfer. */
    private final Map<String, SftpTransfer> handles = new ConcurrentHashMap<>();
    /** Request ids of OPENs and READs in flight, for pairing the host's HANDLE and DATA answers. */
    private final Map<Long, SftpTransfer> opening = new ConcurrentHashMap<>();
    private final Map<Long, PendingRead> reading = new ConcurrentHashMap<>();
    /**
     * Request ids of the other operations the gateway decided and forwarded (a directory opened,
     * a file removed, renamed, made, its attributes set), with their command's seq: the host's
     * answer to each is the command's result.
     */
    private final Map<Long, Long> answering = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> homeLookups = new ConcurrentHashMap<>();
    private volatile String home;
    private volatile ChannelSubsystem upstream;
    private volatile HostPaths hostPaths;

    private record PendingRead(SftpTransfer transfer, long offset) {
    }

    SftpRelay(SshListenerContext context) {
        this.context = context;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        SshCaller caller = channel.getSession().getAttribute(SshCaller.KEY);
        RequestedEnvironment requested = SessionChannel.requestedEnvironment(channel);
        Thread.ofVirtual().name("sftp-" + channel.getChannelId()).start(() -> run(caller, requested));
    }

    private void run(SshCaller caller, RequestedEnvironment requested) {
        int status = 1;
        try {
            String environmentRefused = context.gate().admitEnvironment(caller, requested, this::tell);
            if (environmentRefused != null) {
                context.gate().refuseForEnvironment(caller, "sftp", SshRequestFacts.sftpSession(),
                        environmentRefused);
                tell(environmentRefused);
                return;
            }
            ChannelSubsystem channel = caller.upstream(context.hosts()).createSubsystemChannel("sftp");
            upstream = channel;
            hostPaths = new HostPaths(caller.upstream(context.hosts()));
            channel.open().verify(Duration.ofSeconds(15));
            Thread answers = Thread.ofVirtual().name("sftp-answers").start(() -> answers(caller, channel));
            requests(caller, channel.getInvertedIn());
            channel.getInvertedIn().close();
            channel.waitFor(java.util.EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
            answers.join(Duration.ofSeconds(5));
            status = 0;
        } catch (EvidenceLogUnavailableException e) {
            tell("the evidence log cannot record the request, so the sftp session ends");
        } catch (IOException | RuntimeException e) {
            LOG.debug("sftp of {} ended: {}", caller.connection().name(), e.toString());
            tell("sftp ended: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ChannelSubsystem channel = upstream;
            if (channel != null) {
                channel.close(false);
            }
            if (hostPaths != null) {
                hostPaths.close();
            }
            exit.onExit(status);
        }
    }

    /** Caller to host: each packet is inspected and forwarded, refused, or held. */
    private void requests(SshCaller caller, OutputStream host) throws IOException, EvidenceLogUnavailableException {
        for (byte[] packet = SftpFrames.read(in); packet != null; packet = SftpFrames.read(in)) {
            SftpRequest request = SftpRequest.parse(packet);
            String refusal = request.type() == INIT ? null : inspect(caller, request, packet);
            if (refusal == null) {
                SftpFrames.write(host, packet);
            } else {
                SftpFrames.write(out, status(request.id(), refusal.startsWith("unsupported") ? FX_OP_UNSUPPORTED
                        : FX_PERMISSION_DENIED, refusal));
            }
        }
    }

    /** @return null to forward, or the message the caller's refusal carries */
    private String inspect(SshCaller caller, SftpRequest request, byte[] packet) throws EvidenceLogUnavailableException {
        int type = request.type();
        if (METADATA.contains(type)) {
            if (type == REALPATH && home == null) {
                homeLookups.put(request.id(), request.paths().equals(List.of(".")));
            }
            return null;
        }
        if (!request.readable()) {
            return "unsupported: a path that is not UTF-8 (the gateway decides only on paths it can read)";
        }
        List<String> paths = request.paths();
        return switch (type) {
            case OPEN -> {
                boolean writes = (request.openFlags() & (PFLAG_WRITE | PFLAG_APPEND | PFLAG_CREAT | PFLAG_TRUNC)) != 0;
                // Opened to read and write, the handle reads the file as well: decided as a read too.
                String read = writes && (request.openFlags() & PFLAG_READ) != 0
                        ? readFirst(caller, paths.getFirst(), "the write that follows, whose handle reads it too") : null;
                yield read != null ? read : open(caller, request.id(), writes ? SshOperation.WRITE : SshOperation.READ,
                        paths.getFirst());
            }
            case OPENDIR -> decide(caller, request.id(), SshOperation.READ, paths);
            case READ -> {
                SftpTransfer transfer = handles.get(request.handle());
                if (transfer != null) {
                    reading.put(request.id(), new PendingRead(transfer, request.offset()));
                }
                yield null;
            }
            case WRITE -> {
                SftpTransfer transfer = handles.get(request.handle());
                if (transfer != null) {
                    transfer.data(request.offset(), packet, request.dataFrom(), request.dataLength());
                }
                yield null;
            }
            case CLOSE -> {
                SftpTransfer transfer = handles.remove(request.handle());
                if (transfer != null) {
                    caller.recorder().result(new ResultRecord(transfer.sequence(), "ok", List.of(transfer.description(),
                            "bytes " + transfer.bytes(), transfer.digest()), transfer.bytes(), 0, null, null));
                }
                yield null;
            }
            case FSETSTAT -> {
                // Attributes through a handle change the file as SETSTAT does: decided as a write,
                // even when the file was opened only to read it.
                SftpTransfer transfer = handles.get(request.handle());
                yield transfer == null ? "unsupported: attributes of a handle the gateway did not see opened"
                        : setAttributes(caller, request, List.of(transfer.path()));
            }
            case SETSTAT -> setAttributes(caller, request, paths);
            case MKDIR, SYMLINK -> decide(caller, request.id(), SshOperation.WRITE, paths);
            case REMOVE, RMDIR -> decide(caller, request.id(), SshOperation.DELETE, paths);
            case RENAME -> moved(caller, request.id(), SshOperation.RENAME, paths);
            case EXTENDED -> request.extension().equals("lsetstat@openssh.com") ? setAttributes(caller, request, paths)
                    : extended(caller, request.id(), request.extension(), paths);
            default -> "unsupported: SFTP request type " + type + " is not one the gateway inspects";
        };
    }

    private String extended(SshCaller caller, long id, String name, List<String> paths)
            throws EvidenceLogUnavailableException {
        if (HARMLESS_EXTENSIONS.contains(name)) {
            return null;
        }
        return switch (name) {
            case "posix-rename@openssh.com" -> moved(caller, id, SshOperation.RENAME, paths);
            case "hardlink@openssh.com" -> moved(caller, id, SshOperation.WRITE, paths);
            case "lsetstat@openssh.com" -> decide(caller, id, SshOperation.WRITE, paths);
            default -> "unsupported: SFTP extension " + name + " is not one the gateway inspects";
        };
    }

    private String open(SshCaller caller, long id, SshOperation operation, String path)
            throws EvidenceLogUnavailableException {
        String absolute = absolute(path);
        if (absolute == null) {
            return "a relative path before the home directory is known";
        }
        long seq = caller.nextSequence();
        // A file opened for writing is written by the packets that follow, which approvers do not see.
        String refusal = admit(caller, seq, judged(operation, List.of(absolute)),
                operation == SshOperation.WRITE ? UnseenInput.FILE_CONTENTS : UnseenInput.NONE);
        if (refusal == null) {
            opening.put(id, new SftpTransfer(seq, operation.configName(), absolute));
        }
        return refusal;
    }

    /**
     * A rename or a hard link gives a file's content another name, where it is read as any file is:
     * its source is decided as a read first, so a rule that keeps a directory from being read is not
     * walked around by moving or linking a file out of it and reading it there; then the request itself.
     */
    private String moved(SshCaller caller, long id, SshOperation operation, List<String> paths)
            throws EvidenceLogUnavailableException {
        String refusal = paths.isEmpty() ? null : readFirst(caller, paths.getFirst(), "the " + operation.configName()
                + " that follows, which gives its content another name");
        return refusal != null ? refusal : decide(caller, id, operation, paths);
    }

    /**
     * Decides a read of {@code path} that a request other than a read performs ({@code by}), as a
     * command of its own, closed at once when allowed; the refusal, or null when allowed. A
     * relative path before the home directory is known is left to the request's own decision,
     * which refuses it.
     */
    private String readFirst(SshCaller caller, String path, String by) throws EvidenceLogUnavailableException {
        String source = absolute(path);
        if (source == null) {
            return null;
        }
        long seq = caller.nextSequence();
        String refusal = admit(caller, seq, judged(SshOperation.READ, List.of(source)), UnseenInput.NONE);
        if (refusal == null) {
            caller.recorder().result(new ResultRecord(seq, "ok", List.of("read by " + by), 0, 0, null, null));
        }
        return refusal;
    }

    /**
     * SETSTAT, FSETSTAT and {@code lsetstat@openssh.com} write a file's attributes; those that set its
     * permissions or owner (sftp's {@code chmod}, {@code chown}, {@code chgrp}) are judged as chmod and
     * chown on a command line are: {@code privilege} at least (a setuid bit, a key made readable to all).
     */
    private String setAttributes(SshCaller caller, SftpRequest request, List<String> paths)
            throws EvidenceLogUnavailableException {
        boolean modeOrOwner = (request.attributes() & SftpRequest.MODE_OR_OWNER) != 0;
        return decide(caller, request.id(), SshOperation.WRITE, paths, modeOrOwner);
    }

    private String decide(SshCaller caller, long id, SshOperation operation, List<String> paths)
            throws EvidenceLogUnavailableException {
        return decide(caller, id, operation, paths, false);
    }

    private String decide(SshCaller caller, long id, SshOperation operation, List<String> paths, boolean modeOrOwner)
            throws EvidenceLogUnavailableException {
        List<String> absolute = paths.stream().map(this::absolute).toList();
        if (absolute.contains(null)) {
            return "a relative path before the home directory is known";
        }
        long seq = caller.nextSequence();
        SshRequestFacts facts = judged(operation, absolute);
        if (modeOrOwner && !facts.classification().statementClass().isAtLeast(StatementClass.PRIVILEGE)) {
            ShellClassification judged = facts.classification();
            facts = new SshRequestFacts(facts.operation(), facts.text(), facts.paths(), facts.trees(),
                    new ShellClassification(StatementClass.PRIVILEGE, judged.programs(), Stream.concat(Stream.of("sets a"
                            + " file's permissions or owner, as chmod and chown do"), judged.reasons().stream()).toList()),
                    facts.typed());
        }
        String refusal = admit(caller, seq, facts, UnseenInput.NONE);
        if (refusal == null) {
            answering.put(id, seq);
        }
        return refusal;
    }

    /**
     * The request as the policy judges it: on its paths as sent and where they are on the host; when
     * the host cannot say where one is, on the paths as sent and as {@code unknown}, so that it is
     * refused (and recorded) unless a rule allows what the gateway cannot place.
     */
    private SshRequestFacts judged(SshOperation operation, List<String> absolute) {
        List<String> judged = withRealPlaces(absolute);
        if (judged != null) {
            return SshRequestFacts.file(operation, judged);
        }
        SshRequestFacts sent = SshRequestFacts.file(operation, absolute);
        return new SshRequestFacts(operation, sent.text(), absolute, List.of(), new ShellClassification(
                StatementClass.UNKNOWN, List.of(), List.of(HostPaths.UNPLACEABLE)), false);
    }

    /**
     * The paths as sent, and where each is on the host once its links are followed, when that is
     * elsewhere: a {@code files} rule that matches either decides the request, so a link into a
     * protected directory ({@code ~/alias -> /srv/protected}) no longer walks around it. Null when
     * the host cannot say where a path is (a directory in it does not exist).
     */
    private List<String> withRealPlaces(List<String> paths) {
        List<String> judged = new ArrayList<>(paths);
        for (String path : paths) {
            try {
                String real = hostPaths.real(path);
                if (!judged.contains(real)) {
                    judged.add(real);
                }
            } catch (IOException e) {
                LOG.debug("sftp path {} not resolved on the host: {}", path, e.toString());
                return null;
            }
        }
        return judged;
    }

    private String admit(SshCaller caller, long seq, SshRequestFacts facts, UnseenInput unseen)
            throws EvidenceLogUnavailableException {
        Admission admission = context.gate().admit(caller, seq, "sftp", facts, unseen, this::tell);
        return admission instanceof Admission.Refused refused ? SshRequestGate.refusal(refused) : null;
    }

    /**
     * The path the host will act on, normalised, so that rules on {@code files} see {@code /etc/x}
     * however it was spelled. Relative paths are resolved against the home directory the host
     * reported for {@code realpath .} (OpenSSH's sftp and scp ask for it first).
     */
    private String absolute(String path) {
        String base = path.startsWith("/") ? "" : home;
        if (base == null) {
            return null;
        }
        return Path.of(base.isEmpty() ? path : base + "/" + path).normalize().toString();
    }

    /** Host to caller: packets pass unchanged; handles, file data and the home directory are noted on the way. */
    private void answers(SshCaller caller, ChannelSubsystem channel) {
        try {
            InputStream host = channel.getInvertedOut();
            for (byte[] packet = SftpFrames.read(host); packet != null; packet = SftpFrames.read(host)) {
                observe(caller, packet);
                SftpFrames.write(out, packet);
            }
        } catch (IOException e) {
            LOG.debug("sftp answers of {} ended: {}", caller.connection().name(), e.toString());
        } finally {
            try {
                in.close();
            } catch (IOException e) {
                LOG.debug("sftp input not closed: {}", e.toString());
            }
        }
    }

    private void observe(SshCaller caller, byte[] packet) throws SftpFrames.SftpProtocolException {
        SftpFields b = new SftpFields(packet);
        int type = b.uint8();
        if (type == VERSION) {
            return;
        }
        long id = b.uint32("request id");
        SftpTransfer opened = opening.remove(id);
        PendingRead read = reading.remove(id);
        Boolean lookup = homeLookups.remove(id);
        Long decided = answering.remove(id);
        if (decided != null) {
            caller.recorder().result(answer(decided, type, b));
        } else if (opened != null && type != HANDLE) {
            caller.recorder().result(answer(opened.sequence(), type, b)); // the host refused to open it
        }
        if (type == HANDLE && opened != null) {
            handles.put(java.util.HexFormat.of().formatHex(b.bytes("handle")), opened);
        } else if (type == DATA && read != null) {
            int length = b.stringLength("data");
            read.transfer().data(read.offset(), packet, b.position(), length);
        } else if (type == NAME && Boolean.TRUE.equals(lookup) && b.uint32("count") >= 1) {
            String directory = b.path("name");
            if (directory != null && directory.startsWith("/")) {
                home = directory;
            }
        }
    }

    /**
     * The host's answer to a decided operation as its result: {@code ok} for SSH_FX_OK or a handle,
     * {@code error} with the host's status code (and its name) otherwise.
     */
    private static ResultRecord answer(long seq, int type, SftpFields b) throws SftpFrames.SftpProtocolException {
        if (type != STATUS) {
            return new ResultRecord(seq, "ok", List.of(type == HANDLE ? "handle" : "answer " + type), 0, 0, null, null);
        }
        long code = b.uint32("status code");
        if (code == 0) {
            return new ResultRecord(seq, "ok", List.of("status 0"), 0, 0, null, null);
        }
        // The host's message is its own text (it may name a file): the code says what happened.
        return new ResultRecord(seq, "error", List.of("sftp status " + code + STATUS_NAMES.getOrDefault(code, "")), 0, 0,
                null, null);
    }

    private static byte[] status(long id, int code, String message) {
        Buffer b = new ByteArrayBuffer();
        b.putByte((byte) STATUS);
        b.putUInt(id);
        b.putUInt(code);
        b.putString(message);
        b.putString("en");
        return b.getCompactData();
    }

    @Override
    public void destroy(ChannelSession channel) {
        ChannelSubsystem relayed = upstream;
        if (relayed != null) {
            relayed.close(false);
        }
        if (hostPaths != null) {
            hostPaths.close();
        }
    }
}
