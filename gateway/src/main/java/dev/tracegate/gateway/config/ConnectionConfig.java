package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A target the gateway reaches on the caller's behalf, one record per protocol: clients select it
 * by name (the PostgreSQL database name, the first path segment on the HTTP gateway, the SSH user name, the MySQL database name), and the
 * gateway logs in with the held credential, which the caller never sees. In YAML, {@code protocol}
 * chooses the record ({@code postgres} when left out).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "protocol",
        defaultImpl = PostgresConnectionConfig.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = PostgresConnectionConfig.class, name = PostgresConnectionConfig.PROTOCOL),
        @JsonSubTypes.Type(value = HttpConnectionConfig.class, name = HttpConnectionConfig.PROTOCOL),
        @JsonSubTypes.Type(value = SshConnectionConfig.class, name = SshConnectionConfig.PROTOCOL),
        @JsonSubTypes.Type(value = MysqlConnectionConfig.class, name = MysqlConnectionConfig.PROTOCOL)})
public sealed interface ConnectionConfig permits PostgresConnectionConfig, HttpConnectionConfig, SshConnectionConfig,
        MysqlConnectionConfig {

    /** What clients ask for, e.g. {@code shop}. */
    String name();

    /** The protocol whose engine serves it. */
    String protocol();

    /** Where the target is, for evidence: never includes the credential. */
    String target();

    static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is required");
        }
    }

    static void requireName(String name) {
        require(name, "connections[].name");
        if (name.contains("/")) {
            throw new ConfigException("connection " + name + ": a name cannot contain /");
        }
    }
}
