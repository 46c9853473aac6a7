package dev.tracegate.gateway.config;

import java.util.List;
import java.util.Locale;

/**
 * A target the gateway reaches on the caller's behalf. Clients select it by name (the PostgreSQL
 * database name, or the first path segment on the HTTP gateway); the gateway logs in with the
 * held credential, which the caller never sees.
 *
 * @param name          what clients ask for, e.g. {@code shop}
 * @param protocol      {@code postgres} or {@code http}
 * @param host          upstream host
 * @param port          upstream port
 * @param database      upstream database name
 * @param username      upstream user the gateway logs in as
 * @param password      held credential, by reference; absent for trust authentication
 * @param tls           how to protect the upstream connection
 * @param upstreamAuth  PostgreSQL only: the weakest login the upstream may ask for; {@code scram} unless set
 * @param caCertificate PEM file of the CA that signs the upstream's certificate (verify-full; for
 *                      {@code https} URLs, instead of the JDK's trusted CAs)
 * @param url           HTTP only: the target's base URL, e.g. {@code https://traces.internal:8443/api}
 * @param credential    HTTP only: the credential injected upstream; absent for none
 * @param hosts         HTTP only: host names that route to this connection without a path prefix
 */
public record ConnectionConfig(
        String name,
        String protocol,
        String host,
        int port,
        String database,
        String username,
        SecretReference password,
        UpstreamTlsMode tls,
        UpstreamAuth upstreamAuth,
        String caCertificate,
        String url,
        HttpCredentialConfig credential,
        List<String> hosts) {

    public ConnectionConfig {
        require(name, "connections[].name");
        if (name.contains("/")) {
            throw new ConfigException("connection " + name + ": a name cannot contain /");
        }
        protocol = protocol == null ? "postgres" : protocol;
        hosts = hosts == null ? List.of() : hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (protocol.equals("http")) {
            validateHttp(name, url, host);
            if (upstreamAuth != null) {
                throw new ConfigException("connection " + name + ": upstreamAuth is for postgres connections"
                        + " (an http connection's credential is credential.type)");
            }
            tls = tls == null ? UpstreamTlsMode.VERIFY_FULL : tls;
        } else if (!protocol.equals("postgres")) {
            throw new ConfigException("connection " + name + ": protocol '" + protocol + "' is not supported (postgres or http)");
        } else {
            validatePostgres(name, host, port, username, url);
            database = database == null ? name : database;
            tls = tls == null ? UpstreamTlsMode.DISABLE : tls;
            if (tls == UpstreamTlsMode.VERIFY_FULL && caCertificate == null) {
                throw new ConfigException("connection " + name + ": tls verify-full needs caCertificate");
            }
            upstreamAuth = upstreamAuth == null ? UpstreamAuth.SCRAM : upstreamAuth;
            validateUpstreamAuth(name, upstreamAuth, password, tls);
        }
    }

    /** A PostgreSQL connection. */
    public ConnectionConfig(String name, String protocol, String host, int port, String database, String username,
                            SecretReference password, UpstreamTlsMode tls, UpstreamAuth upstreamAuth,
                            String caCertificate) {
        this(name, protocol, host, port, database, username, password, tls, upstreamAuth, caCertificate, null, null, null);
    }

    /** An HTTP connection. */
    public static ConnectionConfig http(String name, String url, HttpCredentialConfig credential, List<String> hosts) {
        return new ConnectionConfig(name, "http", null, 0, null, null, null, null, null, null, url, credential, hosts);
    }

    /**
     * A password is held exactly when the login uses one, so that {@code trust} is always a
     * deliberate choice and never what a forgotten password silently falls back to.
     */
    private static void validateUpstreamAuth(String name, UpstreamAuth auth, SecretReference password,
                                             UpstreamTlsMode tls) {
        if (auth == UpstreamAuth.TRUST && password != null) {
            throw new ConfigException("connection " + name + ": upstreamAuth trust sends no password; remove password"
                    + " or choose scram");
        }
        if (auth != UpstreamAuth.TRUST && password == null) {
            throw new ConfigException("connection " + name + ": upstreamAuth " + auth.configName() + " needs a password"
                    + " (set upstreamAuth: trust only for a server that lets the gateway in without one)");
        }
        if (auth == UpstreamAuth.SCRAM_PLUS && tls == UpstreamTlsMode.DISABLE) {
            throw new ConfigException("connection " + name + ": upstreamAuth scram-plus binds the login to TLS;"
                    + " set tls: require or verify-full");
        }
    }

    private static void validateHttp(String name, String url, String host) {
        require(url, "connections[" + name + "].url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException("connection " + name + ": url must start with http:// or https://");
        }
        if (host != null) {
            throw new ConfigException("connection " + name + ": an http connection is given by url, not host");
        }
    }

    private static void validatePostgres(String name, String host, int port, String username, String url) {
        if (url != null) {
            throw new ConfigException("connection " + name + ": url is for http connections");
        }
        require(host, "connections[" + name + "].host");
        if (port <= 0 || port > 65535) {
            throw new ConfigException("connection " + name + ": port must be 1..65535");
        }
        require(username, "connections[" + name + "].username");
    }

    public boolean isHttp() {
        return protocol.equals("http");
    }

    /** Where the target is, for evidence: never includes the credential. */
    public String target() {
        return isHttp() ? url : host + ":" + port + "/" + database;
    }

    static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is required");
        }
    }
}
