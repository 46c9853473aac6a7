package dev.tracegate.gateway.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.config.McpConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.postgres.results.ServerTextMasking;
import dev.tracegate.masking.MaskingReport;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The Model Context Protocol engine: {@code /mcp} on the API port (Streamable HTTP, the official
 * Java SDK). It is thin on purpose: authorisation is the seam's {@code SessionAdmission}, each MCP
 * session is an evidence session with one {@code command} per tool call, and what a tool runs goes
 * through the gateway's own PostgreSQL and HTTP listeners as the caller, so the Guard, the
 * command gate, approvals, masking and recording are theirs, unchanged (docs/mcp.md).
 */
public final class McpEngine implements AutoCloseable {

    public static final String PATH = "/mcp";
    static final String TRACEPARENT = "traceparent";

    /** How long a stopping gateway waits for broken-off tool calls to answer their agents. */
    private static final Duration BREAK_OFF_DRAIN = Duration.ofSeconds(2);

    private final AgentSessions sessions;
    private final AgentTools calls;
    private final McpAuthorization authorization;
    private final HttpServletStreamableServerTransportProvider transport;
    private final McpSyncServer server;

    public McpEngine(McpConfig config, EngineServices services, LoopbackTargets targets, String version) {
        this.sessions = new AgentSessions(services.evidence(), services.guard()::recording);
        List<AgentTools.Tool> tools = new ConnectionTools(config, services, targets).all();
        int maxBody = config.maxArgumentBytes() + 64 * 1024;
        this.authorization = new McpAuthorization(services.admission(), sessions, new JsonRpcScreen(maxBody,
                config.maxArgumentBytes(), tools, text -> new ServerTextMasking(services.guard().policy().recordingMasker())
                        .text(ServerTextMasking.SERVER_MESSAGE, text, new MaskingReport())));
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        this.transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(json).mcpEndpoint(PATH)
                .maxRequestSize(maxBody)
                .contextExtractor(request -> {
                    Map<String, Object> context = new HashMap<>();
                    Object identity = request.getAttribute(McpAuthorization.IDENTITY);
                    if (identity != null) {
                        context.put(McpAuthorization.IDENTITY, identity);
                        context.put(McpAuthorization.KEY, request.getAttribute(McpAuthorization.KEY));
                    }
                    String traceparent = request.getHeader(TRACEPARENT);
                    if (traceparent != null) {
                        context.put(TRACEPARENT, traceparent);
                    }
                    return McpTransportContext.create(context);
                }).build();
        this.calls = new AgentTools(config, sessions, services.guard());
        this.server = McpServer.sync(transport).jsonMapper(json)
                .serverInfo(new McpSchema.Implementation("tracegate", "Tracegate", version))
                .instructions("Tracegate is an access gateway: every tool call runs as your identity, under the"
                        + " gateway's policy, with personal data masked, and is recorded as evidence. Start with"
                        + " list_connections and describe_schema.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(calls.specifications(tools))
                .build();
    }

    /** Serves {@code /mcp} in the API's servlet context, behind its authorisation. */
    public void mount(ServletContextHandler context) {
        context.addFilter(new FilterHolder(authorization), PATH, EnumSet.of(DispatcherType.REQUEST));
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, PATH);
    }

    /**
     * The first step of a stop, while {@code /mcp} still answers: the calls running now are broken
     * off, each recorded as ended and answered with a tool error that says so, and new ones refused.
     */
    public void breakOffCalls() {
        calls.breakOffCalls(BREAK_OFF_DRAIN);
    }

    /** Ends every MCP session in the evidence, then the SDK's. */
    @Override
    public void close() {
        sessions.close();
        server.close();
    }
}
