package dev.tracegate.gateway.config;

/**
 * An SSH host. Callers log in to the gateway as the connection's name ({@code ssh -p 7403
 * web@gateway}); the gateway logs in upstream as {@code username} with the held key or password,
 * which the caller never sees, and only to a host whose key is the pinned one.
 *
 * @param name       what callers ask for: the user name they give the gateway
 * @param host       upstream host
 * @param port       upstream port; 22 unless set
 * @param username   the upstream account
 * @param privateKey held private key (OpenSSH or PEM text), by reference; this or {@code password}
 * @param password   held password, by reference
 * @param hostKey    the upstream's host key as a {@code known_hosts}/{@code .pub} line
 *                   ({@code ssh-ed25519 AAAA...}): any other key refuses the connection
 */
public record SshConnectionConfig(String name, String host, int port, String username, SecretReference privateKey,
                                  SecretReference password, String hostKey) implements ConnectionConfig {

    public static final String PROTOCOL = "ssh";

    public SshConnectionConfig {
        ConnectionConfig.requireName(name);
        ConnectionConfig.require(host, "connections[" + name + "].host");
        port = port == 0 ? 22 : port;
        if (port < 0 || port > 65535) {
            throw new ConfigException("connection " + name + ": port must be 1..65535");
        }
        ConnectionConfig.require(username, "connections[" + name + "].username");
        if (privateKey == null && password == null) {
            throw new ConfigException("connection " + name + ": an SSH connection needs privateKey or password");
        }
        // Trust on first use would let whoever answers first be the host: the key is part of the configuration.
        ConnectionConfig.require(hostKey, "connections[" + name + "].hostKey");
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public String target() {
        return "ssh://" + username + "@" + host + ":" + port;
    }
}
