package dev.tracegate.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.engine.DelegatedCredentials;
import dev.tracegate.gateway.mcp.AgentTools.CallContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A client of the gateway's own HTTP gateway, for the {@code http_request} tool: the request
 * takes the path any HTTP client's takes (routing, the policy, approvals, the held credential,
 * body masking both ways, recording), signed in with a one-time delegated credential. A held
 * request is sent with {@code Prefer: respond-async}, so the agent gets the approval id at once.
 */
final class HttpToolClient {

    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** The caller's credentials are the gateway's business; these never come from the agent. */
    private static final Set<String> RESERVED = Set.of("authorization", "cookie", "host", "prefer", "connection",
            "content-length", "transfer-encoding", "te", "upgrade", "expect", "keep-alive", "proxy-authorization",
            "traceparent");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the agent asked for it. */
    record Request(String connection, String method, String path, Map<String, String> headers, String body) {

        static Request of(ToolArguments arguments, String connection) {
            String method = arguments.requiredString("method").toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw ToolArguments.invalid("http_request: method must be one of " + METHODS);
            }
            String path = arguments.requiredString("path");
            if (!path.startsWith("/") || path.startsWith("//") || path.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
                throw ToolArguments.invalid("http_request: path must start with a single / and hold no spaces or"
                        + " control characters (percent-encode them)");
            }
            if (leavesTheConnection(path)) {
                throw ToolArguments.invalid("http_request: path must not hold a . or .. segment (in any spelling):"
                        + " the HTTP gateway would resolve it out of the connection the call names");
            }
            try {
                URI.create("http://gateway/" + connection + path);
            } catch (IllegalArgumentException e) {
                throw ToolArguments.invalid("http_request: path is not a valid URI path (percent-encode special"
                        + " characters): " + e.getMessage());
            }
            Map<String, String> headers = arguments.stringMap("headers");
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (RESERVED.contains(name) || !name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")
                        || header.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                    throw ToolArguments.invalid("http_request: header \"" + header.getKey()
                            + "\" cannot be sent (credentials, hop-by-hop headers and malformed ones are refused)");
                }
            }
            return new Request(connection, method, path, headers, arguments.optionalString("body"));
        }

        /**
         * Whether a segment of the path is {@code .} or {@code ..}, percent-encoded or not, or before
         * a {@code ;parameter}: the server resolves {@code /svc/../other/x} to another connection than
         * the one the call names, is recorded under and was checked as an HTTP connection.
         */
        private static boolean leavesTheConnection(String path) {
            String route = path.split("[?#]", 2)[0];
            for (String segment : route.replaceAll("(?i)%2e", ".").split("/|(?i)%2f|(?i)%5c|\\\\")) {
                String name = segment.replaceFirst(";.*", "");
                if (name.equals(".") || name.equals("..")) {
                    return true;
                }
            }
            return false;
        }

        /** The request line the evidence of the call keeps (redacted by the record profile). */
        String line() {
            return method + " /" + connection + path;
        }
    }

    /** What came back: an answer, or the approval the request waits for. */
    record Response(ToolAnswer answer, String approval) {
    }

    private final LoopbackTargets targets;
    private final DelegatedCredentials delegated;
    private final int maxBytes;
    private final Duration timeout;
    private final HttpClient http;

    HttpToolClient(LoopbackTargets targets, DelegatedCredentials delegated, int maxBytes, int timeoutSeconds) {
        this.targets = targets;
        this.delegated = delegated;
        this.maxBytes = maxBytes;
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.http = HttpClient.newBuilder().sslContext(targets.tls()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Sends the request. A {@code 202} with {@code Preference-Applied} is a hold only when
     * {@code heldHere} knows its approval: a target can answer in the gateway's words, and then
     * that is its answer.
     */
    Response send(Request request, CallContext call, Predicate<String> heldHere) throws ToolFailure, IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(targets.http() + "/" + request.connection()
                        + request.path())).timeout(timeout)
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8))
                .header("Prefer", "respond-async");
        request.headers().forEach(builder::header);
        HttpResponse<InputStream> response = exchange(builder, call);
        if (response.statusCode() == 202 && response.headers().firstValue("Preference-Applied").isPresent()) {
            Body body = read(response);
            JsonNode held = parse(body.text());
            String approval = held == null ? null : held.path("approval").asText(null);
            return approval != null && heldHere.test(approval) ? new Response(null, approval)
                    : new Response(answer(response, body), null);
        }
        return new Response(answer(response), null);
    }

    /** The answer of a held request once it has run; empty while it waits. */
    Optional<ToolAnswer> collect(String approval, CallContext call) throws ToolFailure {
        try {
            HttpResponse<InputStream> response = exchange(HttpRequest.newBuilder(URI.create(targets.http()
                    + "/_tracegate/requests/" + approval)).timeout(timeout).GET(), call);
            if (response.statusCode() == 202) {
                response.body().close();
                return Optional.empty();
            }
            return Optional.of(answer(response));
        } catch (IOException e) {
            throw new ToolFailure("08006", "the held request's answer could not be collected: " + e.getMessage());
        }
    }

    private HttpResponse<InputStream> exchange(HttpRequest.Builder builder, CallContext call) throws IOException {
        builder.header("Authorization", "Bearer " + delegated.issue(call.identity(), call.key()));
        if (call.traceparent() != null) {
            builder.header("traceparent", call.traceparent());
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** The gateway's own refusals (403 naming a rule, 401) are tool errors; the target's answers are results. */
    private ToolAnswer answer(HttpResponse<InputStream> response) throws IOException, ToolFailure {
        return answer(response, read(response));
    }

    private static ToolAnswer answer(HttpResponse<InputStream> response, Body body) throws ToolFailure {
        if (response.statusCode() == 403 || response.statusCode() == 401) {
            JsonNode refusal = parse(body.text());
            if (refusal != null && refusal.has("error") && (response.statusCode() == 401 || refusal.has("rule"))) {
                throw new ToolFailure(String.valueOf(response.statusCode()), refusal.path("error").asText());
            }
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("status", response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(type -> content.put("content_type", type));
        content.put("body", body.text());
        content.put("truncated", body.truncated());
        return ToolAnswer.ok(content, 1);
    }

    private record Body(String text, boolean truncated) {
    }

    private Body read(HttpResponse<InputStream> response) throws IOException {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            boolean truncated = bytes.length > maxBytes;
            String text = new String(bytes, 0, Math.min(bytes.length, maxBytes), StandardCharsets.UTF_8);
            return new Body(text, truncated);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
