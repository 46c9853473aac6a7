package dev.tracegate.gateway.config;

/** The gateway's listening sockets: the PostgreSQL wire listener and the HTTP API. */
public record ListenersConfig(ListenerConfig postgres, ListenerConfig api) {

    public ListenersConfig {
        postgres = postgres == null ? new ListenerConfig(null, 6432, false) : postgres;
        api = api == null ? new ListenerConfig(null, 8080, false) : api;
    }
}
