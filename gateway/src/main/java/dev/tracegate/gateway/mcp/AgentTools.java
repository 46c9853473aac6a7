package dev.tracegate.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.config.McpConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SessionKey;
import dev.tracegate.gateway.postgres.results.ServerTextMasking;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.policy.trace.TraceContext;
import dev.tracegate.policy.trace.TraceContextExtractor;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools an agent calls, and what every call shares: the caller's identity from the request,
 * arguments checked before anything happens (JSON-RPC errors otherwise), the per-identity limit,
 * the write-ahead {@code command} event in the MCP session, and the {@code command.result} with
 * what became of it. The tools themselves ({@link ConnectionTools}) only say what to run.
 */
final class AgentTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one call will do once recorded: its record, and the work. */
    interface Plan {
        /** The connection or approval the call is about; null when none. */
        String subject();

        /** The call's own text as the evidence keeps it. */
        RecordedCommand recorded();

        ToolAnswer run(CallContext call) throws ToolFailure, IOException;
    }

    /** Who calls, and in which trace. */
    record CallContext(Identity identity, SessionKey key, String traceparent) {
    }

    /** A tool: its name, what a model reads about it, its JSON schema, and how its arguments become a plan. */
    interface Tool {
        McpSchema.Tool definition();

        Plan plan(ToolArguments arguments, Identity caller);
    }

    private final McpConfig config;
    private final AgentSessions sessions;
    private final CallLimits limits;
    private final RunningCalls calls = new RunningCalls();
    private final Guard guard;

    AgentTools(McpConfig config, AgentSessions sessions, Guard guard) {
        this.config = config;
        this.sessions = sessions;
        this.guard = guard;
        this.limits = new CallLimits(config.maxConcurrentCalls());
    }

    List<SyncToolSpecification> specifications(List<Tool> tools) {
        return tools.stream().map(tool -> SyncToolSpecification.builder().tool(tool.definition())
                .callHandler((exchange, request) -> call(tool, exchange, request)).build()).toList();
    }

    /** Breaks off the calls running now and refuses new ones; see {@link RunningCalls#breakOff}. */
    void breakOffCalls(Duration drain) {
        calls.breakOff(drain);
    }

    private CallToolResult call(Tool tool, McpSyncServerExchange exchange, CallToolRequest request) {
        Identity identity = (Identity) exchange.transportContext().get(McpAuthorization.IDENTITY);
        SessionKey key = (SessionKey) exchange.transportContext().get(McpAuthorization.KEY);
        AgentSession session = sessions.find(exchange.sessionId()).filter(s -> identity != null
                && s.identity().samePerson(identity)).orElseThrow(() -> McpError.builder(
                McpSchema.ErrorCodes.INVALID_REQUEST).message("no MCP session for this identity").build());
        Plan plan = plan(tool, request.arguments(), identity, config.maxArgumentBytes());
        String traceparent = traceparent(request, exchange);
        String name = tool.definition().name();
        CallLimits.Slot slot = limits.acquire(identity);
        if (slot == null) {
            return failure(new ToolFailure("limit", "not run: this identity already has " + config.maxConcurrentCalls()
                    + " tool calls running (mcp.maxConcurrentCalls); retry when one has ended"));
        }
        RunningCalls.Entry running = calls.enter();
        if (running == null) {
            slot.close();
            return failure(new ToolFailure("57P01", "not run: the gateway is shutting down"));
        }
        try (slot; running) {
            long started = System.nanoTime();
            long seq;
            try {
                seq = session.called(name, plan.subject(), plan.recorded(),
                        TraceContextExtractor.parse(traceparent).map(TraceContext::traceId).orElse(null));
            } catch (EvidenceLogUnavailableException e) {
                return failure(new ToolFailure("58000", "not run: the evidence log is unavailable"));
            }
            try {
                ToolAnswer answer = plan.run(new CallContext(identity, key, traceparent));
                session.ended(seq, answer.status(), answer.rows(), started, null, null);
                return success(answer.content());
            } catch (ToolFailure f) {
                session.ended(seq, status(f), 0, started, f.code(), recordedMessage(f));
                return failure(f);
            } catch (IOException | RuntimeException e) {
                // Whatever went wrong, the recorded call gets its end: nothing stays recorded as running.
                ToolFailure lost = calls.stopping() && Thread.interrupted()
                        ? new ToolFailure("57P01", "the gateway is shutting down: the call was broken off; it may have run")
                        : new ToolFailure("08006", "the call could not complete: " + e.getMessage());
                session.ended(seq, "error", 0, started, lost.code(), recordedMessage(lost));
                return failure(lost);
            }
        }
    }

    /**
     * The plan of a call, its arguments checked (a JSON-RPC error, {@code -32602}, otherwise). The
     * {@link JsonRpcScreen} asks this before the SDK sees the request, which would turn an error
     * thrown here into a tool result.
     */
    static Plan plan(Tool tool, Map<String, Object> arguments, Identity identity, int maxArgumentBytes) {
        String name = tool.definition().name();
        if (argumentBytes(arguments) > maxArgumentBytes) {
            throw ToolArguments.invalid(name + ": the arguments are larger than " + maxArgumentBytes + " bytes");
        }
        Set<String> known = tool.definition().inputSchema().get("properties") instanceof Map<?, ?> properties
                ? properties.keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet()) : Set.of();
        return tool.plan(ToolArguments.of(name, arguments, known), identity);
    }

    /**
     * A failure's message as the evidence keeps it: through the policy's record profile, as the
     * listeners keep the server messages they relay. The message is the one the caller read, so an
     * unmasked caller's quotes the upstream in clear ({@code invalid input syntax for type integer:
     * "ada@example.com"}, an HTTP service's 401 text) while the call's own text is kept redacted.
     */
    private String recordedMessage(ToolFailure failure) {
        String message = failure.getMessage();
        return message == null ? null : new ServerTextMasking(guard.policy().recordingMasker())
                .text(ServerTextMasking.SERVER_MESSAGE, message, new MaskingReport());
    }

    /** A refusal by policy or by approvers is recorded as such; anything else as an error. */
    private static String status(ToolFailure failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().replaceFirst("^tracegate: ", "");
        if (message.startsWith("blocked by policy rule")) {
            return "blocked";
        }
        return message.startsWith("approval ") ? "refused" : "error";
    }

    /** The agent's trace: {@code traceparent} in the request's {@code _meta}, else the HTTP header. */
    private static String traceparent(CallToolRequest request, McpSyncServerExchange exchange) {
        Object meta = request.meta() == null ? null : request.meta().get("traceparent");
        if (meta instanceof String claimed && TraceContextExtractor.parse(claimed).isPresent()) {
            return claimed;
        }
        Object header = exchange.transportContext().get(McpEngine.TRACEPARENT);
        return header instanceof String claimed && TraceContextExtractor.parse(claimed).isPresent() ? claimed : null;
    }

    private static int argumentBytes(Map<String, Object> arguments) {
        try {
            return arguments == null ? 0 : JSON.writeValueAsBytes(arguments).length;
        } catch (JsonProcessingException e) {
            return Integer.MAX_VALUE;
        }
    }

    static CallToolResult success(Map<String, Object> content) {
        return CallToolResult.builder().structuredContent(content).addTextContent(text(content)).isError(false).build();
    }

    static CallToolResult failure(ToolFailure failure) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("error", failure.getMessage());
        content.put("code", failure.code());
        return CallToolResult.builder().structuredContent(content).addTextContent(failure.getMessage()).isError(true)
                .build();
    }

    private static String text(Map<String, Object> content) {
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            return String.valueOf(content);
        }
    }

    /** A JSON schema property. */
    static Map<String, Object> property(String type, String description) {
        return Map.of("type", type, "description", description);
    }

    static McpSchema.JsonSchema schema(Map<String, Object> properties, List<String> required) {
        return new McpSchema.JsonSchema("object", properties, required, false, null, null);
    }

    static Optional<String> blankToEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
