package dev.tracegate.gateway.mcp;

import dev.tracegate.wire.postgres.backend.ResponseFields;

/**
 * A tool call that ran its course and failed in a way the agent should read: the listener refused
 * the session, the policy blocked the statement, the server raised an error. It becomes a tool
 * result with {@code isError}, not a JSON-RPC error: the request itself was well formed.
 */
final class ToolFailure extends Exception {

    private final String code;

    ToolFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    static ToolFailure of(ResponseFields error) {
        return new ToolFailure(error.sqlState(), error.message());
    }

    /** SQLSTATE, HTTP status or the gateway's own word for what failed. */
    String code() {
        return code;
    }
}
