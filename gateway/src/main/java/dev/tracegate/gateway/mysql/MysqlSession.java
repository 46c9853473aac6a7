package dev.tracegate.gateway.mysql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.engine.ClientInput;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.ConnectionAdmission;
import dev.tracegate.gateway.engine.LimitReachedException;
import dev.tracegate.gateway.engine.RelayThreads;
import dev.tracegate.gateway.engine.SessionKeyRevokedException;
import dev.tracegate.gateway.engine.SessionPlace;
import dev.tracegate.gateway.engine.SignedInCaller;
import dev.tracegate.gateway.engine.StartupDeadlines;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.KeyWatch;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlProtocolException;
import dev.tracegate.wire.mysql.OkPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's connection: the handshake and its token ({@link CallerHandshake}), the session's
 * place and evidence, the upstream session with the held password, then the caller's commands
 * ({@link CommandRelay}) until either side ends. Whatever goes wrong ends this session only, and
 * the caller is told why in an ERR packet where the protocol still allows one.
 */
final class MysqlSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MysqlSession.class);
    private static final int LOGIN_TIMEOUT_MILLIS = 30_000;
    private static final int POLICY_MASKING_REFUSAL = 1227;
    /** ER_CLIENT_INTERACTION_TIMEOUT: how MySQL ends a session idle past its {@code wait_timeout}. */
    private static final int CLIENT_INTERACTION_TIMEOUT = 4031;

    private final Socket socket;
    /** Why the session was ended while a command ran (its key no longer stands), or null. */
    private volatile String revoked;
    /** The connection's place within the listener's limits: among those logging in until authenticated. */
    private final ConnectionAdmission.Ticket ticket;
    /** Where this connection runs: its session, and with it the relay, on one of them already. */
    private final RelayThreads threads;
    private final MysqlListener.Context context;
    /** From accept to a verified token: a client that trickles its log-in cannot hold its place for ever. */
    private StartupDeadlines.Deadline deadline;
    private final CallerHandshake handshake;
    /** Where an error reaches the caller once the handshake is done. */
    private PacketChannel errors;

    MysqlSession(Socket socket, ConnectionAdmission.Ticket ticket, RelayThreads threads, MysqlListener.Context context) {
        this.socket = socket;
        this.ticket = ticket;
        this.threads = threads;
        this.context = context;
        this.handshake = new CallerHandshake(context.services().tls(), context.allowCleartextOnLoopback(),
                context.serverVersion());
    }

    @Override
    public void run() {
        String client = address(socket);
        try (socket; ticket) {
            // Handled while the socket is still open (a try-with-resources closes it before its catch).
            try {
                deadline = context.deadlines().start(socket);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(LOGIN_TIMEOUT_MILLIS);
                serve(client);
            } catch (SessionRefusedException e) {
                LOG.info("mysql session from {} refused: {}", client, e.getMessage());
                tell(e.error());
            } catch (MysqlProtocolException e) {
                if (!toldTooSlow(client)) {
                    LOG.info("mysql session from {} closed: protocol violation: {}", client, e.getMessage());
                    tell(new ErrPacket(ErrPacket.MALFORMED_PACKET, "08S01", "protocol violation: " + e.getMessage()));
                }
            } catch (SocketTimeoutException e) {
                tell(new ErrPacket(1159, "08S01", "the connection was idle or its login too slow; it is closed"));
            } catch (IOException e) {
                if (!toldTooSlow(client)) {
                    throw e;
                }
            }
        } catch (IOException e) {
            LOG.debug("mysql session from {} ended: {}", client, e.toString());
        } catch (RuntimeException e) {
            LOG.error("mysql session from {} failed", client, e);
        }
    }

    /**
     * When the log-in deadline passed, the socket's input was shut under whatever read the session
     * was in: tells the client why, instead of the read's own failure.
     */
    private boolean toldTooSlow(String client) {
        if (deadline == null || !deadline.expired()) {
            return false;
        }
        String why = "the log-in must complete within " + context.deadlines().timeout().toSeconds()
                + " seconds (listeners.mysql.limits.startupTimeoutSeconds); the connection is closed";
        LOG.info("mysql session from {} closed: {}", client, why);
        tell(new ErrPacket(1159, "08S01", why));
        return true;
    }

    private void serve(String client) throws IOException, SessionRefusedException {
        long connectionId = context.connectionIds().incrementAndGet();
        CallerLogin login = handshake.run(socket, connectionId);
        errors = login.channel();
        String user = login.response().username();
        String database = login.response().database();
        SignedInCaller caller = authenticate(client, user, database, login.token());
        Identity identity = caller.identity();
        if (!deadline.meet()) {
            throw new IOException("the log-in deadline passed"); // run() tells the client why
        }
        ticket.authenticated();
        MysqlConnectionConfig connection = connection(database);
        Subject subject = new Subject(connection.name(), MysqlEngine.PROTOCOL, Set.copyOf(identity.groups()), identity.kind());
        SessionInfo info = new SessionInfo(UUID.randomUUID().toString(), identity, client,
                new EvidenceEvent.Resource(connection.name(), MysqlEngine.PROTOCOL, connection.target()), user,
                context.services().guard().recording().clientName(login.response().attributes().get("program_name")),
                null, caller.key());
        SessionPlace place;
        try {
            place = context.services().admission().admit(identity, SourceAddress.of(socket.getInetAddress()), info.resource());
        } catch (LimitReachedException e) {
            throw new SessionRefusedException(ErrPacket.TOO_MANY_CONNECTIONS, "08004", "too many connections: " + e.getMessage());
        }
        try (place) {
            openAndRelay(info, login, connection, subject, connectionId);
        }
    }

    private void openAndRelay(SessionInfo info, CallerLogin login, MysqlConnectionConfig connection, Subject subject,
                              long connectionId) throws IOException, SessionRefusedException {
        SessionRecorder recorder = new SessionRecorder(context.services().evidence(), info);
        MysqlUpstream upstream;
        try {
            upstream = context.connector().connect(connection, login.capabilities(), login.response().characterSet(),
                    context.services().maxMessageBytes());
        } catch (UpstreamException e) {
            recorder.opened(openDetail(login, e.getMessage()));
            recorder.closed("upstream unavailable: " + e.getMessage());
            throw new SessionRefusedException(2013, "08S01", e.getMessage());
        }
        recorder.opened(openDetail(login, null));
        try (upstream; CallerThreads.Thread self = context.threads().opened(connectionId, info.identity(), connection.name(),
                upstream.threadId())) {
            Socket caller = login.channel().socket();
            ClientInput callerInput = new ClientInput(caller.getInputStream(), caller);
            PacketChannel channel = PacketChannel.caller(caller, callerInput, context.services().maxMessageBytes());
            channel.sequence(login.channel().nextSequence());
            // The server's own status: clients escape strings by its NO_BACKSLASH_ESCAPES flag, as the server reads them.
            channel.sendNow(new OkPacket(0, 0, upstream.statusFlags(), 0, null).encode());
            errors = channel;
            // Untimed reads: the listener's idle watch counts the caller's silence (a timed read cost two wake-ups of
            // the scheduler's delay thread per command). One thread carries both directions, so while it reads the
            // caller nothing is in flight; a held command's looks are no idleness either.
            caller.setSoTimeout(0);
            callerInput.watchIdleness(context.idleWatch(), () -> false, () -> endIdle(channel));
            try {
                recorder.closed(threads.relay("mysql-relay-" + recorder.session().id(),
                        () -> relay(recorder, channel, upstream, subject, self)));
            } finally {
                callerInput.stopWatching();
            }
        }
    }

    /**
     * The idle watch ends the session, on its own thread, while the session's thread waits in its
     * read of the caller (so nothing else writes to the caller): the caller is told with MySQL's
     * own error for it and the connection closed, which ends that read.
     */
    private void endIdle(PacketChannel channel) {
        try {
            channel.sendNow(new ErrPacket(CLIENT_INTERACTION_TIMEOUT, "HY000", "the session was idle too long: "
                    + context.idleWatch().reason() + "; it is closed").encode());
        } catch (IOException ignored) {
            // The caller is already gone.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    private String relay(SessionRecorder recorder, PacketChannel channel, MysqlUpstream upstream, Subject subject,
                         CallerThreads.Thread self) {
        UpstreamLineage lineage = context.lineage().apply(context.services()
                .connection(subject.connection(), MysqlConnectionConfig.class).orElseThrow());
        CommandRelay commands = new CommandRelay(context.services(), subject, recorder, channel, upstream, lineage,
                new CommandRelay.Threads(context.threads(), self));
        // A long result or LOAD DATA LOCAL stream is no command: without the watch, one begun before the caller's
        // key was revoked would run to its end. The session's one thread writes to the caller, so the watch cannot
        // tell the caller why without breaking a packet: it closes both connections, and the evidence says why.
        try (KeyWatch running = recorder.session().signedInWith().watch(lapse -> {
            if (commands.running()) {
                endRevoked(upstream, lapse);
            }
        })) {
            return commands.run();
        } catch (EvidenceLogUnavailableException e) {
            // Fail closed: the command never reaches the upstream.
            LOG.error("session {}: {}", recorder.session().id(), e.getMessage());
            tell(new ErrPacket(ErrPacket.GATEWAY_UNAVAILABLE, "08S01",
                    "command not executed: the evidence log is unavailable; the session is closed"));
            return "evidence log unavailable";
        } catch (ClientInput.IdleSessionException e) {
            // The idle watch told the caller when it ended the session (endIdle).
            return "idle session timeout: " + e.getMessage();
        } catch (SessionKeyRevokedException e) {
            tell(new ErrPacket(ErrPacket.AUTHENTICATION_FAILED, "28000", "tracegate: " + e.getMessage()));
            return e.getMessage();
        } catch (MysqlProtocolException e) {
            tell(new ErrPacket(ErrPacket.MALFORMED_PACKET, "08S01", "protocol violation: " + e.getMessage()));
            return "protocol violation: " + e.getMessage();
        } catch (dev.tracegate.masking.MaskingRefusedException e) {
            tell(new ErrPacket(POLICY_MASKING_REFUSAL, "42000", "tracegate: " + e.getMessage()
                    + "; the result cannot be masked, the session is closed"));
            return "masking refused: " + e.getMessage();
        } catch (IOException e) {
            if (revoked != null) {
                return revoked;
            }
            return socket.isClosed() ? "connection closed" : "connection lost: " + e.getMessage();
        }
    }

    /** Ends a session whose key no longer stands while a command of it runs ({@link KeyWatch}). */
    private void endRevoked(MysqlUpstream upstream, AuthenticationException lapse) {
        revoked = CommandGate.lapsedReason(lapse);
        upstream.close();
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    private SignedInCaller authenticate(String client, String user, String database, String token)
            throws SessionRefusedException {
        try {
            return context.services().admission().signIn(token, reason -> failure(client, user, database, reason));
        } catch (AuthenticationException e) {
            throw new SessionRefusedException(ErrPacket.AUTHENTICATION_FAILED, "28000", "Access denied for user '"
                    + AuthFailure.cut(user) + "': the password must be a valid gateway token");
        }
    }

    private MysqlConnectionConfig connection(String database) throws SessionRefusedException {
        if (database == null || database.isEmpty()) {
            throw new SessionRefusedException(ErrPacket.UNKNOWN_DATABASE, "42000", "name the gateway connection as the"
                    + " database (mysql/mariadb: -D <connection> or a last argument; JDBC: the URL's path)");
        }
        return context.services().connection(database, MysqlConnectionConfig.class).orElseThrow(() ->
                new SessionRefusedException(ErrPacket.UNKNOWN_DATABASE, "42000", "connection '" + AuthFailure.cut(database)
                        + "' is not a MySQL connection of this gateway"));
    }

    private AuthFailure failure(String client, String user, String database, String reason) {
        Map<String, String> claimed = new LinkedHashMap<>();
        claimed.put("client_user", user);
        claimed.put("connection", database);
        return new AuthFailure(SourceAddress.of(socket.getInetAddress()), MysqlEngine.PROTOCOL, client, reason, claimed);
    }

    private static ObjectNode openDetail(CallerLogin login, String upstreamError) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("tls", login.channel().tls());
        detail.put("auth_plugin", login.plugin());
        if (upstreamError != null) {
            detail.put("upstream_error", upstreamError);
        }
        return detail;
    }

    /** Best effort: the caller may be gone, or in the middle of a TLS handshake where no packet fits. */
    private void tell(ErrPacket error) {
        PacketChannel channel = errors != null ? errors : handshake.current();
        if (channel == null) {
            return;
        }
        try {
            channel.sendNow(error.encode());
        } catch (IOException ignored) {
            // There is no one left to tell.
        }
    }

    private static String address(Socket socket) {
        if (socket.getRemoteSocketAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return String.valueOf(socket.getRemoteSocketAddress());
    }
}
