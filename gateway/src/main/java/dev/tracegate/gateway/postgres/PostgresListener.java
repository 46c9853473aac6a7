package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.engine.ConnectionAdmission;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.IdleWatch;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.SessionSockets;
import dev.tracegate.gateway.engine.RelayThreads;
import dev.tracegate.gateway.engine.StartupDeadlines;
import dev.tracegate.gateway.engine.TooManyConnectionsException;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.lineage.CatalogSnapshots;
import dev.tracegate.gateway.lineage.DatabaseRoutinesCache;
import dev.tracegate.gateway.lineage.MaskedStatements;
import dev.tracegate.gateway.postgres.lineage.PostgresCatalogReader;
import dev.tracegate.gateway.postgres.results.ColumnResolver;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.gateway.tls.GatewayTls;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts PostgreSQL clients. Each connection gets a virtual thread per direction with blocking
 * I/O, so a session waiting (for the server, or later for an approval) costs almost nothing.
 */
public final class PostgresListener implements ProtocolListener {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresListener.class);

    /** What every session of this listener shares: the engines' seam, and what PostgreSQL adds to it. */
    record Context(EngineServices services, boolean allowCleartextOnLoopback, PostgresUpstreamConnector connector,
                   CancelKeyRegistry cancelKeys, Function<PostgresConnectionConfig, ColumnResolver> columns,
                   Function<PostgresConnectionConfig, MaskedStatements> lineage,
                   Function<PostgresConnectionConfig, UpstreamCatalog> catalogs,
                   Function<PostgresConnectionConfig, DatabaseRoutinesCache> calledCode, StartupDeadlines deadlines,
                   IdleWatch idleWatch, UpstreamPool pool) {

        /** The PostgreSQL connection clients name so; null for an unknown name or another protocol's connection. */
        PostgresConnectionConfig connection(String name) {
            return services.connection(name, PostgresConnectionConfig.class).orElse(null);
        }
    }

    private final SessionSockets sockets;
    private final Context context;
    /** One catalog connection per upstream, shared by its sessions, opened when masking first needs it. */
    private final Map<String, UpstreamCatalog> catalogs = new ConcurrentHashMap<>();
    private final Map<String, ColumnResolver> resolvers = new ConcurrentHashMap<>();
    private final Map<String, MaskedStatements> lineage = new ConcurrentHashMap<>();
    private final Map<String, CatalogSnapshots> snapshots = new ConcurrentHashMap<>();
    private final Map<String, DatabaseRoutinesCache> calledCode = new ConcurrentHashMap<>();
    private final ConnectionAdmission admission;
    private final StartupDeadlines deadlines;
    private final IdleWatch idleWatch;

    public PostgresListener(ListenerConfig config, EngineServices services) throws IOException {
        int maxMessageBytes = services.maxMessageBytes();
        PostgresUpstreamConnector connector = new PostgresUpstreamConnector();
        this.admission = new ConnectionAdmission(config.limits(), services.admission().memory(), PostgresEngine.PROTOCOL);
        this.deadlines = new StartupDeadlines(Duration.ofSeconds(config.limits().startupTimeoutSeconds()));
        this.idleWatch = new IdleWatch("pg", Duration.ofSeconds(services.admission().limits().idleSessionSeconds()));
        this.context = new Context(services, config.allowCleartextOnLoopback(), connector, new CancelKeyRegistry(),
                connection -> resolvers.computeIfAbsent(connection.name(), name -> new ColumnResolver(
                        catalog(connection, connector, maxMessageBytes),
                        snapshots(connection, connector, maxMessageBytes)::current)),
                connection -> lineage.computeIfAbsent(connection.name(), name -> new MaskedStatements(
                        snapshots(connection, connector, maxMessageBytes))),
                connection -> catalog(connection, connector, maxMessageBytes),
                connection -> calledCode.computeIfAbsent(connection.name(), name -> routinesCache(
                        new PostgresDatabaseRoutines(catalog(connection, connector, maxMessageBytes)))),
                deadlines, idleWatch, new UpstreamPool());
        this.sockets = new SessionSockets(config, "pg", services.admission().threads(), this::session);
    }

    private static DatabaseRoutinesCache routinesCache(PostgresDatabaseRoutines routines) {
        return new DatabaseRoutinesCache(routines::read, routines::version);
    }

    private CatalogSnapshots snapshots(PostgresConnectionConfig connection, PostgresUpstreamConnector connector,
                                       int maxMessageBytes) {
        return snapshots.computeIfAbsent(connection.name(),
                name -> new CatalogSnapshots(new PostgresCatalogReader(catalog(connection, connector, maxMessageBytes))));
    }

    private UpstreamCatalog catalog(PostgresConnectionConfig connection, PostgresUpstreamConnector connector, int maxMessageBytes) {
        return catalogs.computeIfAbsent(connection.name(), n -> new UpstreamCatalog(() -> connector.connect(connection,
                Map.of("application_name", "tracegate catalog"), maxMessageBytes)));
    }

    @Override
    public String protocol() {
        return PostgresEngine.PROTOCOL;
    }

    @Override
    public int port() {
        return sockets.port();
    }

    /** The meters of each connection that keeps an upstream pool. */
    @Override
    public void bindTo(MeterRegistry registry) {
        context.services().connections(PostgresConnectionConfig.class).stream()
                .filter(connection -> connection.upstreamPool() != null)
                .forEach(connection -> context.pool().bindTo(registry, connection));
    }

    /** The session of an accepted connection, or null when it is over the limits (it is told so). */
    private Runnable session(Socket socket, RelayThreads threads) {
        ConnectionAdmission.Ticket ticket;
        try {
            ticket = admission.admitToRefuseLater(socket.getInetAddress());
        } catch (TooManyConnectionsException tooMany) {
            ClientRefusedException refused = new ClientRefusedException("53300", tooMany.getMessage());
            Thread.ofVirtual().name("pg-refuse-" + socket.getPort()).start(() -> refuse(socket, refused));
            return null;
        }
        return () -> new PostgresSession(socket, ticket, threads, context).run();
    }

    /**
     * Tells a client over a limit why, without reading anything it sent: the error goes out in
     * clear, before any TLS, which is harmless (it holds no secret) and what the client can read.
     */
    private static void refuse(Socket socket, ClientRefusedException refused) {
        LOG.debug("connection from {} refused: {}", socket.getInetAddress(), refused.getMessage());
        try (socket) {
            PgFrameWriter out = new PgFrameWriter(socket.getOutputStream());
            out.write(ErrorResponse.of("FATAL", refused.sqlState(), refused.getMessage()).encode());
            out.flush();
        } catch (IOException ignored) {
            // The client is already gone.
        }
    }

    /** Stops accepting, closes every open session and waits briefly for each to record its end. */
    @Override
    public void close() {
        // The pool first: a session waiting for a backend under maxSessions waits on the pool, not on its
        // socket, so it is told to stop here and records its end before the sessions are waited for.
        context.pool().close();
        sockets.close();
        catalogs.values().forEach(UpstreamCatalog::close);
        deadlines.close();
        idleWatch.close();
        context.connector().close();
    }
}
