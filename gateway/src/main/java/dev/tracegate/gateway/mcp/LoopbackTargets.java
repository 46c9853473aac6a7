package dev.tracegate.gateway.mcp;

import java.net.InetSocketAddress;
import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * Where the MCP engine reaches the gateway's own listeners.
 *
 * @param postgres the PostgreSQL listener, or null when it is not running
 * @param http     the HTTP gateway's base URI, or null when it is not running
 * @param tls      trusts the gateway's own certificate only
 */
public record LoopbackTargets(InetSocketAddress postgres, URI http, SSLContext tls) {

    /** A listener bound to every address is reached on loopback; one bound to an address, there. */
    public static String host(String bound) {
        return bound == null || bound.isBlank() || bound.equals("0.0.0.0") || bound.equals("::") ? "127.0.0.1" : bound;
    }
}
