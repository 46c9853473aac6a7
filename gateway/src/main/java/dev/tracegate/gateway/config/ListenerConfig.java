package dev.tracegate.gateway.config;

/**
 * One listening socket.
 *
 * @param address                  bind address; {@code 127.0.0.1} unless set
 * @param port                     TCP port; 0 picks a free one (tests)
 * @param allowCleartextOnLoopback PostgreSQL, MySQL and HTTP gateway: accept a token without TLS from a loopback client
 * @param limits                   PostgreSQL only: what clients may hold before they authenticate; null when not given
 * @param httpLimits               HTTP gateway and API only: connections, idle and header timeouts, body rate;
 *                                 the defaults when not given
 */
public record ListenerConfig(String address, int port, boolean allowCleartextOnLoopback, ConnectionLimits limits,
                             HttpListenerLimits httpLimits) {

    public ListenerConfig {
        address = address == null ? "127.0.0.1" : address;
        if (port < 0 || port > 65535) {
            throw new ConfigException("listener port must be 0..65535, got " + port);
        }
        httpLimits = httpLimits == null ? HttpListenerLimits.DEFAULTS : httpLimits;
    }

    public ListenerConfig(String address, int port, boolean allowCleartextOnLoopback, ConnectionLimits limits) {
        this(address, port, allowCleartextOnLoopback, limits, null);
    }

    public ListenerConfig(String address, int port, boolean allowCleartextOnLoopback) {
        this(address, port, allowCleartextOnLoopback, null);
    }
}
