package dev.tracegate.gateway.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.postgres.results.SessionMessageMasking;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.TraceContext;
import dev.tracegate.policy.sql.TraceContextExtractor;
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
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: start-up (TLS, protocol version, the caller's token), the upstream
 * session with the held credential, then the two relays until either side ends.
 */
final class PostgresSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSession.class);
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int TLS_RECORD_HANDSHAKE = 0x16;
    /** Start-up parameters the gateway sets itself or refuses to pass on. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final List<String> WITHHELD_PARAMETERS = List.of("user", "database", "options", "replication");

    private final Socket socket;
    private final PostgresListener.Context context;

    PostgresSession(Socket socket, PostgresListener.Context context) {
        this.socket = socket;
        this.context = context;
    }

    @Override
    public void run() {
        String client = address(socket);
        try (socket) {
            socket.setTcpNoDelay(true);
            start(client);
        } catch (ProtocolException e) {
            LOG.info("session from {} closed: protocol violation: {}", client, e.getMessage());
        } catch (IOException e) {
            LOG.debug("session from {} ended: {}", client, e.toString());
        } catch (RuntimeException e) {
            LOG.error("session from {} failed", client, e);
        }
    }

    private void start(String client) throws IOException {
        InputStream raw = socket.getInputStream();
        int first = raw.read();
        if (first < 0) {
            return;
        }
        Socket current = socket;
        InputStream startupIn;
        if (first == TLS_RECORD_HANDSHAKE) {
            SSLSocket tls = context.tls().accept(socket, new ByteArrayInputStream(new byte[] {(byte) first}));
            current = tls;
            startupIn = tls.getInputStream();
        } else {
            startupIn = new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), raw);
        }
        // Start-up is read without buffering: nothing sent after an SSLRequest may be consumed
        // before TLS starts (the CVE-2021-23214 class of injection).
        PgFrameWriter startupOut = new PgFrameWriter(current.getOutputStream());
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
                    SSLSocket tls = context.tls().accept(socket, null);
                    current = tls;
                    startupIn = tls.getInputStream();
                    startupOut = new PgFrameWriter(tls.getOutputStream());
                }
                case GssEncRequest gss -> {
                    startupOut.writeRaw(new byte[] {'N'});
                    startupOut.flush();
                }
                case CancelRequest cancel -> {
                    context.cancelKeys().lookup(cancel.processId(), cancel.secretKey()).ifPresent(target -> {
                        if (!target.hold().cancel()) {
                            context.connector().cancel(target.upstream());
                        }
                    });
                    return;
                }
                case StartupMessage message -> startup = message;
            }
        }
        BufferedInputStream in = new BufferedInputStream(startupIn, BUFFER_BYTES);
        PgFrameWriter out = new PgFrameWriter(new BufferedOutputStream(current.getOutputStream(), BUFFER_BYTES));
        PgFrameReader reader = new PgFrameReader(in, context.maxMessageBytes());
        try {
            serve(client, current, startup, in, reader, out);
        } catch (ClientRefusedException e) {
            out.write(ErrorResponse.of("FATAL", e.sqlState(), e.getMessage()).encode());
            out.flush();
        }
    }

    private void serve(String client, Socket clientSocket, StartupMessage startup, InputStream in, PgFrameReader reader,
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
        refuseUnsafeLexing(params);
        if (!tls && !(context.allowCleartextOnLoopback() && socket.getInetAddress().isLoopbackAddress())) {
            throw new ClientRefusedException("28000", "the gateway requires TLS: connect with sslmode=require");
        }
        Identity identity = authenticate(client, user, database, reader, out);
        ConnectionConfig connection = context.connections().apply(database);
        if (connection == null || connection.isHttp()) {
            throw new ClientRefusedException("3D000", "connection \"" + database + "\" is not configured on this gateway");
        }
        String sessionId = UUID.randomUUID().toString();
        SessionInfo info = new SessionInfo(sessionId, identity, client,
                new EvidenceEvent.Resource(connection.name(), "postgres", connection.target()), user,
                params.get("application_name"), traceOf(params.get("application_name")));
        SessionRecorder recorder = new SessionRecorder(context.evidence(), info);
        UpstreamConnection upstream;
        try {
            upstream = context.connector().connect(connection, forwardedParameters(params), context.maxMessageBytes());
        } catch (UpstreamException e) {
            recorder.opened(openDetail(tls, e.getMessage()));
            recorder.closed("upstream unavailable: " + e.getMessage());
            throw new ClientRefusedException(e.sqlState(), e.getMessage());
        }
        recorder.opened(openDetail(tls, null));
        Optional<String> unsafe = ServerSettingsWatch.refusal(upstream.parameters());
        if (unsafe.isPresent()) {
            upstream.close();
            recorder.closed(unsafe.get());
            throw new ClientRefusedException("0A000", unsafe.get());
        }
        Subject subject = new Subject(connection.name(), "postgres", Set.copyOf(identity.groups()), identity.kind());
        CommandHold hold = new CommandHold(clientSocket, in, out, context.approvals());
        try (upstream) {
            relay(recorder, upstream, in, reader, out, subject, hold);
        }
    }

    /**
     * The SQL guard reads statements as UTF-8 with standard-conforming strings. Client-only
     * multi-byte encodings can put a quote or backslash byte inside a character, and
     * {@code standard_conforming_strings=off} changes what a backslash means: either would let a
     * string hide a statement from the guard, so both are refused at start-up.
     */
    private static void refuseUnsafeLexing(Map<String, String> params) throws ClientRefusedException {
        String encoding = params.getOrDefault("client_encoding", "").toUpperCase(Locale.ROOT).replaceAll("[-_ ]", "");
        if (List.of("SJIS", "SHIFTJIS", "SHIFTJIS2004", "BIG5", "GBK", "GB18030", "UHC", "JOHAB", "WIN936", "WIN949", "WIN950",
                "CP936", "CP949", "CP950").contains(encoding)) {
            throw new ClientRefusedException("0A000", "client_encoding " + params.get("client_encoding")
                    + " is not supported through the gateway: its multi-byte characters can hide quotes from the SQL guard;"
                    + " use UTF8");
        }
        String conforming = params.get("standard_conforming_strings");
        if (conforming != null && !conforming.equalsIgnoreCase("on")) {
            throw new ClientRefusedException("0A000", "standard_conforming_strings must stay on through the gateway");
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

    private Identity authenticate(String client, String user, String database, PgFrameReader reader, PgFrameWriter out)
            throws IOException, ClientRefusedException {
        out.write(AuthenticationCleartextPassword.INSTANCE.encode());
        out.flush();
        PgFrame frame = reader.read();
        if (frame == null) {
            throw new EOFException("client left during authentication");
        }
        if (frame.type() != PasswordMessage.TYPE) {
            throw new ClientRefusedException("08P01", "expected a password message during authentication");
        }
        String token = PasswordMessage.decode(frame.body()).text();
        try {
            return context.identities().verify(token);
        } catch (AuthenticationException e) {
            ObjectNode detail = EvidenceEvent.newDetail();
            detail.put("reason", e.getMessage());
            detail.put("client", client);
            detail.put("client_user", user);
            detail.put("protocol", "postgres");
            detail.put("connection", database);
            context.evidence().append(new EvidenceEvent(Instant.now(), EventType.AUTH_FAILURE,
                    EvidenceEvent.UNAUTHENTICATED, null, null, null, detail));
            throw new ClientRefusedException("28P01", "password authentication failed for user \"" + user + "\"");
        }
    }

    private void relay(SessionRecorder recorder, UpstreamConnection upstream, InputStream in, PgFrameReader reader,
                       PgFrameWriter out, Subject subject, CommandHold hold) throws IOException {
        CancelKeyRegistry.ClientKey clientKey = context.cancelKeys().register(new CancelKeyRegistry.UpstreamKey(
                context.connections().apply(recorder.session().resource().connection()),
                upstream.key() == null ? 0 : upstream.key().processId(),
                upstream.key() == null ? new byte[0] : upstream.key().secretKey()), hold);
        try {
            out.write(AuthenticationOk.INSTANCE.encode());
            for (ParameterStatus status : upstream.parameters()) {
                out.write(status.encode());
            }
            out.write(new BackendKeyData(clientKey.processId(), clientKey.secretKey()).encode());
            out.write(ReadyForQuery.IDLE.encode());
            out.flush();
            InFlightCommands inFlight = new InFlightCommands();
            ServerMessageRelay serverRelay = new ServerMessageRelay(upstream.reader(),
                    upstream.socket().getInputStream(), out, recorder, inFlight,
                    new SessionMessageMasking(() -> context.guard().masking(subject)));
            AtomicBoolean clientSideDone = new AtomicBoolean();
            Thread serverSide = Thread.ofVirtual().name("pg-server-" + recorder.session().id()).start(() -> {
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
                    subject, context.guard(), context.approvals(), hold,
                    context.columns().apply(context.connections().apply(subject.connection())), context.resultDataBytes());
            Ending ending = clientSide(recorder, clientRelay);
            clientSideDone.set(true);
            upstream.close();
            joinQuietly(serverSide);
            if (ending.error() != null) {
                sendQuietly(out, ending.error());
            }
            recorder.closed(serverRelay.failure() != null ? serverRelay.failure() : ending.reason());
        } finally {
            context.cancelKeys().remove(clientKey);
        }
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
        } catch (ProtocolException e) {
            return new Ending("protocol violation: " + e.getMessage(),
                    ErrorResponse.of("FATAL", "08P01", "protocol violation: " + e.getMessage()));
        } catch (IOException e) {
            return new Ending(socket.isClosed() ? "upstream closed the connection" : "client connection lost", null);
        }
    }

    private ObjectNode openDetail(boolean tls, String upstreamError) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("tls", tls);
        if (upstreamError != null) {
            detail.put("upstream_error", upstreamError);
        }
        return detail;
    }

    private static Map<String, String> forwardedParameters(Map<String, String> params) {
        Map<String, String> forwarded = new LinkedHashMap<>();
        params.forEach((key, value) -> {
            if (!WITHHELD_PARAMETERS.contains(key) && !key.startsWith("_pq_.")) {
                forwarded.put(key, value);
            }
        });
        return forwarded;
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

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5_000);
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
