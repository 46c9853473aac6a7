package dev.tracegate.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.policy.sql.StatementClass;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the policy sees of one HTTP request: its method, its path (without the query string), its
 * headers (names lower-cased) and, when a rule asks about body fields, its JSON body.
 *
 * @param method  upper-case, as sent
 * @param path    the path on the target, starting with {@code /}
 * @param headers header name (lower case) to value; repeated headers joined with {@code ", "}
 * @param body    the parsed JSON body, or {@code null} when it was not read (no rule asks) or is absent
 */
public record HttpRequestFacts(String method, String path, Map<String, String> headers, JsonNode body) {

    public HttpRequestFacts(String method, String path, Map<String, String> headers) {
        this(method, path, headers, null);
    }

    /** The same request, with its body read. */
    public HttpRequestFacts withBody(JsonNode parsed) {
        return new HttpRequestFacts(method, path, headers, parsed);
    }

    public HttpRequestFacts {
        method = method.toUpperCase(Locale.ROOT);
        Map<String, String> lowered = new TreeMap<>();
        (headers == null ? Map.<String, String>of() : headers).forEach((name, value) -> lowered.put(name.toLowerCase(Locale.ROOT), value));
        headers = Map.copyOf(lowered);
    }

    /**
     * The method's class, so that rules written with {@code classes} apply to HTTP too: safe
     * methods read, the others write. A method the gateway does not know (TRACE, CONNECT, WebDAV
     * verbs, custom ones) is UNKNOWN, and so high risk.
     */
    public StatementClass statementClass() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> StatementClass.READ;
            case "POST", "PUT", "PATCH", "DELETE" -> StatementClass.WRITE;
            default -> StatementClass.UNKNOWN;
        };
    }

    /** {@code METHOD /path}: what a rule's {@code command} pattern is matched against, and what the evidence records. */
    public String requestLine() {
        return method + " " + path;
    }
}
