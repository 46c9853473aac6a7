package dev.tracegate.gateway.config;

/**
 * A PostgreSQL database.
 *
 * @param name          what clients ask for (the database name they connect to)
 * @param host          upstream host
 * @param port          upstream port
 * @param database      upstream database name; the connection's name unless set
 * @param username      upstream user the gateway logs in as
 * @param password      held credential, by reference; absent for trust authentication
 * @param tls           how to protect the upstream connection ({@code disable} unless set)
 * @param upstreamAuth  the weakest login the upstream may ask for; {@code scram} unless set
 * @param caCertificate PEM file of the CA that signs the upstream's certificate (verify-full)
 * @param upstreamPool  idle upstream sessions kept for reuse; {@code null} (no pool) unless set
 */
public record PostgresConnectionConfig(String name, String host, int port, String database, String username,
                                       SecretReference password, UpstreamTlsMode tls, UpstreamAuth upstreamAuth,
                                       String caCertificate, UpstreamPoolConfig upstreamPool)
        implements ConnectionConfig {

    public static final String PROTOCOL = "postgres";

    public PostgresConnectionConfig {
        ConnectionConfig.requireName(name);
        ConnectionConfig.require(host, "connections[" + name + "].host");
        if (port <= 0 || port > 65535) {
            throw new ConfigException("connection " + name + ": port must be 1..65535");
        }
        ConnectionConfig.require(username, "connections[" + name + "].username");
        database = database == null ? name : database;
        tls = tls == null ? UpstreamTlsMode.DISABLE : tls;
        if (tls == UpstreamTlsMode.VERIFY_FULL && caCertificate == null) {
            throw new ConfigException("connection " + name + ": tls verify-full needs caCertificate");
        }
        upstreamAuth = upstreamAuth == null ? UpstreamAuth.SCRAM : upstreamAuth;
        validateUpstreamAuth(name, upstreamAuth, password, tls);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public String target() {
        return host + ":" + port + "/" + database;
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
}
