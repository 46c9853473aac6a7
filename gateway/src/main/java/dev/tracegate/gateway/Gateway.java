package dev.tracegate.gateway;

import dev.tracegate.gateway.api.ApiServer;
import dev.tracegate.gateway.api.OperationsRoutes;
import dev.tracegate.gateway.operations.GatewayMetrics;
import dev.tracegate.gateway.operations.Readiness;
import dev.tracegate.gateway.approval.ApprovalNotifier;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.console.ConsoleRoutes;
import dev.tracegate.gateway.console.ConsoleSessionStanding;
import dev.tracegate.gateway.evidence.BlobRetention;
import dev.tracegate.gateway.evidence.CheckpointAnchor;
import dev.tracegate.gateway.evidence.CheckpointService;
import dev.tracegate.gateway.evidence.CheckpointSink;
import dev.tracegate.gateway.evidence.DirectoryCheckpointSink;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.evidence.HttpCheckpointSink;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.guard.PolicyFileWatcher;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolEngine;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.http.HttpEngine;
import dev.tracegate.gateway.mcp.LoopbackTargets;
import dev.tracegate.gateway.mcp.McpEngine;
import java.net.InetSocketAddress;
import java.net.URI;
import dev.tracegate.gateway.ssh.SshCertificateAuthority;
import dev.tracegate.gateway.ssh.SshEngine;
import dev.tracegate.gateway.identity.GatewayIdentities;
import dev.tracegate.gateway.identity.StaticKeyVersions;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.postgres.PostgresEngine;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.siem.OcsfMapping;
import dev.tracegate.gateway.siem.SiemForwarder;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.gateway.tls.GatewayTls;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.masking.HashKey;
import dev.tracegate.policy.rules.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: store, evidence log, checkpoints, policy, identity, the PostgreSQL listener
 * and the API, started in dependency order and stopped in reverse, so the last sessions' events
 * reach the log and a final checkpoint covers them.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Deque<AutoCloseable> running;
    private final EvidenceLog evidence;
    private final CheckpointService checkpoints;
    private final Guard guard;
    private final ApprovalService approvals;
    private final Map<String, ProtocolListener> listeners;
    private final ApiServer api;

    private Gateway(GatewayConfig config, Deque<AutoCloseable> running, EvidenceLog evidence, CheckpointService checkpoints,
                    Guard guard, ApprovalService approvals, Map<String, ProtocolListener> listeners, ApiServer api) {
        this.config = config;
        this.running = running;
        this.evidence = evidence;
        this.checkpoints = checkpoints;
        this.guard = guard;
        this.approvals = approvals;
        this.listeners = listeners;
        this.api = api;
    }

    public static Gateway start(GatewayConfig config) throws IOException {
        Files.createDirectories(config.dataPath());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        try {
            GatewayTls tls = GatewayTls.load(config.tls(), config.dataPath());
            Store store = started(running, Store.open(config.store(), config.dataPath()));
            HashKey maskingKey = maskingKey(config);
            // The masking key is shared by every node already; static keys' versions must read alike on each.
            GatewayIdentities identityServices = GatewayIdentities.create(config.identities(), store.dataSource(),
                    config.dataPath(), new StaticKeyVersions(maskingKey.hmacHex("tracegate static API key versions")
                            .getBytes(StandardCharsets.US_ASCII)), new ConsoleSessionStanding(store.dataSource(), Clock.systemUTC()));
            IdentityVerifier identities = identityServices.verifier();
            EvidenceLog evidence = started(running, new EvidenceLog(store,
                    store.embedded() ? config.dataPath().resolve("evidence-log") : null, config.evidence().fsync(),
                    store.embedded() ? null : config.dataPath().resolve("evidence-written-head")));
            SiemForwarder siem = config.siem().enabled() ? started(running, SiemForwarder.start(config.siem(),
                    new OcsfMapping(config.evidence().origin(), version()))) : null;
            if (siem != null) {
                evidence.observe(siem); // before the start is recorded, so that the SIEM sees it too
            }
            List<CheckpointSink> sinks = new ArrayList<>();
            Optional<String> published = Optional.empty();
            if (config.evidence().publishDirectory() != null) {
                DirectoryCheckpointSink directory = new DirectoryCheckpointSink(Path.of(config.evidence().publishDirectory()));
                published = directory.latest();
                sinks.add(directory);
            }
            if (config.evidence().publishUrl() != null) {
                sinks.add(new HttpCheckpointSink(java.net.URI.create(config.evidence().publishUrl())));
            }
            CheckpointService checkpoints = started(running, new CheckpointService(evidence, config.evidence().origin(),
                    logKey(config), new CheckpointAnchor(config.evidence().anchorPath(config.dataPath())), sinks,
                    config.evidence().checkpointIntervalSeconds()));
            checkpoints.start(published);
            recordStart(evidence, config);
            if (config.evidence().blobRetentionDays() > 0) {
                started(running, new BlobRetention(evidence, Duration.ofDays(config.evidence().blobRetentionDays())));
            }
            Guard guard = new Guard(Policy.permissive(), maskingKey);
            if (config.policyFile() != null) {
                started(running, PolicyFileWatcher.start(Path.of(config.policyFile()), guard, evidence, maskingKey, 2));
            }
            ApprovalService approvals = started(running, new ApprovalService(evidence, Clock.systemUTC(),
                    ApprovalNotifier.fromConfig(config.approvals().notifications()), config.approvals().consoleUrl(),
                    ApprovalService.nodeId(config.dataPath()), ApprovalService.RELEASE_POLL,
                    config.approvals().maxGrantHours(), identityServices.activeKeys(), identityServices.keyCreators()));
            SessionAdmission admission = new SessionAdmission(identities, identityServices.keyRevocations(), evidence,
                    config.limits());
            EngineServices services = new EngineServices(tls, identities, identityServices.sshPublicKeys(),
                    identityServices.activeKeys(), admission,
                    config.connections(), evidence, guard, new CommandGate(approvals, guard, config.limits().heldStatementsPerIdentity()),
                    approvals, config.maxMessageBytes(), config.evidence().resultDataBytes(), config.dataPath());
            Map<String, ProtocolListener> listeners = new LinkedHashMap<>();
            for (ProtocolEngine engine : ProtocolEngines.all()) {
                if (engine.needed(config.connections())) {
                    ProtocolListener listener = started(running, engine.listen(
                            config.listeners().protocol(engine.protocol()), services));
                    listeners.put(engine.protocol(), listener);
                    LOG.info("{} listener on port {}", engine.protocol(), listener.port());
                }
            }
            // Stopped before the listeners close their clients' connections: a held command ends withdrawn by the
            // shutdown, recorded so and told to its client in its protocol, rather than as a client that went away.
            started(running, (AutoCloseable) () -> services.gate().release("the gateway is shutting down"));
            McpEngine mcp = config.mcp().enabled() ? started(running, new McpEngine(config.mcp(), services,
                    loopbackTargets(config, listeners, tls),
                    version())) : null;
            ApiServer api = started(running, new ApiServer(config.listeners().api(), identityServices,
                    new SessionQueries(evidence), evidence, checkpoints, approvals,
                    config.connections(), guard, new ConsoleRoutes(config.console(), identityServices, evidence,
                    config.approvals().consoleUrl(), Clock.systemUTC(), admission), tls,
                    new OperationsRoutes(new GatewayMetrics(evidence, checkpoints, siem).sessions(admission.memory())
                            .listeners(listeners.values()), new Readiness(store, evidence)), mcp,
                    config.identities(),
                    listeners.containsKey(SshEngine.PROTOCOL) ? SshCertificateAuthority.open(config.dataPath()) : null,
                    listeners.containsKey(SshEngine.PROTOCOL) ? listeners.get(SshEngine.PROTOCOL).port() : -1, admission));
            if (mcp != null) {
                // Stopped before the API server: an agent's running call is answered, not left to its own timeout.
                started(running, (AutoCloseable) mcp::breakOffCalls);
            }
            LOG.info("gateway started: api on {}", api.port());
            return new Gateway(config, running, evidence, checkpoints, guard, approvals, Map.copyOf(listeners), api);
        } catch (IOException | RuntimeException e) {
            closeAll(running);
            throw e;
        }
    }

    /** Where the MCP engine reaches the listeners it runs tool calls through. */
    private static LoopbackTargets loopbackTargets(GatewayConfig config, Map<String, ProtocolListener> listeners,
                                                   GatewayTls tls) {
        ProtocolListener postgres = listeners.get(PostgresEngine.PROTOCOL);
        ProtocolListener http = listeners.get(HttpEngine.PROTOCOL);
        InetSocketAddress postgresAddress = postgres == null ? null
                : new InetSocketAddress(LoopbackTargets.host(config.listeners().postgres().address()), postgres.port());
        URI httpBase = null;
        if (http != null) {
            String host = LoopbackTargets.host(config.listeners().http().address());
            boolean plain = config.listeners().http().allowCleartextOnLoopback() && host.startsWith("127.");
            httpBase = URI.create((plain ? "http" : "https") + "://" + host + ":" + http.port());
        }
        return new LoopbackTargets(postgresAddress, httpBase, tls.loopbackClient());
    }

    /** The gateway's version from its jar's manifest, for MCP clients and SIEM events. */
    private static String version() {
        return Optional.ofNullable(Gateway.class.getPackage().getImplementationVersion()).orElse("development build");
    }

    /** Each start is evidence (restarts, the retention in force): durable before anything else happens. */
    private static void recordStart(EvidenceLog evidence, GatewayConfig config) {
        try {
            evidence.appendDurably(GatewayStart.event(config));
        } catch (EvidenceLogUnavailableException e) {
            throw new StoreException("cannot record the gateway's start in the evidence log: " + e.getMessage(), e);
        }
    }

    /** The checkpoint signing key: configured, or generated once under the data directory. */
    private static LogKeyPair logKey(GatewayConfig config) throws IOException {
        try {
            if (config.evidence().signingKey() != null) {
                return LogKeyPair.parsePrivateKey(config.evidence().signingKey().resolve().strip());
            }
            Path keys = Files.createDirectories(config.dataPath().resolve("keys"));
            Path privateKey = keys.resolve("log.key");
            if (!Files.exists(privateKey)) {
                LogKeyPair generated = LogKeyPair.generate(config.evidence().origin());
                generated.savePrivateKey(privateKey);
                generated.savePublicKey(keys.resolve("log.pub"));
                return generated;
            }
            return LogKeyPair.load(privateKey);
        } catch (NoteException e) {
            throw new ConfigException("the evidence signing key is not valid: " + e.getMessage());
        }
    }

    /** The key of hash masking strategies: configured, or generated once under the data directory. */
    static HashKey maskingKey(GatewayConfig config) throws IOException {
        if (config.masking().hashKey() != null) {
            try {
                return HashKey.of(config.masking().hashKey().resolve().getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("masking.hashKey (" + config.masking().hashKey() + "): " + e.getMessage());
            }
        }
        Path keys = Files.createDirectories(config.dataPath().resolve("keys"));
        Path file = keys.resolve("masking.key");
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Files.writeString(file, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
            restrictToOwner(file);
        }
        return HashKey.of(Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions apply.
        }
    }

    private static <T extends AutoCloseable> T started(Deque<AutoCloseable> running, T component) {
        running.push(component);
        return component;
    }

    private static void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            AutoCloseable component = running.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly: {}", component.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** The port of a protocol's listener, or -1 when it is not running (no connection of that protocol). */
    public int port(String protocol) {
        ProtocolListener listener = listeners.get(protocol);
        return listener == null ? -1 : listener.port();
    }

    /** The HTTP gateway's port, or -1 when no HTTP connection is configured. */
    public int httpPort() {
        return port(HttpEngine.PROTOCOL);
    }

    public int sshPort() {
        return port(SshEngine.PROTOCOL);
    }

    public int postgresPort() {
        return port(PostgresEngine.PROTOCOL);
    }

    public int apiPort() {
        return api.port();
    }

    public GatewayConfig config() {
        return config;
    }

    public EvidenceLog evidence() {
        return evidence;
    }

    public CheckpointService checkpoints() {
        return checkpoints;
    }

    public Guard guard() {
        return guard;
    }

    public ApprovalService approvals() {
        return approvals;
    }

    public Store store() {
        return evidence.store();
    }

    /** Stops listening, lets sessions record their end, signs a final checkpoint, closes the store. */
    @Override
    public void close() {
        closeAll(running);
        LOG.info("gateway stopped");
    }
}
