package dev.tracegate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.console.ConsoleRoutes;
import dev.tracegate.gateway.console.ConsoleSession;
import dev.tracegate.gateway.console.CrossSiteRequests;
import dev.tracegate.gateway.evidence.CheckpointService;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EarlierCheckpointException;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceExporter;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.ssh.SshCertificateAuthority;
import dev.tracegate.gateway.evidence.ExportFilter;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.mcp.McpEngine;
import dev.tracegate.gateway.mcp.ProtectedResourceMetadata;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.GatewayIdentities;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.recording.SessionFilter;
import dev.tracegate.gateway.report.AuditReports;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.tls.GatewayTls;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's REST API. Every route needs a bearer token that the same identity component as
 * the database listeners verifies; administrators and auditors see every session, anyone else
 * only their own.
 */
public final class ApiServer implements AutoCloseable {

    static final String IDENTITY = "identity";
    /** The {@link SignIn} behind the caller's credential: it bounds the gateway tokens the caller may ask for. */
    static final String SIGN_IN = "sign-in";
    static final String CONSOLE_SESSION = "console-session";
    /** Groups that may read every session. */
    private static final List<String> READ_ALL_GROUPS = List.of("admins", "auditors");

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;

    public ApiServer(ListenerConfig config, GatewayIdentities gatewayIdentities, SessionQueries sessions,
                     EvidenceLog evidence, CheckpointService checkpoints, ApprovalService approvals,
                     List<ConnectionConfig> connections, Guard guard, ConsoleRoutes console, GatewayTls tls,
                     OperationsRoutes operations, McpEngine mcp, IdentitiesConfig issuers,
                     SshCertificateAuthority sshAuthority, int sshPort, SessionAdmission admission) {
        IdentityVerifier identities = gatewayIdentities.verifier();
        this.app = Javalin.create(javalin -> {
            if (mcp != null) {
                javalin.jetty.modifyServletContextHandler(mcp::mount);
                // RFC 9728: at the well-known path, and with the resource's path appended.
                for (String path : List.of(ProtectedResourceMetadata.PATH, ProtectedResourceMetadata.PATH + McpEngine.PATH)) {
                    javalin.routes.get(path, ctx -> ctx.json(ProtectedResourceMetadata.of(
                            (ctx.req().isSecure() ? "https" : "http") + "://" + ctx.host(), issuers)));
                }
            }
            javalin.startup.showJavalinBanner = false;
            javalin.jetty.addConnector((server, http) -> ApiConnector.create(server, http, config, tls));
            // Tokens and console cookies cross this port: in the clear only from this machine (a local proxy, the CLI).
            javalin.routes.before(ctx -> ApiConnector.requireTlsOffLoopback(ctx));
            // Times as RFC 3339 strings, like the evidence log's own.
            javalin.jsonMapper(new JavalinJackson(new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS), false));
            javalin.concurrency.useVirtualThreads = true;
            javalin.routes.before("/api/*", ctx -> {
                if (!IdentityRoutes.PUBLIC_PATHS.contains(ctx.path()) && !ctx.path().equals(ConfigurationRoutes.OPENAPI_PATH)) {
                    authenticate(ctx, identities, evidence, console, admission);
                }
            });
            console.register(javalin.routes);
            operations.register(javalin.routes);
            javalin.routes.get("/api/me", ctx -> ctx.json(CallerView.of(ctx.attribute(IDENTITY), ctx.attribute(CONSOLE_SESSION), guard.policy())));
            IdentityRoutes.register(javalin.routes, gatewayIdentities, evidence, admission);
            SshCertificateRoutes.register(javalin.routes, sshAuthority, evidence, sshPort);
            ApprovalRoutes.register(javalin.routes, approvals, sessions, console.decisionSignIn());
            ConfigurationRoutes.register(javalin.routes, connections, guard);
            TraceRoutes.register(javalin.routes, evidence);
            ReportRoutes.register(javalin.routes, new AuditReports(evidence, checkpoints));
            javalin.routes.get("/api/health", ctx -> ctx.json(Map.of("status", "ok", "log_size", evidence.size())));
            javalin.routes.get("/api/sessions", ctx -> listSessions(ctx, sessions));
            javalin.routes.get("/api/sessions/{id}", ctx -> showSession(ctx, sessions));
            javalin.routes.get("/api/sessions/{id}/data/{blob}", ctx -> sessionData(ctx, sessions, evidence));
            javalin.routes.get("/api/evidence", ctx -> evidenceStatus(ctx, evidence, checkpoints));
            javalin.routes.get("/api/evidence/export", ctx -> export(ctx, new EvidenceExporter(evidence, checkpoints)));
            javalin.routes.post("/api/evidence/verify", ctx -> verify(ctx, new EvidenceExporter(evidence, checkpoints), checkpoints));
            javalin.routes.post("/api/evidence/checkpoints", ctx -> {
                requireReadAll(ctx);
                ctx.status(HttpStatus.CREATED).result(checkpoints.signNow().note()).contentType("text/plain; charset=utf-8");
            });
            javalin.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.retryAfterSeconds() > 0) {
                    ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
                }
                ctx.status(e.status()).json(Map.of("error", e.getMessage()));
            });
            // Jetty refuses a request it could not read (a body slower than minRequestBytesPerSecond: 408) by an exception
            // that reaches the route reading the body; its status is the answer, not Javalin's 500.
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                HttpStatus status = ClientFault.status(e);
                if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
                    LOG.error("API request {} {} failed", ctx.method(), ctx.path(), e);
                }
                ctx.status(status).json(Map.of("error", ClientFault.message(e, status)));
            });
        });
        app.start();
    }

    public int port() {
        return app.port();
    }

    /**
     * A bearer token, or the console's session cookie. A cookie is sent by the browser on its own,
     * so a request that changes something must also prove it comes from the console's pages.
     */
    private static void authenticate(Context ctx, IdentityVerifier identities, EvidenceLog evidence, ConsoleRoutes console,
                                     SessionAdmission admission) {
        String header = ctx.header("Authorization");
        if (header == null) {
            Optional<ConsoleSession> session = console.session(ctx);
            if (session.isPresent()) {
                String refusal = CrossSiteRequests.refusal(ctx, session.get(), console.ownOrigin(ctx));
                if (refusal != null) {
                    evidence.authFailures().refused(AuthFailure.http(refusal, ctx.ip(), ctx.method() + " " + ctx.path()));
                    throw new ApiException(HttpStatus.FORBIDDEN, refusal);
                }
                ctx.attribute(IDENTITY, session.get().identity());
                ctx.attribute(SIGN_IN, session.get().signIn());
                ctx.attribute(CONSOLE_SESSION, session.get());
                return;
            }
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "send a bearer token: Authorization: Bearer <token>, or sign in to the console");
        }
        try {
            SignIn signIn = identities.signIn(header.substring(7).strip());
            ctx.attribute(IDENTITY, signIn.identity());
            ctx.attribute(SIGN_IN, signIn);
        } catch (AuthenticationException e) {
            long delay = admission.refuse(AuthFailure.http(e.getMessage(), ctx.ip(), ctx.method() + " " + ctx.path()));
            throw ApiException.refusedCredential("token refused: " + e.getMessage(), delay);
        }
    }

    /** The caller, who must be in {@code group}; 403 otherwise. */
    static Identity requireGroup(Context ctx, String group) {
        Identity caller = ctx.attribute(IDENTITY);
        if (caller == null || !caller.inGroup(group)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "only members of " + group + " may do this");
        }
        return caller;
    }

    /**
     * Filters: user and issuer (admins and auditors; everyone else sees their own: their issuer and
     * subject both), connection, from, to, trace, status, limit.
     */
    private static void listSessions(Context ctx, SessionQueries sessions) {
        Identity caller = ctx.attribute(IDENTITY);
        boolean all = readsAll(caller);
        String subject = all ? blankToNull(ctx.queryParam("user")) : caller.subject();
        String issuer = all ? blankToNull(ctx.queryParam("issuer")) : caller.issuer();
        int limit = ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50);
        SessionFilter filter;
        try {
            filter = new SessionFilter(issuer, subject, ctx.queryParam("connection"), instant(ctx, "from"), instant(ctx, "to"),
                    blankToNull(ctx.queryParam("trace")), blankToNull(ctx.queryParam("status")), limit);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        ctx.json(sessions.list(filter));
    }

    private static void showSession(Context ctx, SessionQueries sessions) {
        ctx.json(Map.of("id", ctx.pathParam("id"), "events", visibleSession(ctx, sessions)));
    }

    /** The session's events when the caller may see them; 404 otherwise, so ids cannot be probed. */
    private static List<JsonNode> visibleSession(Context ctx, SessionQueries sessions) {
        Identity caller = ctx.attribute(IDENTITY);
        List<JsonNode> events = sessions.events(ctx.pathParam("id"));
        JsonNode opener = events.isEmpty() ? null : events.getFirst().path("actor");
        boolean visible = opener != null
                && (readsAll(caller) || caller.is(opener.path("iss").asText(null), opener.path("sub").asText(null)));
        if (!visible) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no session " + ctx.pathParam("id"));
        }
        return events;
    }

    /**
     * Recorded (masked) result or body data of a session, as JSON Lines: only a blob one of the
     * session's own events references, so seeing a session never opens another one's data.
     */
    private static void sessionData(Context ctx, SessionQueries sessions, EvidenceLog evidence) {
        String blob = ctx.pathParam("blob");
        boolean referenced = visibleSession(ctx, sessions).stream().anyMatch(event ->
                blob.equals(event.path("detail").path("data").path("blob").asText(null))
                        || blob.equals(event.path("detail").path("request_data").path("blob").asText(null)));
        if (!referenced) {
            throw new ApiException(HttpStatus.NOT_FOUND, "session " + ctx.pathParam("id") + " has no data " + blob);
        }
        byte[] data = evidence.blobs().get(blob).orElseThrow(() -> new ApiException(HttpStatus.GONE,
                "the data of " + blob + " is no longer kept (blob retention); the log still commits to its hash"));
        ctx.contentType("application/x-ndjson; charset=utf-8").result(data);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void evidenceStatus(Context ctx, EvidenceLog evidence, CheckpointService checkpoints) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("size", evidence.size());
        status.put("verifier_key", checkpoints.verifierKey().format());
        checkpoints.latest().ifPresent(latest -> {
            status.put("checkpoint_size", latest.checkpoint().size());
            status.put("checkpoint", latest.note());
        });
        ctx.json(status);
    }

    /**
     * Streams a zip bundle; see docs/evidence.md. Admins and auditors only. With
     * {@code since_checkpoint} (the previous export's signed checkpoint), the bundle proves that
     * checkpoint a prefix of the new one, or the export is refused: 409 when the log no longer
     * extends it, 400 when it is not this log's.
     */
    private static void export(Context ctx, EvidenceExporter exporter) throws IOException {
        requireReadAll(ctx);
        ExportFilter filter = new ExportFilter(instant(ctx, "from"), instant(ctx, "to"), blankToNull(ctx.queryParam("user")),
                blankToNull(ctx.queryParam("connection")), blankToNull(ctx.queryParam("session")), blankToNull(ctx.queryParam("trace")));
        Optional<String> since = Optional.ofNullable(blankToNull(ctx.queryParam("since_checkpoint")));
        Path zip = Files.createTempDirectory("tracegate-export").resolve("evidence.zip");
        EvidenceExporter.Summary summary;
        try {
            summary = exporter.export(filter, zip, since);
        } catch (EarlierCheckpointException e) {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(zip.getParent());
            throw new ApiException(e.reason() == EarlierCheckpointException.Reason.NOT_THIS_LOG ? HttpStatus.BAD_REQUEST
                    : HttpStatus.CONFLICT, e.getMessage());
        }
        ctx.header("X-Tracegate-Events", Long.toString(summary.events()));
        ctx.header("X-Tracegate-Tree-Size", Long.toString(summary.treeSize()));
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"tracegate-evidence.zip\"");
        // Streamed from disk, and the file disappears once sent: bundles can be large.
        ctx.result(Files.newInputStream(zip, StandardOpenOption.DELETE_ON_CLOSE));
    }

    /**
     * Verifies the whole log as an auditor would offline: a fresh checkpoint, a full bundle, and
     * the standalone verifier's checks against the gateway's own log key. Admins and auditors.
     */
    private static void verify(Context ctx, EvidenceExporter exporter, CheckpointService checkpoints) throws IOException {
        requireReadAll(ctx);
        Path dir = Files.createTempDirectory("tracegate-verify");
        Path zip = dir.resolve("evidence.zip");
        try {
            exporter.export(ExportFilter.ALL, zip);
            VerificationReport report = BundleVerifier.verify(zip, Optional.of(checkpoints.verifierKey()), Optional.empty(),
                    Optional.of(checkpoints.origin()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ok", report.ok());
            result.put("summary", report.summary());
            result.put("tree_size", report.treeSize());
            result.put("events_checked", report.eventsChecked());
            result.put("blobs_checked", report.blobsChecked());
            result.put("blobs_absent", report.blobsAbsent());
            result.put("results", report.results());
            result.put("warnings", report.warnings());
            result.put("verifier_key", checkpoints.verifierKey().format());
            result.put("verified_at", Instant.now().toString());
            ctx.json(result);
        } finally {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(dir);
        }
    }

    static Instant instant(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, name + " must be an RFC 3339 time such as 2026-11-22T10:00:00Z");
        }
    }

    static void requireReadAll(Context ctx) {
        if (!readsAll(ctx.attribute(IDENTITY))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "only admins and auditors may do this");
        }
    }

    static boolean readsAll(Identity caller) {
        return READ_ALL_GROUPS.stream().anyMatch(caller::inGroup);
    }

    @Override
    public void close() {
        app.stop();
    }
}
