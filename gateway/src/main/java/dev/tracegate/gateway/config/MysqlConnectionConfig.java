package dev.tracegate.gateway.config;

/**
 * A MySQL or MariaDB database. Callers name it as the database they connect to
 * ({@code mysql -D shop}); the gateway logs in upstream as {@code username} with the held
 * password, which the caller never sees.
 *
 * @param name          what clients ask for (the database name they connect with)
 * @param host          upstream host
 * @param port          upstream port; 3306 unless set
 * @param database      upstream database name; the connection's name unless set
 * @param username      upstream user the gateway logs in as
 * @param password      held credential, by reference
 * @param tls           how to protect the upstream connection ({@code disable} unless set)
 * @param caCertificate PEM file of the CA that signs the upstream's certificate (verify-full)
 */
public record MysqlConnectionConfig(String name, String host, int port, String database, String username,
                                    SecretReference password, UpstreamTlsMode tls, String caCertificate)
        implements ConnectionConfig {

    public static final String PROTOCOL = "mysql";

    public MysqlConnectionConfig {
        ConnectionConfig.requireName(name);
        ConnectionConfig.require(host, "connections[" + name + "].host");
        port = port == 0 ? 3306 : port;
        if (port < 0 || port > 65535) {
            throw new ConfigException("connection " + name + ": port must be 1..65535");
        }
        ConnectionConfig.require(username, "connections[" + name + "].username");
        if (password == null) {
            throw new ConfigException("connection " + name + ": a MySQL connection needs password (the held credential)");
        }
        database = database == null ? name : database;
        tls = tls == null ? UpstreamTlsMode.DISABLE : tls;
        if (tls == UpstreamTlsMode.VERIFY_FULL && caCertificate == null) {
            throw new ConfigException("connection " + name + ": tls verify-full needs caCertificate");
        }
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public String target() {
        return "mysql://" + host + ":" + port + "/" + database;
    }
}
