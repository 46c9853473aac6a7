package dev.tracegate.gateway.ssh;

import dev.tracegate.policy.rules.SshRequestFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Where a path is on the host once its symbolic links are followed, as the host's own sftp server
 * resolves it ({@code SSH_FXP_REALPATH}, over an sftp channel of the gateway's own on the caller's
 * upstream session). A path reached through a link ({@code ~/alias/x} with {@code alias ->
 * /srv/protected}) is written where the link leads, so {@code files} rules must see that place
 * too, not only the spelling the caller sent. Used by one relay thread at a time.
 */
final class HostPaths implements AutoCloseable {

    /** Why a request is judged {@code unknown} when one of its paths cannot be placed. */
    static final String UNPLACEABLE = "the host cannot say where the path is once its links are followed (a"
            + " directory in it does not exist), so the gateway cannot decide on it";

    /** Why an exec line is judged {@code unknown} when git may make a directory it then writes through. */
    static final String UNBORN = "the line writes into a directory that does not exist yet on the host, and git, which"
            + " the line runs, writes names the line does not show (a repository's symbolic links among them): the"
            + " gateway cannot say where the write lands";

    private static final int INIT = 1, VERSION = 2, REALPATH = 16, NAME = 104;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);

    private final ClientSession session;
    private ChannelSubsystem channel;
    private long nextId = 1;

    HostPaths(ClientSession session) {
        this.session = session;
    }

    /**
     * The path with every link in it followed (a last component that does not exist yet is kept as
     * it is, as OpenSSH's sftp server keeps it).
     *
     * @throws IOException when the host cannot say (a directory in the path does not exist, or the
     *                     channel failed): the caller's request is then refused, since where it
     *                     would act is not known
     */
    synchronized String real(String path) throws IOException {
        ChannelSubsystem sftp = open();
        Buffer request = new ByteArrayBuffer();
        request.putByte((byte) REALPATH);
        long id = nextId++;
        request.putUInt(id);
        request.putString(path);
        SftpFrames.write(sftp.getInvertedIn(), request.getCompactData());
        byte[] answer = SftpFrames.read(sftp.getInvertedOut());
        if (answer == null) {
            throw new IOException("the host's sftp server ended");
        }
        SftpFields fields = new SftpFields(answer);
        int type = fields.uint8();
        if (fields.uint32("request id") != id || type != NAME || fields.uint32("count") < 1) {
            throw new HostAnswer("the host cannot resolve " + path);
        }
        String real = fields.path("name");
        if (real == null || !real.startsWith("/")) {
            throw new IOException("the host resolved " + path + " to a name the gateway cannot read");
        }
        return real;
    }

    /**
     * A legacy scp line ({@code scp -t PATH}, {@code scp -f PATH}) with where its paths are on the
     * host once their links are followed, so that {@code files} rules see where its files are
     * written or read, as for sftp; {@code unknown} when the host cannot say. Any other request as
     * it is. Asks over a channel of its own, closed before the answer.
     */
    static SshRequestFacts placed(ClientSession session, SshRequestFacts request) {
        List<String> written = request.legacyScpPaths();
        if (written.isEmpty()) {
            return request;
        }
        List<String> places = new ArrayList<>();
        try (HostPaths host = new HostPaths(session)) {
            for (String path : written) {
                places.add(host.real(path));
            }
        } catch (IOException e) {
            return request.unplaceable(UNPLACEABLE);
        }
        return request.placedAt(places);
    }

    /**
     * An exec line with where the files it writes are on the host once their links are followed
     * ({@link SshRequestFacts#writesPlacedAt}): {@code cd /tmp/lnk && echo x > hosts}, {@code lnk}
     * a link to {@code /etc}, writes {@code /etc/hosts}. A directory the line writes into that does not
     * exist yet (it makes it) is placed by its nearest existing parent, unless the line runs git, which
     * may make it with links in it ({@code git clone URL d && echo x > d/lnk/f}): then, and when the
     * host cannot say at all, {@code unknown}. Any other request as it is.
     */
    static SshRequestFacts writesPlaced(ClientSession session, SshRequestFacts request) {
        List<String> written = request.writtenPaths();
        if (written.isEmpty()) {
            return request;
        }
        Map<String, String> places = new LinkedHashMap<>();
        try (HostPaths host = new HostPaths(session)) {
            String home = host.real(".");
            for (String path : written) {
                String onHost = path.equals("~") ? home : path.startsWith("~/") ? home + path.substring(1) : path;
                // Judged as the line's own paths are: in the home directory as ~/..., whatever the home is.
                Place found = host.nearest(onHost);
                if (!found.missing().isEmpty() && request.classification().programs().contains("git")) {
                    return request.unplaceable(UNBORN); // git clone URL d && echo x > d/lnk/f: lnk may come with d
                }
                String place = inHome(found.path(), home);
                if (!place.equals(path)) {
                    places.put(path, place);
                }
            }
        } catch (IOException e) {
            return request.unplaceable(UNPLACEABLE);
        }
        return request.writesPlacedAt(places);
    }

    /** A place on the host, written {@code ~/...} when it is in the upstream account's home directory. */
    private static String inHome(String place, String home) {
        if (place.equals(home)) {
            return "~";
        }
        return place.startsWith(home + "/") && !home.equals("/") ? "~" + place.substring(home.length()) : place;
    }

    /**
     * Where an absolute path is once its links are followed, its directories that do not exist yet
     * kept as written after the nearest one that does (a line that makes them writes there).
     */
    private Place nearest(String path) throws IOException {
        String missing = "";
        String existing = path;
        while (true) {
            try {
                return new Place(real(existing.isEmpty() ? "/" : existing), missing);
            } catch (HostAnswer e) {
                if (existing.isEmpty()) {
                    throw e;
                }
                int slash = existing.lastIndexOf('/');
                missing = existing.substring(slash) + missing;
                existing = existing.substring(0, slash);
            }
        }
    }

    /**
     * A path placed on the host: where its nearest existing directory is, and the rest as written.
     *
     * @param existing where the part that exists is once its links are followed
     * @param missing  the part that does not exist yet ({@code /new/f}), empty when all of it does
     */
    private record Place(String existing, String missing) {

        String path() {
            return missing.isEmpty() ? existing : (existing.equals("/") ? "" : existing) + missing;
        }
    }

    /** The host answered that it cannot resolve a path (rather than the channel failing). */
    private static final class HostAnswer extends IOException {
        HostAnswer(String message) {
            super(message);
        }
    }

    private ChannelSubsystem open() throws IOException {
        if (channel != null) {
            return channel;
        }
        ChannelSubsystem sftp = session.createSubsystemChannel("sftp");
        sftp.open().verify(OPEN_TIMEOUT);
        Buffer init = new ByteArrayBuffer();
        init.putByte((byte) INIT);
        init.putUInt(3);
        OutputStream in = sftp.getInvertedIn();
        SftpFrames.write(in, init.getCompactData());
        InputStream out = sftp.getInvertedOut();
        byte[] version = SftpFrames.read(out);
        if (version == null || version.length == 0 || version[0] != VERSION) {
            sftp.close(true);
            throw new IOException("the host's sftp server did not start");
        }
        channel = sftp;
        return sftp;
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close(false);
        }
    }
}
