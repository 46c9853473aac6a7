package dev.tracegate.gateway.config;

/**
 * The MCP endpoint ({@code /mcp} on the API port, docs/mcp.md) and its limits.
 *
 * @param enabled               whether {@code /mcp} is served (default true)
 * @param maxRows               rows per query result a tool returns (a caller may ask for fewer)
 * @param maxResultBytes        bytes of cell text and HTTP body per result a tool returns
 * @param callTimeoutSeconds    how long one tool call may run (a held statement answers at once)
 * @param maxConcurrentCalls    tool calls one identity may have running at once
 * @param maxArgumentBytes      largest tool-call arguments, as JSON
 */
public record McpConfig(Boolean enabled, int maxRows, int maxResultBytes, int callTimeoutSeconds,
                        int maxConcurrentCalls, int maxArgumentBytes) {

    public McpConfig {
        enabled = enabled == null || enabled;
        maxRows = positive(maxRows, 500, "maxRows");
        maxResultBytes = positive(maxResultBytes, 256 * 1024, "maxResultBytes");
        callTimeoutSeconds = positive(callTimeoutSeconds, 60, "callTimeoutSeconds");
        maxConcurrentCalls = positive(maxConcurrentCalls, 4, "maxConcurrentCalls");
        maxArgumentBytes = positive(maxArgumentBytes, 64 * 1024, "maxArgumentBytes");
    }

    public static McpConfig defaults() {
        return new McpConfig(null, 0, 0, 0, 0, 0);
    }

    private static int positive(int value, int fallback, String name) {
        if (value < 0) {
            throw new ConfigException("mcp." + name + " must be positive");
        }
        return value == 0 ? fallback : value;
    }
}
