package dev.tracegate.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tracegate.gateway.identity.Identity;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * What the SDK would let through or answer otherwise, checked before it sees a POST: a body that
 * is not JSON is a parse error ({@code -32700}), a body over the limit is refused unread past it
 * ({@code -32600}), so is JSON the SDK cannot read as one message (a batch, a method that is not a
 * string), which it would answer with its exception serialised whole, and a call of a tool that
 * does not exist, or with arguments of the wrong names, types or size, is invalid params
 * ({@code -32602}) rather than a tool result: nothing is recorded as run that never could. A
 * {@code tools/call} without an id (a notification, which the SDK would drop unanswered) is refused
 * too, and every refused {@code tools/call}, alone or in a batch, is recorded in the caller's MCP
 * session as {@code refused}, with the name and arguments as asked kept through the record profile:
 * the evidence says what was asked even when nothing ran. A {@code tools/call} sent before the
 * caller initialized an MCP session (or naming one the gateway does not know), which the SDK would
 * refuse unrecorded, is refused here and recorded in an evidence session of its own.
 */
final class JsonRpcScreen {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final McpJsonMapper SDK_JSON = new JacksonMcpJsonMapper(JSON);

    private final int maxBodyBytes;
    private final int maxArgumentBytes;
    private final Map<String, AgentTools.Tool> tools;
    private final UnaryOperator<String> recordedText;

