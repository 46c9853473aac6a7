package dev.tracegate.gateway.mcp;

import java.util.Map;

/**
 * What a tool answers: a JSON object (also sent as text, for clients that read only text) and
 * how the call is recorded.
 *
 * @param content what the agent reads
 * @param status  as the evidence records the call: {@code ok}, {@code held}, {@code pending}
 * @param rows    rows returned, for the record
 */
record ToolAnswer(Map<String, Object> content, String status, long rows) {

    static ToolAnswer ok(Map<String, Object> content, long rows) {
        return new ToolAnswer(content, "ok", rows);
    }
}
