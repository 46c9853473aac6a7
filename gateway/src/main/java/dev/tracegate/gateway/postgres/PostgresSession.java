package dev.tracegate.gateway.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.engine.ClientInput;
import dev.tracegate.gateway.engine.ClientWatch;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.ConnectionAdmission;
import dev.tracegate.gateway.engine.LimitReachedException;
import dev.tracegate.gateway.engine.Relay;
import dev.tracegate.gateway.engine.RelayBuffers;
import dev.tracegate.gateway.engine.RelayInput;
import dev.tracegate.gateway.engine.RelayThreads;
import dev.tracegate.gateway.engine.SessionAdmission;
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
import dev.tracegate.gateway.postgres.results.SessionMessageMasking;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.trace.TraceContext;
import dev.tracegate.policy.trace.TraceContextExtractor;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.ProtocolException;
import dev.tracegate.wire.postgres.backend.AuthenticationCleartextPassword;
import dev.tracegate.wire.postgres.backend.AuthenticationOk;
import dev.tracegate.wire.postgres.backend.BackendKeyData;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.NegotiateProtocolVersion;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.frontend.CancelRequest;
import dev.tracegate.wire.postgres.frontend.GssEncRequest;
import dev.tracegate.wire.postgres.frontend.PasswordMessage;
import dev.tracegate.wire.postgres.frontend.SslRequest;
import dev.tracegate.wire.postgres.frontend.StartupMessage;
import dev.tracegate.wire.postgres.frontend.StartupPacket;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.tracegate.gateway.tls.GatewayTls;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: start-up (TLS, protocol version, the caller's token), the upstream
 * session with the held credential, then the two relays until either side ends.
 */
final class PostgresSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSession.class);
    private static final int TLS_RECORD_HANDSHAKE = 0x16;
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /**
     * Largest password message before authentication: a token, even an OIDC one with many groups,
     * is a few kilobytes; the general message limit (64 MiB by default) is for authenticated work.
     */
    static final int MAX_PASSWORD_MESSAGE_BYTES = 16 * 1024;

    private final Socket socket;
    /** The client's TLS connection over {@link #socket}, once started; closed with it (its engine holds native state). */
    private SSLSocket clientTls;
    private final ConnectionAdmission.Ticket admission;
    /** Where this connection runs: its session on one of them already, the server side relay on another. */
    private final RelayThreads threads;
    private final PostgresListener.Context context;
    /** Why the session was ended while something ran without commands (its key no longer stands), or null. */
    private volatile String revoked;
    private StartupDeadlines.Deadline deadline;
    /** Where an error reaches the client during start-up (plain, then TLS); null inside a TLS handshake. */
    private PgFrameWriter startupOut;
    /** The client's side once it relays; ends the session when idle too long. */
    private ClientInput clientInput;
    private boolean authenticated;

    PostgresSession(Socket socket, ConnectionAdmission.Ticket admission, RelayThreads threads,
                    PostgresListener.Context context) {
        this.socket = socket;
        this.admission = admission;
        this.threads = threads;
        this.context = context;
    }

    @Override
    public void run() {
        String client = address(socket);
        try (socket; admission) {
            deadline = context.deadlines().start(socket);
            try {
                socket.setTcpNoDelay(true);
                start(client);
                if (deadline.expired() && !authenticated) {
                    // The client stopped between two start-up packets, where the shut input reads as a clean end.
                    timedOut(client);
                }
            } catch (ProtocolException e) {
                // Handled while the socket is still open (a try-with-resources closes it before its catch).
                LOG.info("session from {} closed: protocol violation: {}", client, e.getMessage());
                tellDuringStartup("08P01", "protocol violation: " + e.getMessage());
            } catch (IOException e) {
                if (!deadline.expired()) {
                    throw e;
                }
                timedOut(client);
            } finally {
                deadline.meet();
                if (clientTls != null) {
                    closeQuietly(clientTls);
                }
            }
        } catch (IOException e) {
            LOG.debug("session from {} ended: {}", client, e.toString());
        } catch (RuntimeException e) {
            LOG.error("session from {} failed", client, e);
        }
    }

    private void timedOut(String client) {
        LOG.info("session from {} closed: start-up not completed within {} s", client,
                context.deadlines().timeout().toSeconds());
        tellDuringStartup("57014", timeoutMessage());
    }

    private String timeoutMessage() {
        return "start-up and authentication must complete within " + context.deadlines().timeout().toSeconds()
                + " s; the connection is closed";
    }

    /** Best effort: the client may be gone, or in the middle of a TLS handshake where no message fits. */
    private void tellDuringStartup(String sqlState, String message) {
        if (startupOut != null && !authenticated) {
            sendQuietly(startupOut, ErrorResponse.of("FATAL", sqlState, message));
        }
    }

    private void start(String client) throws IOException {
        InputStream raw = socket.getInputStream();
        startupOut = new PgFrameWriter(socket.getOutputStream());
        int first = raw.read();
        if (first < 0) {
            return;
        }
        Socket current = socket;
        InputStream startupIn;
        if (first == TLS_RECORD_HANDSHAKE) {
            startupOut = null;
            SSLSocket tls = context.services().tls().accept(socket, new ByteArrayInputStream(new byte[] {(byte) first}));
            clientTls = tls;
            current = tls;
            startupIn = tls.getInputStream();
            if (!GatewayTls.POSTGRES_ALPN.equals(tls.getApplicationProtocol())) {
                // PostgreSQL 17's rule: TLS first only with ALPN, so no other protocol's client (an HTTPS
                // client sent to this port) gets a session by accident.
                startupOut = new PgFrameWriter(tls.getOutputStream());
                throw new ProtocolException("direct TLS without the ALPN protocol \"" + GatewayTls.POSTGRES_ALPN
                        + "\": connect with sslnegotiation=direct from a PostgreSQL 17 client, or send SSLRequest first");
            }
        } else {
            // Not a SequenceInputStream: that closes the socket's stream, and with it the socket, at its end.
            PushbackInputStream pushedBack = new PushbackInputStream(raw, 1);
            pushedBack.unread(first);
            startupIn = pushedBack;
        }
        // Start-up is read without buffering: nothing sent after an SSLRequest may be consumed
        // before TLS starts (the CVE-2021-23214 class of injection).
        startupOut = new PgFrameWriter(current.getOutputStream());
        StartupMessage startup = null;
        while (startup == null) {
            byte[] body = new PgFrameReader(startupIn, 0).readStartupBody();
            if (body == null) {
                return;
            }
            switch (StartupPacket.decode(body)) {
                case SslRequest ssl -> {
                    if (current instanceof SSLSocket) {
                        throw new ProtocolException("SSLRequest received inside TLS");
                    }
                    startupOut.writeRaw(new byte[] {'S'});
                    startupOut.flush();
                    startupOut = null;
                    SSLSocket tls = context.services().tls().accept(socket, null);
                    clientTls = tls;
                    current = tls;
                    startupIn = tls.getInputStream();
                    startupOut = new PgFrameWriter(tls.getOutputStream());
                }
                case GssEncRequest gss -> {
                    startupOut.writeRaw(new byte[] {'N'});
                    startupOut.flush();
                }
                case CancelRequest cancel -> {
                    context.cancelKeys().lookup(cancel.processId(), cancel.secretKey()).ifPresent(target -> cancel(client, target));
                    return;
                }
                case StartupMessage message -> startup = message;
            }
        }
        if (admission.memoryRefusal() != null) {
            // Told here, inside TLS where the client asked for it, before its token is read and the session's buffers exist.
            LOG.debug("session from {} refused: {}", client, admission.memoryRefusal().getMessage());
            sendQuietly(startupOut, ErrorResponse.of("FATAL", "53300", admission.memoryRefusal().getMessage()));
            return;
        }
        clientInput = new ClientInput(startupIn, current);
        RelayInput in = RelayBuffers.input(clientInput);
        PgFrameWriter out = new PgFrameWriter(RelayBuffers.output(current.getOutputStream()));
        PgFrameReader reader = new PgFrameReader(in, context.services().maxMessageBytes());
        startupOut = out;
        try {
            serve(client, current, startup, in, reader, out);
        } catch (ClientRefusedException e) {
            out.write(ErrorResponse.of("FATAL", e.sqlState(), e.getMessage()).encode());
            out.flush();
        }
    }

    private void serve(String client, Socket clientSocket, StartupMessage startup, RelayInput in, PgFrameReader reader,
                       PgFrameWriter out) throws IOException, ClientRefusedException {
        boolean tls = clientSocket instanceof SSLSocket;
        if (startup.majorVersion() != 3) {
            throw new ClientRefusedException("0A000", "unsupported frontend protocol " + startup.majorVersion()
                    + "." + startup.minorVersion() + ": the gateway speaks 3.0");
        }
        Map<String, String> params = startup.parameters();
        String user = params.getOrDefault("user", "");
        String database = params.getOrDefault("database", user);
        negotiateVersion(startup, out);
        Map<String, String> settings = StartupParameters.forwarded(params);
        Optional<String> transport = SessionAdmission.transportRefusal(tls, socket.getInetAddress(),
                context.allowCleartextOnLoopback());
        if (transport.isPresent()) {
            throw new ClientRefusedException("28000", transport.get() + ": connect with sslmode=require");
        }
        SignedInCaller caller = authenticate(client, user, database, in, out);
        Identity identity = caller.identity();
        if (!deadline.meet()) {
            throw new ClientRefusedException("57014", timeoutMessage());
        }
        admission.authenticated();
        authenticated = true;
        PostgresConnectionConfig connection = context.connection(database);
        if (connection == null) {
            throw new ClientRefusedException("3D000", "connection \"" + database + "\" is not configured on this gateway");
        }
        Subject subject = new Subject(connection.name(), "postgres", Set.copyOf(identity.groups()), identity.kind());
        refuseSearchPathForMaskedCaller(subject, settings);
        String sessionId = UUID.randomUUID().toString();
        SessionInfo info = new SessionInfo(sessionId, identity, client,
                new EvidenceEvent.Resource(connection.name(), "postgres", connection.target()), user,
                context.services().guard().recording().clientName(params.get("application_name")),
                traceOf(params.get("application_name")), caller.key());
        SessionPlace place;
        try {
            place = context.services().admission().admit(identity, SourceAddress.of(clientSocket.getInetAddress()),
                    info.resource());
        } catch (LimitReachedException e) {
            throw new ClientRefusedException("53300", "too many connections: " + e.getMessage());
        }
        try (place) {
            openAndRelay(info, settings, tls, connection, in, reader, out, subject);
        }
    }

    private void openAndRelay(SessionInfo info, Map<String, String> settings, boolean tls, PostgresConnectionConfig connection,
                      RelayInput in, PgFrameReader reader, PgFrameWriter out, Subject subject)
            throws IOException, ClientRefusedException {
        SessionRecorder recorder = new SessionRecorder(context.services().evidence(), info);
        UpstreamPool.Key poolKey = UpstreamPool.key(connection, info.identity(), settings);
        try (BackendSlots.Slot slot = admitted(recorder, tls, poolKey, in)) {
            UpstreamConnection upstream = poolKey == null ? null : context.pool().take(poolKey);
            boolean reused = upstream != null;
            if (!reused) {
                try {
                    upstream = context.connector().connect(connection, settings, context.services().maxMessageBytes());
                } catch (UpstreamException e) {
                    recorder.opened(openDetail(tls, e.getMessage(), null));
                    recorder.closed("upstream unavailable: " + e.getMessage());
                    throw new ClientRefusedException(e.sqlState(), e.getMessage());
                }
            }
            if (poolKey != null) {
                context.pool().started(poolKey, reused);
            }
            recorder.opened(openDetail(tls, null, poolKey == null ? null : upstreamDetail(upstream, reused, slot)));
            Optional<String> unsafe = ServerSettingsWatch.refusal(upstream.parameters());
            if (unsafe.isPresent()) {
                upstream.close();
                recorder.closed(unsafe.get());
                throw new ClientRefusedException("0A000", unsafe.get());
            }
            CommandHold hold = new CommandHold(clientInput, in, out, context.services().approvals(),
                    context.services().gate());
            boolean released = false;
            try {
                released = relay(recorder, upstream, in, reader, out, subject, hold, poolKey, slot);
            } finally {
                if (!released) {
                    upstream.close();
                }
            }
        }
    }

    /**
     * The session's turn at a backend, which {@code upstreamPool.maxSessions} may make it wait for,
     * watching the client's connection {@code in} meanwhile. A session refused its turn (the wait ran
     * out, or the gateway stops) is recorded as opened and closed, as one whose upstream could not be
     * reached; one whose client left while it waited is recorded as opened and closed with that reason,
     * and ends without a word, as there is no one to tell.
     */
    private BackendSlots.Slot admitted(SessionRecorder recorder, boolean tls, UpstreamPool.Key poolKey, InputStream in)
            throws ClientRefusedException, IOException {
        if (poolKey == null) {
            return BackendSlots.Slot.UNBOUNDED;
        }
        try {
            return context.pool().admit(poolKey, millis -> clientInput.polling(millis, () -> ClientWatch.peek(in)));
        } catch (BackendSlots.NoSlotException e) {
            if (e.refusal() == BackendSlots.Refusal.CLIENT_LEFT) {
                recorder.opened(openDetail(tls, null, null));
                recorder.closed(e.getMessage());
                throw new EOFException(e.getMessage());
            }
            recorder.opened(openDetail(tls, e.getMessage(), null));
            recorder.closed("upstream unavailable: " + e.getMessage());
            throw new ClientRefusedException(e.sqlState(), e.getMessage());
        }
    }

    /**
     * For an auditor: whether the session ran on a backend an earlier session of the same caller
     * left, and which; and how long it waited for its turn under maxSessions, when it had to.
     */
    private static ObjectNode upstreamDetail(UpstreamConnection upstream, boolean reused, BackendSlots.Slot slot) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("reused", reused);
        if (upstream.key() != null) {
            detail.put("backend_pid", upstream.key().processId());
        }
        if (slot.waitedNanos() > 0) {
            detail.put("waited_ms", Math.max(1, slot.waitedNanos() / 1_000_000));
        }
        return detail;
    }

    /**
     * The lineage check resolves a masked caller's table names as the upstream role does (the
     * gateway's catalog connection logs in as that role): a search_path of the caller's own could make
     * {@code customers} mean another relation than the one checked.
     */
    private void refuseSearchPathForMaskedCaller(Subject subject, Map<String, String> settings)
            throws ClientRefusedException {
        if (context.services().guard().masking(subject).isPresent()
                && settings.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("search_path"))) {
            throw new ClientRefusedException("42501", "search_path cannot be set by a caller whose results are masked:"
                    + " table names are checked as the connection's role resolves them; qualify names instead");
        }
    }

    /**
     * A trace id the client put in its application_name, as {@code traceparent=00-...-01} or the bare
     * traceparent value, so that tools that cannot add comments can still tie a session to a task.
     */
    static String traceOf(String applicationName) {
        if (applicationName == null) {
            return null;
        }
        Matcher traceparent = TRACEPARENT.matcher(applicationName);
        return traceparent.find()
                ? TraceContextExtractor.parse(traceparent.group()).map(TraceContext::traceId).orElse(null) : null;
    }

    private void negotiateVersion(StartupMessage startup, PgFrameWriter out) throws IOException {
        List<String> protocolOptions = startup.parameters().keySet().stream().filter(k -> k.startsWith("_pq_.")).toList();
        if (startup.minorVersion() > 0 || !protocolOptions.isEmpty()) {
            out.write(new NegotiateProtocolVersion(0, protocolOptions).encode());
        }
    }

    private SignedInCaller authenticate(String client, String user, String database, InputStream in, PgFrameWriter out)
            throws IOException, ClientRefusedException {
        out.write(AuthenticationCleartextPassword.INSTANCE.encode());
        out.flush();
        PgFrame frame;
        try {
            // The small limit is checked on the length word, before the body is read.
            frame = new PgFrameReader(in, MAX_PASSWORD_MESSAGE_BYTES).read();
        } catch (ProtocolException e) {
            refused(client, user, database, "password message over " + MAX_PASSWORD_MESSAGE_BYTES + " bytes");
            throw new ClientRefusedException("08P01", "the password message is larger than the "
                    + MAX_PASSWORD_MESSAGE_BYTES + " bytes accepted before authentication");
        }
        if (frame == null) {
            throw new EOFException("client left during authentication");
        }
        if (frame.type() != PasswordMessage.TYPE) {
            throw new ClientRefusedException("08P01", "expected a password message during authentication");
        }
        String token = PasswordMessage.decode(frame.body()).text();
        try {
            return context.services().admission().signIn(token, reason -> failure(client, user, database, reason));
        } catch (AuthenticationException e) {
            throw new ClientRefusedException("28P01", "password authentication failed for user \""
                    + AuthFailure.cut(user) + "\"");
        }
    }

    /**
     * A cancel withdraws a command held for approvers (recorded as withdrawn); otherwise it reaches
     * the backend only once recorded in the session it cancels, and never a backend already handed
     * to another session.
     */
    private void cancel(String client, CancelKeyRegistry.Target target) {
        if (!target.hold().cancel() && target.reach().use()) {
            target.cancels().forward(client, () -> context.connector().cancel(target.upstream()));
        }
    }

    private void refused(String client, String user, String database, String reason) {
        context.services().evidence().authFailures().refused(failure(client, user, database, reason));
    }

    private AuthFailure failure(String client, String user, String database, String reason) {
        Map<String, String> claimed = new LinkedHashMap<>();
        claimed.put("client_user", user);
        claimed.put("connection", database);
        return new AuthFailure(SourceAddress.of(socket.getInetAddress()), PostgresEngine.PROTOCOL, client, reason, claimed);
    }

    /** Relays until either side ends; returns whether the backend was reset and kept for another session. */
    private boolean relay(SessionRecorder recorder, UpstreamConnection upstream, RelayInput in, PgFrameReader reader,
                          PgFrameWriter out, Subject subject, CommandHold hold, UpstreamPool.Key poolKey,
                          BackendSlots.Slot slot) throws IOException {
        AtomicLong sequences = new AtomicLong();
        SessionCancels cancels = new SessionCancels(recorder, sequences);
        CancelKeyRegistry.ClientKey clientKey = context.cancelKeys().register(new CancelKeyRegistry.UpstreamKey(
                context.connection(recorder.session().resource().connection()),
                upstream.key() == null ? 0 : upstream.key().processId(),
                upstream.key() == null ? new byte[0] : upstream.key().secretKey()), hold, cancels);
        try {
            out.write(AuthenticationOk.INSTANCE.encode());
            for (ParameterStatus status : upstream.parameters()) {
                out.write(status.encode());
            }
            out.write(new BackendKeyData(clientKey.processId(), clientKey.secretKey()).encode());
            out.write(ReadyForQuery.IDLE.encode());
            out.flush();
            InFlightCommands inFlight = new InFlightCommands();
            clientInput.watchIdleness(context.idleWatch(), () -> inFlight.size() > 0, () -> endIdle(out));
            ServerMessageRelay serverRelay = new ServerMessageRelay(upstream.reader(),
                    upstream.serverBytes(), out, recorder, inFlight,
                    new SessionMessageMasking(() -> context.services().guard().masking(subject)));
            AtomicBoolean clientSideDone = new AtomicBoolean();
            Relay serverSide = threads.start("pg-server-" + recorder.session().id(), () -> {
                try {
                    serverRelay.run();
                } catch (IOException e) {
                    LOG.debug("upstream side of {} ended: {}", recorder.session().id(), e.toString());
                }
                // The upstream went away on its own: unblock the client side's read.
                if (!clientSideDone.get()) {
                    closeQuietly(socket);
                }
            });
            ClientMessageRelay clientRelay = new ClientMessageRelay(reader, in, upstream.writer(), recorder, inFlight,
                    subject, context.services().guard(), context.services().gate(), hold,
                    context.columns().apply(context.connection(subject.connection())),
                    context.lineage().apply(context.connection(subject.connection())),
                    context.catalogs().apply(context.connection(subject.connection())),
                    context.calledCode().apply(context.connection(subject.connection())),
                    context.services().resultDataBytes(), poolKey != null, sequences);
            Ending ending;
            try (KeyWatch running = recorder.session().signedInWith().watch(lapse -> {
                // Idle, or waiting for approvers: the check before the next command, or at the decision, refuses it
                // and records which command was the first not to run. In this order: see ServerMessageRelay.idle().
                boolean idle = inFlight.size() == 0 && serverRelay.idle();
                if (!idle && !hold.holding()) {
                    endRevoked(out, upstream, lapse);
                }
            })) {
                ending = threads.relay("pg-client-" + recorder.session().id(), () -> clientSide(recorder, clientRelay));
            }
            clientSideDone.set(true);
            boolean released = poolKey != null
                    && released(poolKey, upstream, ending, inFlight, serverRelay, serverSide, clientKey);
            if (!released) {
                upstream.close();
            }
            slot.close(); // kept or closed: the next session waiting for this key's backend may go on
            joinQuietly(serverSide);
            if (ending.error() != null) {
                sendQuietly(out, ending.error());
            }
            String reason = revoked != null ? revoked : serverRelay.failure() != null ? serverRelay.failure() : ending.reason();
            if (!serverSide.isAlive()) {
                serverRelay.recordUnanswered(reason);
            }
            cancels.end();
            recorder.closed(reason);
            return released;
        } finally {
            clientInput.stopWatching();
            context.cancelKeys().remove(clientKey);
        }
    }

    /**
     * Resets the backend and keeps it for the next session of the same caller and settings, when
     * the session ended cleanly: the client said goodbye, the server had answered everything and
     * was idle outside a transaction (no COPY, nothing in flight, no statement held), and no cancel
     * was ever forwarded for it. Its client key is dead before the reset. Anything else, or a reset
     * that does not answer exactly as expected, leaves the backend to be closed: it is never repaired.
     */
    private boolean released(UpstreamPool.Key poolKey, UpstreamConnection upstream, Ending ending,
                             InFlightCommands inFlight, ServerMessageRelay serverRelay, Relay serverSide,
                             CancelKeyRegistry.ClientKey clientKey) {
        // In this order: see ServerMessageRelay.idle().
        boolean idle = inFlight.size() == 0 && serverRelay.idle();
        if (!ClientMessageRelay.TERMINATED.equals(ending.reason()) || ending.error() != null || !idle
                || serverRelay.failure() != null || !serverSide.isAlive()) {
            return discarded(poolKey, UpstreamPoolCounts.Discard.NOT_CLEAN_END);
        }
        if (context.cancelKeys().retire(clientKey)) {
            return discarded(poolKey, UpstreamPoolCounts.Discard.CANCEL_FORWARDED);
        }
        try {
            serverRelay.release(upstream.writer());
        } catch (IOException e) {
            return discarded(poolKey, UpstreamPoolCounts.Discard.RESET_FAILED);
        }
        joinQuietly(serverSide);
        if (serverSide.isAlive() || !serverRelay.released() || upstream.serverBytes().hasBufferedBytes()) {
            return discarded(poolKey, UpstreamPoolCounts.Discard.RESET_FAILED);
        }
        context.pool().offer(poolKey, upstream.withReported(serverRelay.reported()));
        return true;
    }

    /** Counts why a backend is not kept; the caller closes it. Always false: not released. */
    private boolean discarded(UpstreamPool.Key poolKey, UpstreamPoolCounts.Discard reason) {
        context.pool().count(poolKey, reason);
        return false;
    }

    /** Why the client side stopped, and the error the client is told once the server side is quiet. */
    private record Ending(String reason, ErrorResponse error) {
    }

    private Ending clientSide(SessionRecorder recorder, ClientMessageRelay clientRelay) {
        try {
            return new Ending(clientRelay.run(), null);
        } catch (EvidenceLogUnavailableException e) {
            // Fail closed: the commands in this batch never reach the upstream.
            LOG.error("session {}: {}", recorder.session().id(), e.getMessage());
            return new Ending("evidence log unavailable", ErrorResponse.of("FATAL", "58000",
                    "command not executed: the evidence log is unavailable; the session is closed"));
        } catch (SessionKeyRevokedException e) {
            return new Ending(e.getMessage(), ErrorResponse.of("FATAL", "28000", "tracegate: " + e.getMessage()));
        } catch (ClientInput.IdleSessionException e) {
            // The idle watch told the client when it ended the session (endIdle).
            return new Ending("idle session timeout: " + e.getMessage(), null);
        } catch (ProtocolException e) {
            return new Ending("protocol violation: " + e.getMessage(),
                    ErrorResponse.of("FATAL", "08P01", "protocol violation: " + e.getMessage()));
        } catch (IOException e) {
            if (revoked != null) {
                return new Ending(revoked, null); // endRevoked told the client
            }
            return new Ending(socket.isClosed() ? "upstream closed the connection" : "client connection lost", null);
        }
    }

    private ObjectNode openDetail(boolean tls, String upstreamError, ObjectNode upstream) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("tls", tls);
        if (upstreamError != null) {
            detail.put("upstream_error", upstreamError);
        }
        if (upstream != null) {
            detail.set("upstream", upstream);
        }
        return detail;
    }

    /**
     * The idle watch ends the session, on its own thread, while the client side waits in its read
     * with nothing in flight: the client is told (under the lock the server side writes under) and
     * the connection closed, which ends that read.
     */
    private void endIdle(PgFrameWriter out) {
        String reason = context.idleWatch().reason();
        synchronized (out) {
            sendQuietly(out, ErrorResponse.of("FATAL", "57P05", "terminating connection due to idle-session timeout: "
                    + reason));
        }
        closeQuietly(socket);
    }

    /**
     * The key the session signed in with no longer stands while something runs without commands
     * (a COPY the client streams, a long statement or result): the client is told (under the lock
     * the server side writes under), and both connections are closed, which ends the COPY or
     * statement on the server and the relay's reads. Checking before each command alone would let
     * it run on.
     */
    private void endRevoked(PgFrameWriter out, UpstreamConnection upstream, AuthenticationException lapse) {
        revoked = CommandGate.lapsedReason(lapse);
        upstream.close();
        synchronized (out) {
            sendQuietly(out, ErrorResponse.of("FATAL", "28000", "tracegate: " + revoked));
        }
        closeQuietly(socket);
    }

    private void sendQuietly(PgFrameWriter out, ErrorResponse error) {
        try {
            out.write(error.encode());
            out.flush();
        } catch (IOException ignored) {
            // The client is gone; there is no one left to tell.
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }

    private static void joinQuietly(Relay relay) {
        try {
            relay.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String address(Socket socket) {
        if (socket.getRemoteSocketAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return String.valueOf(socket.getRemoteSocketAddress());
    }
}
