package dev.tracegate.gateway.config;

/**
 * A target the gateway reaches on the caller's behalf. Clients select it by name (the PostgreSQL
 * database name); the gateway logs in with the held credential, which the caller never sees.
 *
 * @param name          what clients ask for, e.g. {@code shop}
 * @param protocol      {@code postgres}
 * @param host          upstream host
 * @param port          upstream port
 * @param database      upstream database name
 * @param username      upstream user the gateway logs in as
 * @param password      held credential, by reference; absent for trust authentication
 * @param tls           how to protect the upstream connection
 * @param caCertificate PEM file of the CA that signs the upstream's certificate (verify-full)
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
        String caCertificate) {

    public ConnectionConfig {
        require(name, "connections[].name");
        protocol = protocol == null ? "postgres" : protocol;
        if (!protocol.equals("postgres")) {
            throw new ConfigException("connection " + name + ": protocol '" + protocol + "' is not supported yet (use postgres)");
        }
        require(host, "connections[" + name + "].host");
        if (port <= 0 || port > 65535) {
            throw new ConfigException("connection " + name + ": port must be 1..65535");
        }
        database = database == null ? name : database;
        require(username, "connections[" + name + "].username");
        tls = tls == null ? UpstreamTlsMode.DISABLE : tls;
        if (tls == UpstreamTlsMode.VERIFY_FULL && caCertificate == null) {
            throw new ConfigException("connection " + name + ": tls verify-full needs caCertificate");
        }
    }

    /** Where the target is, for evidence: never includes the credential. */
    public String target() {
        return host + ":" + port + "/" + database;
    }

    static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is required");
        }
    }
}
