package dev.tracegate.gateway.config;

/**
 * The gateway's listening sockets: the PostgreSQL wire listener, the REST API, and the HTTP
 * gateway (started when an HTTP connection is configured), the SSH listener (started when an SSH
 * connection is configured) and the MySQL listener (started when a MySQL connection is configured).
 */
public record ListenersConfig(ListenerConfig postgres, ListenerConfig api, ListenerConfig http, ListenerConfig ssh,
                              ListenerConfig mysql) {

    /** The SSH listener's limits when none are configured. */
    public static final ConnectionLimits SSH_DEFAULT_LIMITS = new ConnectionLimits(60, 0, 0, 0);

    public ListenersConfig {
        postgres = postgres == null ? new ListenerConfig(null, 6432, false) : postgres;
        if (postgres.limits() == null) {
            postgres = new ListenerConfig(postgres.address(), postgres.port(), postgres.allowCleartextOnLoopback(),
                    ConnectionLimits.DEFAULTS, postgres.httpLimits());
        }
        if ((api != null && api.limits() != null) || (http != null && http.limits() != null)) {
            throw new ConfigException("listeners: limits are for the postgres, mysql and ssh listeners (the api and http"
                    + " listeners have httpLimits)");
        }
        if (!postgres.httpLimits().equals(HttpListenerLimits.DEFAULTS)
                || (ssh != null && !ssh.httpLimits().equals(HttpListenerLimits.DEFAULTS))
                || (mysql != null && !mysql.httpLimits().equals(HttpListenerLimits.DEFAULTS))) {
            throw new ConfigException("listeners: httpLimits are for the api and http listeners");
        }
        api = api == null ? new ListenerConfig(null, 8080, false) : api;
        http = http == null ? new ListenerConfig(null, 8443, false) : http;
        ssh = ssh == null ? new ListenerConfig(null, 2222, false) : ssh;
        if (ssh.limits() == null) {
            // A person may paste a token at the keyboard-interactive prompt: a minute, not ten seconds.
            ssh = new ListenerConfig(ssh.address(), ssh.port(), ssh.allowCleartextOnLoopback(), SSH_DEFAULT_LIMITS,
                    ssh.httpLimits());
        }
        mysql = mysql == null ? new ListenerConfig(null, 3307, false) : mysql;
        if (mysql.limits() == null) {
            mysql = new ListenerConfig(mysql.address(), mysql.port(), mysql.allowCleartextOnLoopback(),
                    ConnectionLimits.DEFAULTS, mysql.httpLimits());
        }
    }

    public ListenersConfig(ListenerConfig postgres, ListenerConfig api, ListenerConfig http, ListenerConfig ssh) {
        this(postgres, api, http, ssh, null);
    }

    public ListenersConfig(ListenerConfig postgres, ListenerConfig api, ListenerConfig http) {
        this(postgres, api, http, null, null);
    }

    /** The listener of a protocol engine ({@code postgres}, {@code http}, {@code ssh}, {@code mysql}). */
    public ListenerConfig protocol(String protocol) {
        return switch (protocol) {
            case "postgres" -> postgres;
            case "http" -> http;
            case "ssh" -> ssh;
            case "mysql" -> mysql;
            default -> throw new ConfigException("listeners: no listener is configured for protocol " + protocol);
        };
    }

    public ListenersConfig(ListenerConfig postgres, ListenerConfig api) {
        this(postgres, api, null);
    }
}