    /** @param recordedText what the record profile keeps of a text the caller sent */
    JsonRpcScreen(int maxBodyBytes, int maxArgumentBytes, List<AgentTools.Tool> tools, UnaryOperator<String> recordedText) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxArgumentBytes = maxArgumentBytes;
        this.recordedText = recordedText;
        this.tools = tools.stream().collect(Collectors.toUnmodifiableMap(tool -> tool.definition().name(), tool -> tool));
    }

    /**
     * The request with its body read and checked, or null when the answer has been sent.
     *
     * @param session the caller's MCP session, where a refused tool call is recorded; null before one is open
     */
    HttpServletRequest screen(HttpServletRequest request, HttpServletResponse response, Identity caller,
            AgentSession session, Supplier<AgentSession> sessionOfItsOwn) throws IOException {
        Refusals refusals = new Refusals(session, sessionOfItsOwn);
        try {
            return screen(request, response, caller, refusals);
        } finally {
            refusals.close();
        }
    }

    private HttpServletRequest screen(HttpServletRequest request, HttpServletResponse response, Identity caller,
            Refusals session) throws IOException {
        byte[] body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            error(response, 413, null, McpSchema.ErrorCodes.INVALID_REQUEST, "the request is larger than "
                    + maxBodyBytes + " bytes");
            return null;
        }
        JsonRpcBody read = JsonRpcBody.read(body);
        if (read.document() == null && read.json()) {
            for (JsonNode asked : read.asked()) {
                for (JsonNode each : asked.isArray() ? asked : List.of(asked)) {
                    recordRefused(session, each, McpSchema.ErrorCodes.INVALID_REQUEST, read.refusal());
                }
            }
            error(response, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, read.refusal());
            return null;
        }
        JsonNode message = read.document();
        if (message == null || !(message.isObject() || message.isArray())) {
            error(response, 400, null, McpSchema.ErrorCodes.PARSE_ERROR, read.refusal() != null ? read.refusal()
                    : "the body is not a JSON-RPC message");
            return null;
        }
        if (!readable(message)) {
            String refusal = "not a JSON-RPC 2.0 request, notification or response (one message per request: MCP has"
                    + " no batches)";
            for (JsonNode each : message.isArray() ? message : List.of(message)) {
                recordRefused(session, each, McpSchema.ErrorCodes.INVALID_REQUEST, refusal);
            }
            // The SDK would answer with its exception serialised whole: class names, lines, its stack.
            error(response, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, refusal);
            return null;
        }
        if (McpSchema.METHOD_INITIALIZE.equals(message.path("method").asText())
                && !sdkReads(message.get("params"), McpSchema.InitializeRequest.class)) {
            error(response, 400, message.get("id"), McpSchema.ErrorCodes.INVALID_PARAMS,
                    "initialize: params are not an initialize request's (protocolVersion, capabilities, clientInfo)");
            return null;
        }
        if ("tools/call".equals(message.path("method").asText()) && session.beforeInitialize()) {
            // The SDK would refuse it unrecorded: the caller proved who it is and asked for a tool.
            boolean named = request.getHeader(McpAuthorization.SESSION_HEADER) != null;
            String refusal = named ? "no such MCP session: initialize a new one"
                    : "no MCP session: initialize one and send its Mcp-Session-Id with each call";
            recordRefused(session, message, McpSchema.ErrorCodes.INVALID_REQUEST, refusal);
            error(response, named ? 404 : 400, message.get("id"), McpSchema.ErrorCodes.INVALID_REQUEST, refusal);
            return null;
        }
        if ("tools/call".equals(message.path("method").asText())) {
            String refusal = toolCallRefusal(message, caller);
            if (refusal != null) {
                int code = message.has("id") ? McpSchema.ErrorCodes.INVALID_PARAMS : McpSchema.ErrorCodes.INVALID_REQUEST;
                recordRefused(session, message, code, refusal);
                error(response, message.has("id") ? 200 : 400, message.get("id"), code, refusal);
                return null;
            }
        }
        // The SDK reads the message as judged here, written again: not the bytes, which it decodes otherwise.
        return new Buffered(request, JSON.writeValueAsString(message));
    }

    /**
     * Why a {@code tools/call} is not passed on, or null when it is: a call without an id (which the
     * SDK would drop, so that the caller could not tell it was not run), a tool of another name (a
     * name is the tool's exactly: {@code QUERY} or a full-width look-alike is no tool), arguments
     * that are not an object or that the tool refuses.
     */
    private String toolCallRefusal(JsonNode message, Identity caller) {
        if (!message.has("id")) {
            return "a tools/call is a request: it needs an id (a notification runs nothing)";
        }
        JsonNode name = message.path("params").path("name");
        if (!name.isTextual() || !tools.containsKey(name.asText())) {
            return "Unknown tool: " + (name.isTextual() ? name.asText() : name.toString()) + "; tools/list names the tools";
        }
        JsonNode arguments = message.path("params").path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isObject()) {
            return "arguments must be an object";
        }
        if (!sdkReads(message.get("params"), McpSchema.CallToolRequest.class)) {
            // The SDK would fail the call after this screen passed it: answered with nothing, recorded nowhere.
            return "params are not a tools/call's (name a string, arguments an object, _meta an object)";
        }
        try {
            AgentTools.plan(tools.get(name.asText()), arguments.isObject() ? JSON.convertValue(arguments,
                    new TypeReference<Map<String, Object>>() { }) : Map.of(), caller, maxArgumentBytes);
            return null;
        } catch (McpError invalid) {
            return invalid.getMessage();
        }
    }

    /** Records a refused message that asked for a tool call; other refused messages asked for nothing. */
    private void recordRefused(Refusals session, JsonNode message, int code, String refusal) {
        if (!message.isObject() || !"tools/call".equals(message.path("method").asText())) {
            return;
        }
        JsonNode name = message.path("params").path("name");
        JsonNode arguments = message.path("params").path("arguments");
        String asked = (name.isTextual() ? name.asText() : name.toString())
                + (arguments.isMissingNode() ? "" : " " + arguments);
        session.recordIn().refused(recordedText.apply(asked), String.valueOf(code), recordedText.apply(refusal));
    }

    /**
     * Where a request's refused calls are recorded: the caller's MCP session, or, for a call sent
     * before the caller initialized one (or naming one the gateway does not know), an evidence
     * session of its own, opened at the first refusal and closed with the request.
     */
    private static final class Refusals {
        private final AgentSession session;
        private final Supplier<AgentSession> sessionOfItsOwn;
        private AgentSession own;

        Refusals(AgentSession session, Supplier<AgentSession> sessionOfItsOwn) {
            this.session = session;
            this.sessionOfItsOwn = sessionOfItsOwn;
        }

        boolean beforeInitialize() {
            return session == null;
        }

        AgentSession recordIn() {
            if (session != null) {
                return session;
            }
            if (own == null) {
                own = sessionOfItsOwn.get();
            }
            return own;
        }

        void close() {
            if (own != null) {
                own.close("refused: no MCP session");
            }
        }
    }

    /**
     * Whether the SDK can read the message: one object (MCP has had no batches since 2025-06-18), a
     * request or notification with a string method, or a response with a result or an error; an
     * id, where there is one, a string or an integer of at most 64 bits; params, where there are, an
     * object; {@code jsonrpc} exactly {@code "2.0"}; and a message the SDK's own reading takes.
     */
    private static boolean readable(JsonNode message) {
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").textValue())) {
            return false;
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isTextual() && !(id.isInt() || id.isLong())) {
            return false;
        }
        try {
            McpSchema.deserializeJsonRpcMessage(SDK_JSON, JSON.writeValueAsString(message));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
        JsonNode params = message.get("params");
        if (message.has("method")) {
            return message.get("method").isTextual() && (params == null || params.isNull() || params.isObject());
        }
        return id != null && (message.has("result") || message.has("error"));
    }

    /** Whether the SDK reads {@code params} as {@code type} (it would fail the request after this screen otherwise). */
    private static boolean sdkReads(JsonNode params, Class<?> type) {
        try {
            SDK_JSON.convertValue(params, type);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void error(HttpServletResponse response, int status, JsonNode id, int code, String message)
            throws IOException {
        ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
        answer.set("id", id);
        answer.putObject("error").put("code", code).put("message", message);
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(JSON.writeValueAsBytes(answer));
    }

    /** The request with its body already read: the message as the screen judged it, written again. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final String text;
        private final byte[] body;

        Buffered(HttpServletRequest request, String text) {
            super(request);
            this.text = text;
            this.body = text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new StringReader(text));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
